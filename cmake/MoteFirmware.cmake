# Firmware for bare-metal Cortex-M boards (cross builds with cmake/toolchain-arm-none-eabi.cmake).
#
#   mote_add_firmware(<target> SOURCES <src>... [STACK_SIZE <bytes>] [LIBRARIES <lib>...])
#       An ELF (<target>.elf) with the board's vectors, startup, semihosting, instruction counter
#       and linker script; writes <target>.map beside it and prints the memory use at link time.
#       STACK_SIZE defaults to the board's (8 KiB; 4 KiB on microbit). main() returning N exits
#       QEMU with status N.
#
#   mote_add_target_test(<name> <target> [ARGS <arg>...] [EXPECT_EXIT <code>]
#                        [EXPECT_OUTPUT <regex>] [TIMEOUT <seconds>])
#       Runs the firmware under QEMU from ctest. ARGS reach the firmware through semihosting's
#       command line (mote::board::arguments). Passes when the exit status is EXPECT_EXIT
#       (default 0) and, if given, the output matches EXPECT_OUTPUT.
#
#   mote_model_fits(<out_var> <model.tflite> [RESERVED <bytes>] [STREAM_BYTES <bytes>] [REQUIRED])
#       Configure-time check of a model against the board's declared flash and RAM (lower
#       bounds: weights+bias; input + peak live activations + variable tensors + RESERVED,
#       default 10 KiB for the stack and buffers). STREAM_BYTES: the firmware holds up to that
#       many bytes of a stateful model's input frames (at most 32) and their outputs instead of
#       one input. Sets <out_var> to "" when it may fit, else to the reason with the numbers;
#       REQUIRED makes a model that does not fit a configure error. A model the check cannot
#       read is a configure error too.
#
#   mote_add_skipped_test(<name> <reason>)
#       A test that prints "SKIPPED: <reason>" and is reported by ctest as skipped.
#
# From another project: include(MoteFirmware) once mote is added (add_subdirectory, FetchContent
# or find_package(mote), which put this directory on CMAKE_MODULE_PATH). Firmware builds with the
# project's own flags: mote's warning flags (mote_strict) apply to mote's own firmware only, in
# the directories where MoteWarnings.cmake set MOTE_STRICT_FIRMWARE.
include_guard(GLOBAL)

set(MOTE_BAREMETAL_DIR "${CMAKE_CURRENT_LIST_DIR}/baremetal")
include("${MOTE_BAREMETAL_DIR}/boards.cmake")

if(NOT CMAKE_CROSSCOMPILING OR NOT DEFINED MOTE_BOARD)
    message(FATAL_ERROR "MoteFirmware.cmake needs a cross build: "
        "-DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-arm-none-eabi.cmake [-DMOTE_BOARD=an386]")
endif()
mote_board_info("${MOTE_BOARD}")

# Board support, compiled once per build tree and linked (as objects) into every firmware.
add_library(mote_board OBJECT
    "${MOTE_BAREMETAL_DIR}/startup.cpp"
    "${MOTE_BAREMETAL_DIR}/semihosting.cpp"
    "${MOTE_BAREMETAL_DIR}/counter.cpp"
    "${MOTE_BAREMETAL_DIR}/stack.cpp"
    "${MOTE_BAREMETAL_DIR}/no_heap.cpp")
target_include_directories(mote_board PUBLIC "${MOTE_BAREMETAL_DIR}")
target_compile_features(mote_board PUBLIC cxx_std_20)
target_compile_definitions(mote_board PUBLIC
    MOTE_BOARD_NAME="${MOTE_BOARD}" MOTE_BOARD_SYSTICK_HZ=${MOTE_BOARD_SYSTICK_HZ}u)
# Board code is not what is measured: keep it small (the counter read costs the same either way).
target_compile_options(mote_board PRIVATE -Os)
if(MOTE_STRICT_FIRMWARE AND TARGET mote_strict)
    target_link_libraries(mote_board PRIVATE mote_strict)
endif()
target_link_options(mote_board INTERFACE
    "-L${MOTE_BAREMETAL_DIR}" "-T${MOTE_BOARD_LINKER_SCRIPT}" "LINKER:--print-memory-usage")
set_property(TARGET mote_board PROPERTY INTERFACE_LINK_DEPENDS
    "${MOTE_BAREMETAL_DIR}/${MOTE_BOARD_LINKER_SCRIPT}" "${MOTE_BAREMETAL_DIR}/mote-sections.ld")

