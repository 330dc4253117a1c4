// Device code has no heap. Any use of malloc or operator new fails at link time naming the
// culprit: the definitions below refer to a symbol that exists nowhere, and --gc-sections drops
// them (and the unresolved reference) unless something really calls them.
// free and operator delete stay defined (a virtual destructor's deleting variant refers to
// delete even if never called); reaching them at run time stops the firmware.
#include <cstddef>
#include <new>

#include "mote_board.hpp"

#define MOTE_NO_HEAP(what) \
    mote_link_error__device_code_has_no_heap__##what##_was_called()

extern "C" {
[[noreturn]] void MOTE_NO_HEAP(malloc);
[[noreturn]] void MOTE_NO_HEAP(calloc);
[[noreturn]] void MOTE_NO_HEAP(realloc);
[[noreturn]] void MOTE_NO_HEAP(operator_new);

void* malloc(std::size_t) { MOTE_NO_HEAP(malloc); }
void* calloc(std::size_t, std::size_t) { MOTE_NO_HEAP(calloc); }
void* realloc(void*, std::size_t) { MOTE_NO_HEAP(realloc); }
void* _malloc_r(void*, std::size_t) { MOTE_NO_HEAP(malloc); }
void* _calloc_r(void*, std::size_t, std::size_t) { MOTE_NO_HEAP(calloc); }
void* _realloc_r(void*, void*, std::size_t) { MOTE_NO_HEAP(realloc); }
void* _sbrk(std::ptrdiff_t) { MOTE_NO_HEAP(malloc); }

[[noreturn]] static void heap_misuse(const char* what) {
    mote::board::print("\nmote: FAULT ", what, " called: device code has no heap\n");
    mote::board::exit(125);
}
void free(void* p) { if (p) heap_misuse("free"); }
void _free_r(void*, void* p) { if (p) heap_misuse("free"); }

// Static destructors are registered through atexit (-fno-use-cxa-atexit); firmware never
// returns to a C runtime, so there is nothing to run them and nothing to allocate for them.
int atexit(void (*)()) { return 0; }
[[noreturn]] void abort() {
    mote::board::print("\nmote: FAULT abort()\n");
    mote::board::exit(127);
}
[[noreturn]] void _exit(int status) { mote::board::exit(status); }
}

void* operator new(std::size_t) { MOTE_NO_HEAP(operator_new); }
void* operator new[](std::size_t) { MOTE_NO_HEAP(operator_new); }
void* operator new(std::size_t, const std::nothrow_t&) noexcept { MOTE_NO_HEAP(operator_new); }
void* operator new[](std::size_t, const std::nothrow_t&) noexcept { MOTE_NO_HEAP(operator_new); }
void* operator new(std::size_t, std::align_val_t) { MOTE_NO_HEAP(operator_new); }
void* operator new[](std::size_t, std::align_val_t) { MOTE_NO_HEAP(operator_new); }
void operator delete(void* p) noexcept { if (p) heap_misuse("operator delete"); }
void operator delete[](void* p) noexcept { if (p) heap_misuse("operator delete"); }
void operator delete(void* p, std::size_t) noexcept { if (p) heap_misuse("operator delete"); }
void operator delete[](void* p, std::size_t) noexcept { if (p) heap_misuse("operator delete"); }
void operator delete(void* p, std::align_val_t) noexcept { if (p) heap_misuse("operator delete"); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { if (p) heap_misuse("operator delete"); }
