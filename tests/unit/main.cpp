// The Catch2 v2 main, compiled once into mote_catch_main and linked by every unit test.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
