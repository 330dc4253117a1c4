# The body of the three consumer projects, included once mote is added: one program (main.cpp)
# with a hand-written model and, when MOTE_CONSUMER_SHARED holds mote's shared models, a converted
# one with its C interface. A host executable, or with the arm-none-eabi toolchain file a firmware
# for the board (MOTE_BOARD, default an386) that ctest runs under QEMU. Uses only what a user's
# project has: mote::mote, mote_add_model, include(MoteFirmware).
set(MOTE_CONSUMER_SHARED "" CACHE PATH "mote's shared data (models/ops, models/streaming); empty: the hand-written model only")
set(_consumer_dir "${CMAKE_CURRENT_LIST_DIR}")
enable_testing()

if(CMAKE_CROSSCOMPILING)
    include(MoteFirmware)
    mote_add_firmware(consumer SOURCES "${_consumer_dir}/main.cpp")
else()
    add_executable(consumer "${_consumer_dir}/main.cpp")
    target_link_libraries(consumer PRIVATE mote::mote)
endif()
target_include_directories(consumer PRIVATE "${_consumer_dir}")
target_compile_definitions(consumer PRIVATE MOTE_CONSUMER_WAY="${MOTE_CONSUMER_WAY}")

set(_consumer_expect "consumer: all checks passed")
if(MOTE_CONSUMER_SHARED)
    # The converted models and TFLite Micro's outputs for them, as tests/target uses them.
    include("${_consumer_dir}/../../target/c_api.cmake")
    mote_c_api_models(consumer "${MOTE_CONSUMER_SHARED}")
    target_sources(consumer PRIVATE "${_consumer_dir}/../../target/c_api.c")
    target_compile_definitions(consumer PRIVATE MOTE_CONSUMER_CONVERTED MOTE_C_API_NO_MAIN)
    set(_consumer_expect "bit-exact \\(C\\+\\+ API\\).*c_api: C11 calls.*${_consumer_expect}")
endif()

if(NOT CMAKE_CROSSCOMPILING)
    add_test(NAME consumer.host COMMAND consumer)
    set_tests_properties(consumer.host PROPERTIES PASS_REGULAR_EXPRESSION "${_consumer_expect}")
    return()
endif()
mote_add_target_test(consumer.firmware consumer EXPECT_OUTPUT "${_consumer_expect}")

# mote_model_fits from a project of its own: a model fits the board; with 300,000 B reserved
# (more than the board's 256 KiB of RAM) it does not, and the reason gives the numbers.
if(MOTE_CONSUMER_SHARED)
    set(_model "${MOTE_CONSUMER_SHARED}/models/ops/conv2d_1x1_s1_valid_7x9x8_o16_relu.tflite")
    mote_model_fits(why "${_model}")
    if(why)
        message(FATAL_ERROR "mote_model_fits: a 1.5 KB model does not fit ${MOTE_BOARD}: ${why}")
    endif()
    mote_model_fits(why "${_model}" RESERVED 300000)
    if(NOT why MATCHES "^needs at least [0-9]+ B of RAM \\(activations [0-9]+ \\+ input [0-9]+ \\+ stack and buffers 300000\\), the board declares [0-9]+ B$")
        message(FATAL_ERROR "mote_model_fits: expected 'needs at least ... B of RAM', got '${why}'")
    endif()
    # tests/consumers/run configures once with this on and expects the configure to stop.
    if(MOTE_CONSUMER_REQUIRE_TOO_BIG)
        mote_model_fits(why "${_model}" RESERVED 300000 REQUIRED)
    endif()
endif()
