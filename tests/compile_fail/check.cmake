# Compiles SOURCE and passes only if compilation fails with output matching EXPECT.
execute_process(
    COMMAND ${COMPILER} -std=c++20 -fsyntax-only -I${INCLUDE} ${SOURCE}
    RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(status EQUAL 0)
    message(FATAL_ERROR "${SOURCE} compiled, but it must not")
endif()
string(REGEX MATCH "${EXPECT}" found "${out}${err}")
if(NOT found)
    message(FATAL_ERROR "${SOURCE} failed to compile, but without the expected diagnostic\n"
                        "expected (regex): ${EXPECT}\n--- compiler said ---\n${err}")
endif()
message(STATUS "rejected as expected: ${found}")
