# Which model the split example uses, shared by the device (firmware/) and the server (host/):
# KWS (MLPerf Tiny keyword spotting) when the shared models are there, else the hand-written
# bars model. MOTE_SPLIT_CUT: units on the device (default 1: the first Conv2D+ReLU, whose
# 25x5x64 output is mostly the zero point; see docs/split.md).
set(MOTE_SPLIT_CUT 1 CACHE STRING "Units of the model that run on the device")
set(_kws "${MOTE_SHARED_DIR}/models/kws_dscnn_int8.tflite")
if(EXISTS "${_kws}")
    set(MOTE_SPLIT_MODEL kws CACHE INTERNAL "")
else()
    set(MOTE_SPLIT_MODEL bars CACHE INTERNAL "")
endif()
get_filename_component(_split_dir "${CMAKE_CURRENT_LIST_DIR}" ABSOLUTE)

function(mote_split_model target)
    target_include_directories(${target} PRIVATE "${_split_dir}" "${_split_dir}/../baremetal"
        "${_split_dir}/../models")
    target_compile_definitions(${target} PRIVATE MOTE_SPLIT_CUT=${MOTE_SPLIT_CUT})
    if(MOTE_SPLIT_MODEL STREQUAL "kws")
        mote_add_model(${target} "${_kws}" NAMESPACE kws_dscnn_int8)
        target_compile_definitions(${target} PRIVATE MOTE_SPLIT_HEADER="kws_dscnn_int8.hpp"
            MOTE_SPLIT_NS=kws_dscnn_int8 MOTE_SPLIT_NAME="kws_dscnn_int8" MOTE_DEMO_KIND=1)
    else()
        target_compile_definitions(${target} PRIVATE MOTE_SPLIT_HEADER="bars.hpp" MOTE_SPLIT_NS=bars
            MOTE_SPLIT_NAME="bars" MOTE_SPLIT_BARS=1 MOTE_SPLIT_FIXED_MODEL_ID=0x62617273u)
    endif()
endfunction()
