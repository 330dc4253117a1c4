#pragma once
// mote: trained networks as C++ types. The umbrella header; device-safe (no heap, exceptions,
// RTTI or iostream).
#include "mote/core/diagnostics.hpp"
#include "mote/core/quant_params.hpp"
#include "mote/core/shape.hpp"
#include "mote/core/tensor.hpp"
#include "mote/core/weights.hpp"
#include "mote/layers/conv2d.hpp"
#include "mote/layers/dense.hpp"
#include "mote/layers/depthwise_conv2d.hpp"
#include "mote/layers/input.hpp"
#include "mote/layers/reshape.hpp"
#include "mote/model/describe.hpp"
#include "mote/model/model.hpp"
