// Arm semihosting (QEMU: -semihosting-config enable=on,target=native).
#include <cstdint>

#include "mote_board.hpp"

namespace mote::board {
namespace {

enum : std::uint32_t {
    SYS_OPEN = 0x01,
    SYS_CLOSE = 0x02,
    SYS_WRITEC = 0x03,
    SYS_WRITE0 = 0x04,
    SYS_READ = 0x06,
    SYS_FLEN = 0x0C,
    SYS_GET_CMDLINE = 0x15,
    SYS_EXIT_EXTENDED = 0x20,
};
constexpr std::uint32_t ADP_Stopped_ApplicationExit = 0x20026;

std::int32_t call(std::uint32_t op, const void* arg) {
    register std::uint32_t r0 asm("r0") = op;
    register const void* r1 asm("r1") = arg;
    asm volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return static_cast<std::int32_t>(r0);
}

std::uint32_t length(const char* s) {
    std::uint32_t n = 0;
    while (s[n]) ++n;
    return n;
}

}  // namespace

void write(const char* text) { call(SYS_WRITE0, text); }

void write_char(char c) { call(SYS_WRITEC, &c); }

void exit(int status) {
    const std::uint32_t block[2] = {ADP_Stopped_ApplicationExit, static_cast<std::uint32_t>(status)};
    call(SYS_EXIT_EXTENDED, block);
    for (;;) asm volatile("bkpt 0");   // no host: stop here
}

int open(const char* path) {
    const std::uint32_t block[3] = {reinterpret_cast<std::uint32_t>(path), 1 /* "rb" */,
                                    length(path)};
    return call(SYS_OPEN, block);
}

long file_length(int handle) {
    const std::uint32_t block[1] = {static_cast<std::uint32_t>(handle)};
    return call(SYS_FLEN, block);
}

long read(int handle, std::span<std::byte> out) {
    const std::uint32_t block[3] = {static_cast<std::uint32_t>(handle),
                                    reinterpret_cast<std::uint32_t>(out.data()),
                                    static_cast<std::uint32_t>(out.size())};
    const std::int32_t not_read = call(SYS_READ, block);   // bytes NOT read
    if (not_read < 0 || static_cast<std::uint32_t>(not_read) > out.size()) return -1;
    return static_cast<long>(out.size() - static_cast<std::uint32_t>(not_read));
}

int close(int handle) {
    const std::uint32_t block[1] = {static_cast<std::uint32_t>(handle)};
    return call(SYS_CLOSE, block);
}

long read_file(const char* path, std::span<std::byte> out) {
    const int h = open(path);
    if (h < 0) return -1;
    const long size = file_length(h);
    long got = -1;
    if (size >= 0 && static_cast<unsigned long>(size) <= out.size()) {
        got = 0;
        while (got < size) {
            const long n = read(h, out.subspan(static_cast<std::size_t>(got),
                                               static_cast<std::size_t>(size - got)));
            if (n <= 0) break;
            got += n;
        }
        if (got != size) got = -1;
    }
    close(h);
    return got;
}

int arguments(std::span<char> storage, std::span<const char*> argv) {
    if (storage.size() < 2 || argv.empty()) return 0;
    std::uint32_t block[2] = {reinterpret_cast<std::uint32_t>(storage.data()),
                              static_cast<std::uint32_t>(storage.size())};
    if (call(SYS_GET_CMDLINE, block) != 0) return 0;
    std::uint32_t n = block[1] < storage.size() ? block[1] : storage.size() - 1;
    storage[n] = '\0';
    int argc = 0;
    char* p = storage.data();
    while (*p && static_cast<std::size_t>(argc) < argv.size()) {
        while (*p == ' ') *p++ = '\0';
        if (!*p) break;
        argv[static_cast<std::size_t>(argc++)] = p;
        while (*p && *p != ' ') ++p;
    }
    return argc;
}

// ---- formatting ----------------------------------------------------------------------------
void Line::flush() {
    if (n_ == 0) return;
    buf_[n_] = '\0';
    write(buf_);
    n_ = 0;
}

void Line::put(char c) {
    if (n_ == sizeof(buf_) - 1) flush();
    buf_[n_++] = c;
}

void Line::put(const char* s) {
    while (*s) put(*s++);
}

void Line::put(Hex h) {
    put("0x");
    for (int i = h.digits - 1; i >= 0; --i) put("0123456789abcdef"[(h.value >> (4 * i)) & 0xF]);
}

void Line::put_unsigned(std::uint32_t v) {
    char digits[10];
    int n = 0;
    do {
        digits[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) put(digits[--n]);
}

void Line::put_unsigned64(std::uint64_t v) {
    if (v <= 0xFFFF'FFFFu) return put_unsigned(static_cast<std::uint32_t>(v));
    // Subtract powers of ten instead of dividing: keeps __aeabi_uldivmod out of the image.
    constexpr std::uint64_t powers[] = {
        10000000000000000000ull, 1000000000000000000ull, 100000000000000000ull,
        10000000000000000ull, 1000000000000000ull, 100000000000000ull, 10000000000000ull,
        1000000000000ull, 100000000000ull, 10000000000ull, 1000000000ull, 100000000ull,
        10000000ull, 1000000ull, 100000ull, 10000ull, 1000ull, 100ull, 10ull, 1ull};
    bool started = false;
    for (std::uint64_t power : powers) {
        char d = '0';
        while (v >= power) {
            v -= power;
            ++d;
        }
        if (d != '0') started = true;
        if (started) put(d);
    }
}

}  // namespace mote::board

extern "C" void mote_board_write(const char* text) { mote::board::write(text); }
extern "C" void mote_board_exit(int status) { mote::board::exit(status); }
