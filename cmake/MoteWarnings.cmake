# mote_strict: the flags every translation unit of ours builds with (device-safe subset of C++).
add_library(mote_strict INTERFACE)
target_compile_options(mote_strict INTERFACE -Wall -Wextra -Werror -Wshadow -Wconversion
    -Wno-sign-conversion)
# mote_device_flags: what firmware is built with; host golden runners use it too.
add_library(mote_device_flags INTERFACE)
target_compile_options(mote_device_flags INTERFACE -fno-exceptions -fno-rtti)
if(MOTE_SANITIZE AND NOT CMAKE_CROSSCOMPILING)
    add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
    add_link_options(-fsanitize=address,undefined)
endif()
# mote's own firmware (tests/target, examples/baremetal) builds with mote_strict; a user's
# firmware made with mote_add_firmware never does (cmake/MoteFirmware.cmake). A directory
# variable: set in mote's directories only, never in a project that adds mote.
set(MOTE_STRICT_FIRMWARE ON)
