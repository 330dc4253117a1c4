# Board table for bare-metal builds: one place that maps MOTE_BOARD to the core's flags, the
# QEMU machine that emulates it, the linker script that declares a realistic part, and the
# SysTick clock that turns ticks into executed instructions under `-icount shift=0`.
# Read by the toolchain file (flags) and by MoteFirmware.cmake (everything else).
# MOTE_BOARD_FLASH_BYTES / MOTE_BOARD_RAM_BYTES repeat what the linker script declares
# (mote_model_fits() compares a model against them at configure time).
#
#   board  core                 QEMU machine   declared part               SysTick clock
#   an386  Cortex-M4F (DSP)     mps2-an386     1 MiB flash, 256 KiB SRAM   25 MHz
#   an500  Cortex-M7 (DP FPU)   mps2-an500     1 MiB flash, 256 KiB SRAM   25 MHz
#   an547  Cortex-M55 (Helium)  mps3-an547     512 KiB ITCM, 512 KiB DTCM  32 MHz
#   m3     Cortex-M3 (no FPU)   lm3s6965evb    256 KiB flash, 64 KiB SRAM  12.5 MHz (reset RCC)
set(MOTE_BOARDS an386 an500 an547 m3)

macro(mote_board_info board)
    if("${board}" STREQUAL "an386")
        set(MOTE_BOARD_CPU_FLAGS -mthumb -mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard)
        set(MOTE_BOARD_QEMU_MACHINE mps2-an386)
        set(MOTE_BOARD_LINKER_SCRIPT memory-mps2.ld)
        set(MOTE_BOARD_FLASH_BYTES 1048576)
        set(MOTE_BOARD_RAM_BYTES 262144)
        set(MOTE_BOARD_SYSTICK_HZ 25000000)
    elseif("${board}" STREQUAL "an500")
        set(MOTE_BOARD_CPU_FLAGS -mthumb -mcpu=cortex-m7 -mfpu=fpv5-d16 -mfloat-abi=hard)
        set(MOTE_BOARD_QEMU_MACHINE mps2-an500)
        set(MOTE_BOARD_LINKER_SCRIPT memory-mps2.ld)
        set(MOTE_BOARD_FLASH_BYTES 1048576)
        set(MOTE_BOARD_RAM_BYTES 262144)
        set(MOTE_BOARD_SYSTICK_HZ 25000000)
    elseif("${board}" STREQUAL "an547")
        set(MOTE_BOARD_CPU_FLAGS -mthumb -mcpu=cortex-m55 -mfloat-abi=hard)
        set(MOTE_BOARD_QEMU_MACHINE mps3-an547)
        set(MOTE_BOARD_LINKER_SCRIPT memory-an547.ld)
        set(MOTE_BOARD_FLASH_BYTES 524288)
        set(MOTE_BOARD_RAM_BYTES 524288)
        set(MOTE_BOARD_SYSTICK_HZ 32000000)
    elseif("${board}" STREQUAL "m3")
        set(MOTE_BOARD_CPU_FLAGS -mthumb -mcpu=cortex-m3 -mfloat-abi=soft)
        set(MOTE_BOARD_QEMU_MACHINE lm3s6965evb)
        set(MOTE_BOARD_LINKER_SCRIPT memory-lm3s6965.ld)
        set(MOTE_BOARD_FLASH_BYTES 262144)
        set(MOTE_BOARD_RAM_BYTES 65536)
        set(MOTE_BOARD_SYSTICK_HZ 12500000)
    else()
        message(FATAL_ERROR "MOTE_BOARD='${board}' is not a known board; use one of: ${MOTE_BOARDS}")
    endif()
endmacro()
