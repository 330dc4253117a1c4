# mote-split planner tests (Python unittest, standard library). Included by
# tests/split/CMakeLists.txt; needs MOTE_SHARED_DIR and Python3_EXECUTABLE from the top level.
#   split_planner        LoRa airtime formula, fragments, best-cut choice, JSON/SVG, CLI errors
#   split_planner_kws    one run on kws_dscnn_int8.tflite (skipped, code 77, without it)
if(NOT Python3_EXECUTABLE)
    find_package(Python3 COMPONENTS Interpreter QUIET)
endif()
if(NOT Python3_EXECUTABLE)
    add_test(NAME split_planner_skipped COMMAND sh -c "echo 'SKIPPED: Python 3 not found'; exit 77")
    set_tests_properties(split_planner_skipped PROPERTIES SKIP_RETURN_CODE 77)
    return()
endif()
foreach(part IN ITEMS planner planner_kws)
    if(part STREQUAL "planner")
        set(_mote_split_args Airtime Fragments Planner Output)
    else()
        set(_mote_split_args RealModel)
    endif()
    add_test(NAME split_${part}
             COMMAND "${Python3_EXECUTABLE}" "${CMAKE_CURRENT_LIST_DIR}/test_planner.py"
                     ${_mote_split_args})
    set_tests_properties(split_${part} PROPERTIES
        SKIP_RETURN_CODE 77
        TIMEOUT 600
        ENVIRONMENT "MOTE_SHARED_DIR=${MOTE_SHARED_DIR};MOTE_REPO=${PROJECT_SOURCE_DIR};CXX=${CMAKE_CXX_COMPILER}")
endforeach()