function(mote_add_firmware target)
    cmake_parse_arguments(PARSE_ARGV 1 ARG "" "STACK_SIZE" "SOURCES;LIBRARIES")
    if(NOT ARG_SOURCES)
        message(FATAL_ERROR "mote_add_firmware(${target}): SOURCES is required")
    endif()
    add_executable(${target} ${ARG_SOURCES})
    set_target_properties(${target} PROPERTIES SUFFIX ".elf")
    target_link_libraries(${target} PRIVATE mote_board ${ARG_LIBRARIES})
    if(TARGET mote::mote)
        target_link_libraries(${target} PRIVATE mote::mote)
    endif()
    if(MOTE_STRICT_FIRMWARE AND TARGET mote_strict)
        target_link_libraries(${target} PRIVATE mote_strict)
    endif()
    target_link_options(${target} PRIVATE
        "LINKER:-Map=$<TARGET_FILE_DIR:${target}>/${target}.map,--cref")
    if(NOT ARG_STACK_SIZE)
        mote_board_info("${MOTE_BOARD}")   # MOTE_BOARD_STACK_BYTES in this scope
        set(ARG_STACK_SIZE ${MOTE_BOARD_STACK_BYTES})
    endif()
    target_link_options(${target} PRIVATE "LINKER:--defsym=__mote_stack_size=${ARG_STACK_SIZE}")
endfunction()

function(mote_add_target_test name target)
    cmake_parse_arguments(PARSE_ARGV 2 ARG "" "EXPECT_EXIT;EXPECT_OUTPUT;TIMEOUT" "ARGS")
    if(NOT DEFINED ARG_EXPECT_EXIT)
        set(ARG_EXPECT_EXIT 0)
    endif()
    set(append "")
    set(joined "")
    if(ARG_ARGS)
        list(JOIN ARG_ARGS " " joined)
        set(append -append "${joined}")
    endif()
    if(ARG_EXPECT_EXIT EQUAL 0 AND NOT DEFINED ARG_EXPECT_OUTPUT)
        # CTest runs <CMAKE_CROSSCOMPILING_EMULATOR> <firmware.elf> [-append "args"].
        add_test(NAME ${name} COMMAND ${target} ${append})
    else()
        list(JOIN CMAKE_CROSSCOMPILING_EMULATOR "|" emulator)
        add_test(NAME ${name} COMMAND "${CMAKE_COMMAND}"
            "-DEMULATOR=${emulator}" "-DFIRMWARE=$<TARGET_FILE:${target}>"
            "-DAPPEND=${joined}" "-DEXPECT_EXIT=${ARG_EXPECT_EXIT}"
            "-DEXPECT_OUTPUT=${ARG_EXPECT_OUTPUT}"
            -P "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/baremetal/expect-run.cmake")
    endif()
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 120)
    endif()
    set_tests_properties(${name} PROPERTIES TIMEOUT ${ARG_TIMEOUT} LABELS "target;${MOTE_BOARD}")
endfunction()

function(mote_model_fits out model)
    cmake_parse_arguments(PARSE_ARGV 2 ARG "REQUIRED" "RESERVED;STREAM_BYTES" "")
    if(NOT DEFINED ARG_RESERVED)
        set(ARG_RESERVED 10240)
    endif()
    if(NOT DEFINED ARG_STREAM_BYTES)
        set(ARG_STREAM_BYTES 0)
    endif()
    mote_board_info("${MOTE_BOARD}")   # MOTE_BOARD_FLASH_BYTES / _RAM_BYTES in this scope
    set(python "${MOTE_PYTHON3_EXECUTABLE}")
    if(NOT python)
        find_package(Python3 COMPONENTS Interpreter QUIET)
        set(python "${Python3_EXECUTABLE}")
    endif()
    if(NOT python)
        message(FATAL_ERROR "mote_model_fits: Python 3 is needed to read ${model}")
    endif()
    # tools/ beside cmake/, in the source tree and in an installed tree alike.
    get_filename_component(tools "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/../tools" ABSOLUTE)
    execute_process(
        COMMAND "${python}" "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/baremetal/model_fit.py" "${model}"
                "${tools}" ${MOTE_BOARD_FLASH_BYTES} ${MOTE_BOARD_RAM_BYTES} ${ARG_RESERVED}
                ${ARG_STREAM_BYTES}
        OUTPUT_VARIABLE verdict ERROR_VARIABLE error OUTPUT_STRIP_TRAILING_WHITESPACE
        RESULT_VARIABLE rc)
    if(verdict MATCHES "^does not fit: (.*)")
        set(why "${CMAKE_MATCH_1}")
        if(ARG_REQUIRED)
            message(FATAL_ERROR "mote_model_fits: ${model} does not fit ${MOTE_BOARD}: ${why}")
        endif()
        set(${out} "${why}" PARENT_SCOPE)
    elseif(rc EQUAL 0 AND verdict STREQUAL "fits")
        set(${out} "" PARENT_SCOPE)
    else()
        # Not "fits" by default: the linker would otherwise be the first to say, tens of KB late.
        message(FATAL_ERROR "mote_model_fits: cannot check ${model} (exit ${rc}): ${verdict}${error}")
    endif()
endfunction()

# A ctest entry that prints "SKIPPED: <reason>" and exits 77, which ctest reports as skipped
# (SKIP_RETURN_CODE), never as passed.
function(mote_add_skipped_test name reason)
    add_test(NAME ${name} COMMAND sh -c "echo \"SKIPPED: $1\"; exit 77" skip "${reason}")
    set_tests_properties(${name} PROPERTIES SKIP_RETURN_CODE 77 LABELS "target;${MOTE_BOARD}")
endfunction()
