#pragma once
// mote's audio front end: TFLite Micro's microfrontend features from PCM, bit for bit, with
// compile-time tables, the int8 model input derived from them, and the pipeline from PCM to a
// keyword model's output. Device-safe.
#include "mote/audio/config.hpp"
#include "mote/audio/feature_window.hpp"
#include "mote/audio/fft.hpp"
#include "mote/audio/filterbank.hpp"
#include "mote/audio/frontend.hpp"
#include "mote/audio/keyword_pipeline.hpp"
#include "mote/audio/log_scale.hpp"
#include "mote/audio/model_input.hpp"
#include "mote/audio/noise_reduction.hpp"
#include "mote/audio/pcan.hpp"
#include "mote/audio/tables.hpp"
#include "mote/audio/window.hpp"
