#pragma once
// <mote.h>: the whole C++ API in one include, for the Arduino library (its src/mote.h, what
// "Sketch > Include Library > mote" adds) and for PlatformIO (library.json puts this folder on
// the include path): models (mote/mote.hpp) and the audio front end (mote/audio.hpp).
#include "mote/mote.hpp"
#include "mote/audio.hpp"
