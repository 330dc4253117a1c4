# MoteConvert.cmake: run tools/mote-convert at build time.
#
#   mote_add_model(<target> <model.tflite> [NAMESPACE ns] [NAME type] [HEADER file.hpp]
#                  [C_API [C_PREFIX prefix]])
#
# Generates <build>/mote_models/<target>/<HEADER> (default: <model stem>.hpp) from the model with
# add_custom_command (re-run when the model or the converter changes), adds that directory to
# <target>'s include path and makes <target> depend on the header. C_API also generates the C
# interface beside it (<stem>.h, pure C, and <stem>.cpp, added to <target>'s sources: the target
# needs CXX enabled), with C names <prefix>_run etc. (default prefix: the namespace, :: as _).
# The converter needs only Python 3 (standard library).
#
# Works from any directory of any project once included: mote's CMakeLists.txt includes it, and
# so does moteConfig.cmake (find_package(mote)). Python and the converter are looked up here
# and kept in the cache, so no variable of the including scope is needed later.
include_guard(GLOBAL)

find_package(Python3 COMPONENTS Interpreter)
if(Python3_EXECUTABLE)
    set(MOTE_PYTHON3_EXECUTABLE "${Python3_EXECUTABLE}" CACHE INTERNAL "Python 3 for mote-convert")
endif()
# tools/ beside cmake/: the source tree, or <prefix>/share/mote/ when installed.
get_filename_component(_mote_tools "${CMAKE_CURRENT_LIST_DIR}/../tools" ABSOLUTE)
set(MOTE_CONVERT_TOOLS_DIR "${_mote_tools}" CACHE INTERNAL "mote tools directory")
set(MOTE_CONVERT_SCRIPT "${_mote_tools}/mote-convert" CACHE INTERNAL "mote-convert script")
file(GLOB_RECURSE _mote_convert_sources CONFIGURE_DEPENDS "${_mote_tools}/motelib/*.py")
set(MOTE_CONVERT_SOURCES "${_mote_convert_sources}" CACHE INTERNAL "mote-convert sources")
unset(_mote_tools)
unset(_mote_convert_sources)

function(mote_add_model target model)
    cmake_parse_arguments(PARSE_ARGV 2 ARG "C_API" "NAMESPACE;NAME;HEADER;C_PREFIX" "")
    if(ARG_UNPARSED_ARGUMENTS)
        message(FATAL_ERROR "mote_add_model: unexpected arguments: ${ARG_UNPARSED_ARGUMENTS}")
    endif()
    if(NOT TARGET ${target})
        message(FATAL_ERROR "mote_add_model: '${target}' is not a target")
    endif()
    if(NOT MOTE_PYTHON3_EXECUTABLE)
        message(FATAL_ERROR "mote_add_model: Python 3 is needed to run mote-convert, and "
            "find_package(Python3 COMPONENTS Interpreter) found none (set Python3_EXECUTABLE)")
    endif()
    if(ARG_C_PREFIX AND NOT ARG_C_API)
        message(FATAL_ERROR "mote_add_model: C_PREFIX is for C_API")
    endif()
    get_filename_component(model_abs "${model}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    get_filename_component(stem "${model_abs}" NAME_WE)
    if(ARG_HEADER)
        set(header_name "${ARG_HEADER}")
    else()
        set(header_name "${stem}.hpp")
    endif()
    set(out_dir "${CMAKE_CURRENT_BINARY_DIR}/mote_models/${target}")
    set(header "${out_dir}/${header_name}")
    set(outputs "${header}")
    set(args "${model_abs}" -o "${header}")
    if(ARG_NAMESPACE)
        list(APPEND args --namespace "${ARG_NAMESPACE}")
    endif()
    if(ARG_NAME)
        list(APPEND args --name "${ARG_NAME}")
    endif()
    get_target_property(type ${target} TYPE)
    if(ARG_C_API)
        if(type STREQUAL "INTERFACE_LIBRARY")
            message(FATAL_ERROR "mote_add_model(${target} C_API): the C interface is a C++ source; "
                "give a target that compiles sources")
        endif()
        get_filename_component(header_stem "${header_name}" NAME_WLE)
        set(c_source "${out_dir}/${header_stem}.cpp")
        list(APPEND outputs "${out_dir}/${header_stem}.h" "${c_source}")
        list(APPEND args --c-api)
        if(ARG_C_PREFIX)
            list(APPEND args --c-prefix "${ARG_C_PREFIX}")
        endif()
    endif()
    add_custom_command(
        OUTPUT ${outputs}
        COMMAND "${MOTE_PYTHON3_EXECUTABLE}" "${MOTE_CONVERT_SCRIPT}" ${args}
        DEPENDS "${model_abs}" "${MOTE_CONVERT_SCRIPT}" ${MOTE_CONVERT_SOURCES}
        COMMENT "mote-convert ${stem}.tflite -> ${header_name}"
        VERBATIM)
    string(MAKE_C_IDENTIFIER "${target}_${header_name}" gen_target)
    add_custom_target(mote_gen_${gen_target} DEPENDS ${outputs})
    add_dependencies(${target} mote_gen_${gen_target})
    if(type STREQUAL "INTERFACE_LIBRARY")
        target_include_directories(${target} INTERFACE "${out_dir}")
    else()
        target_include_directories(${target} PRIVATE "${out_dir}")
        target_sources(${target} PRIVATE ${outputs})
    endif()
endfunction()
