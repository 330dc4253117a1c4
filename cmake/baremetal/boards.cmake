# Board table for bare-metal builds: one place that maps MOTE_BOARD to the core's flags, the
# QEMU machine that emulates it, the linker script that declares a realistic part, and the
# SysTick clock that turns ticks into executed instructions under `-icount shift=0`.
# Read by the toolchain file (flags) and by MoteFirmware.cmake (everything else).
# MOTE_BOARD_FLASH_BYTES / MOTE_BOARD_RAM_BYTES repeat what the linker script declares
# (mote_model_fits() compares a model against them at configure time); MOTE_BOARD_STACK_BYTES is
# a firmware's stack unless mote_add_firmware(STACK_SIZE) says otherwise.
#
#   board      core                  QEMU machine   declared part                      SysTick clock
#   an386      Cortex-M4F (DSP)      mps2-an386     1 MiB flash, 256 KiB SRAM          25 MHz
#   an500      Cortex-M7 (DP FPU)    mps2-an500     1 MiB flash, 256 KiB SRAM          25 MHz
#   an547      Cortex-M55 (Helium)   mps3-an547     512 KiB ITCM, 512 KiB DTCM         32 MHz
#   m3         Cortex-M3 (no FPU)    lm3s6965evb    256 KiB flash, 64 KiB SRAM         12.5 MHz (a)
#   stm32f405  Cortex-M4F (DSP)      netduinoplus2  STM32F405: 1 MiB, 128 KiB SRAM1+2  168 MHz (b)
#   an505      Cortex-M33 (DSP, FPU) mps2-an505     1 MiB, 256 KiB at Secure aliases   20 MHz (b)
#   microbit   Cortex-M0             microbit       nRF51822: 256 KiB, 16 KiB RAM      16 MHz (b, c)
# (a) from the SYSCTL RCC reset value; (b) measured under QEMU 7.2: a loop of known instruction
# count against SysTick; (c) QEMU's: the real nRF51 has no SysTick (docs/boards.md).
set(MOTE_BOARDS an386 an500 an547 m3 stm32f405 an505 microbit)

macro(mote_board_info board)
    set(MOTE_BOARD_STACK_BYTES 8192)
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
    elseif("${board}" STREQUAL "stm32f405")
        set(MOTE_BOARD_CPU_FLAGS -mthumb -mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard)
        set(MOTE_BOARD_QEMU_MACHINE netduinoplus2)
        set(MOTE_BOARD_LINKER_SCRIPT memory-stm32f405.ld)
        set(MOTE_BOARD_FLASH_BYTES 1048576)
        set(MOTE_BOARD_RAM_BYTES 131072)
        set(MOTE_BOARD_SYSTICK_HZ 168000000)
    elseif("${board}" STREQUAL "an505")
        set(MOTE_BOARD_CPU_FLAGS -mthumb -mcpu=cortex-m33 -mfpu=fpv5-sp-d16 -mfloat-abi=hard)
        set(MOTE_BOARD_QEMU_MACHINE mps2-an505)
        set(MOTE_BOARD_LINKER_SCRIPT memory-an505.ld)
        set(MOTE_BOARD_FLASH_BYTES 1048576)
        set(MOTE_BOARD_RAM_BYTES 262144)
        set(MOTE_BOARD_SYSTICK_HZ 20000000)
    elseif("${board}" STREQUAL "microbit")
        set(MOTE_BOARD_CPU_FLAGS -mthumb -mcpu=cortex-m0 -mfloat-abi=soft)
        set(MOTE_BOARD_QEMU_MACHINE microbit)
        set(MOTE_BOARD_LINKER_SCRIPT memory-nrf51822.ld)
        set(MOTE_BOARD_FLASH_BYTES 262144)
        set(MOTE_BOARD_RAM_BYTES 16384)
        set(MOTE_BOARD_STACK_BYTES 4096)
        set(MOTE_BOARD_SYSTICK_HZ 16000000)
    else()
        message(FATAL_ERROR "MOTE_BOARD='${board}' is not a known board; use one of: ${MOTE_BOARDS}")
    endif()
endmacro()
