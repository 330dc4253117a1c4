# Cross-compiling mote for bare-metal Cortex-M with the GNU Arm toolchain (arm-none-eabi-gcc),
# running target tests under QEMU through CMAKE_CROSSCOMPILING_EMULATOR.
#
#   cmake -S . -B build-arm-an386 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-arm-none-eabi.cmake \
#         -DMOTE_BOARD=an386        # an386 (default) | an500 | an547 | m3 | stm32f405 | an505 | microbit
#
# Board details (flags, machine, memory) are in cmake/baremetal/boards.cmake.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(MOTE_BOARD "an386" CACHE STRING
    "Bare-metal board: an386 (M4F), an500 (M7), an547 (M55), m3 (M3), stm32f405 (M4F), an505 (M33), microbit (M0)")
# try_compile projects re-read this file: hand them the board.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES MOTE_BOARD)
list(REMOVE_DUPLICATES CMAKE_TRY_COMPILE_PLATFORM_VARIABLES)

include("${CMAKE_CURRENT_LIST_DIR}/baremetal/boards.cmake")
set_property(CACHE MOTE_BOARD PROPERTY STRINGS ${MOTE_BOARDS})
mote_board_info("${MOTE_BOARD}")

set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
set(CMAKE_AR arm-none-eabi-ar CACHE FILEPATH "")
set(CMAKE_RANLIB arm-none-eabi-ranlib CACHE FILEPATH "")
set(CMAKE_OBJCOPY arm-none-eabi-objcopy CACHE FILEPATH "")
set(CMAKE_SIZE arm-none-eabi-size CACHE FILEPATH "")
set(CMAKE_NM arm-none-eabi-nm CACHE FILEPATH "")
# No startup files or semihosting stubs exist at configure time: probe with a static library.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

list(JOIN MOTE_BOARD_CPU_FLAGS " " _mote_cpu)
set(_mote_common "${_mote_cpu} --specs=nano.specs -ffunction-sections -fdata-sections")
set(CMAKE_C_FLAGS_INIT "${_mote_common}")
set(CMAKE_ASM_FLAGS_INIT "${_mote_cpu}")
set(CMAKE_CXX_FLAGS_INIT "${_mote_common} -fno-exceptions -fno-rtti -fno-threadsafe-statics \
-fno-use-cxa-atexit -fno-unwind-tables -fno-asynchronous-unwind-tables")
# CMake passes CMAKE_CXX_FLAGS (CPU flags, nano.specs) to the link step too.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostartfiles -Wl,--gc-sections")
# Release is what the benchmarks measure; -O3's unrolling is rarely worth the flash on an MCU.
# (A _RELEASE_INIT value would get CMake's own -O3 appended, so seed the cache instead.)
set(CMAKE_C_FLAGS_RELEASE "-O2 -DNDEBUG" CACHE STRING "Flags for Release builds")
set(CMAKE_CXX_FLAGS_RELEASE "-O2 -DNDEBUG" CACHE STRING "Flags for Release builds")
set(CMAKE_BUILD_TYPE_INIT Release)
unset(_mote_cpu)
unset(_mote_common)

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# ctest runs each target test as: <emulator...> <firmware.elf> (so the list ends with -kernel).
# -icount shift=0: one virtual ns per instruction, so SysTick counts executed instructions.
set(MOTE_QEMU_TIMEOUT 120 CACHE STRING "Seconds before a QEMU run is killed")
set(CMAKE_CROSSCOMPILING_EMULATOR
    timeout -k 5 ${MOTE_QEMU_TIMEOUT}
    qemu-system-arm -M ${MOTE_BOARD_QEMU_MACHINE} -icount shift=0
    -display none -monitor none -serial null -nodefaults -nic none
    -chardev stdio,id=semi -semihosting-config enable=on,target=native,chardev=semi
    -kernel)
