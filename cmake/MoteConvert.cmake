# MoteConvert.cmake: run tools/mote-convert at build time.
#
#   mote_add_model(<target> <model.tflite> [NAMESPACE ns] [NAME type] [HEADER file.hpp])
#
# Generates <build>/mote_models/<target>/<HEADER> (default: <model stem>.hpp) from the model with
# add_custom_command (re-run when the model or the converter changes), adds that directory to
# <target>'s include path and makes <target> depend on the header.  The converter needs only
# Python 3 (standard library).
include_guard(GLOBAL)

find_package(Python3 COMPONENTS Interpreter)

# Cached (global), so that mote_add_model works from any directory of a project that includes
# this file once (include_guard) — e.g. mote pulled in with add_subdirectory.
get_filename_component(_mote_tools "${CMAKE_CURRENT_LIST_DIR}/../tools" ABSOLUTE)
set(MOTE_CONVERT_TOOLS_DIR "${_mote_tools}" CACHE INTERNAL "mote tools directory")
set(MOTE_CONVERT_SCRIPT "${_mote_tools}/mote-convert" CACHE INTERNAL "mote-convert script")
file(GLOB_RECURSE _mote_convert_sources CONFIGURE_DEPENDS "${_mote_tools}/motelib/*.py")
set(MOTE_CONVERT_SOURCES "${_mote_convert_sources}" CACHE INTERNAL "mote-convert sources")

function(mote_add_model target model)
    cmake_parse_arguments(PARSE_ARGV 2 ARG "" "NAMESPACE;NAME;HEADER" "")
    if(ARG_UNPARSED_ARGUMENTS)
        message(FATAL_ERROR "mote_add_model: unexpected arguments: ${ARG_UNPARSED_ARGUMENTS}")
    endif()
    if(NOT TARGET ${target})
        message(FATAL_ERROR "mote_add_model: '${target}' is not a target")
    endif()
    if(NOT Python3_EXECUTABLE)
        message(FATAL_ERROR "mote_add_model: Python 3 is needed to run mote-convert")
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
    set(args "${model_abs}" -o "${header}")
    if(ARG_NAMESPACE)
        list(APPEND args --namespace "${ARG_NAMESPACE}")
    endif()
    if(ARG_NAME)
        list(APPEND args --name "${ARG_NAME}")
    endif()
    add_custom_command(
        OUTPUT "${header}"
        COMMAND "${Python3_EXECUTABLE}" "${MOTE_CONVERT_SCRIPT}" ${args}
        DEPENDS "${model_abs}" "${MOTE_CONVERT_SCRIPT}" ${MOTE_CONVERT_SOURCES}
        COMMENT "mote-convert ${stem}.tflite -> ${header_name}"
        VERBATIM)
    string(MAKE_C_IDENTIFIER "${target}_${header_name}" gen_target)
    add_custom_target(mote_gen_${gen_target} DEPENDS "${header}")
    add_dependencies(${target} mote_gen_${gen_target})
    get_target_property(type ${target} TYPE)
    if(type STREQUAL "INTERFACE_LIBRARY")
        target_include_directories(${target} INTERFACE "${out_dir}")
    else()
        target_include_directories(${target} PRIVATE "${out_dir}")
        target_sources(${target} PRIVATE "${header}")
    endif()
endfunction()
