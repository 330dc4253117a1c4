#pragma once
// mote board support for bare-metal Cortex-M (QEMU mps2-an386/an500/an505, mps3-an547,
// lm3s6965evb, netduinoplus2, microbit).
// Device side only: no heap, no exceptions, no iostream, no printf. Linked into every firmware
// made with mote_add_firmware(); main() returning N exits QEMU with status N.
//
//   mote::board::print("conv0: ", n, " instructions, flags ", mote::board::Hex{f}, "\n");
//   auto n = mote::board::read_file("input.bin", buffer);     // host file via semihosting
//   mote::board::report("instructions", mote::board::instructions());   // bench/run parses it
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>

namespace mote::board {

// ---- semihosting (the debugger/QEMU host does the work) ------------------------------------
void write(const char* text);   // SYS_WRITE0: a NUL-terminated string to the host's stdout
void write_char(char c);        // SYS_WRITEC
[[noreturn]] void exit(int status);   // SYS_EXIT_EXTENDED: QEMU exits with this status

// Host files (paths relative to QEMU's working directory). Return -1 on error.
int open(const char* path);                               // read-only, binary
long file_length(int handle);
long read(int handle, std::span<std::byte> out);          // bytes read (0 at end of file)
int close(int handle);
long read_file(const char* path, std::span<std::byte> out);   // whole file; -1 if too big

// The command line QEMU was given (`-append "..."`, which mote_add_target_test(ARGS) sets),
// split at spaces into argv (argv[0] is the firmware path). Returns argc, 0 if unavailable.
int arguments(std::span<char> storage, std::span<const char*> argv);

// ---- executed-instruction counter ---------------------------------------------------------
// SysTick clocked from the core; under QEMU `-icount shift=0` one tick is 1e9/f_clk
// instructions (40 on mps2, 31.25 on an547, 125/21 on stm32f405), so counts are quantised to a
// tick. Repeatable from run to run; starts on first use. On silicon this counts core cycles
// ×(1e9/f_clk), f_clk being what the clock tree gives, not systick_hz.
std::uint64_t ticks();
std::uint64_t instructions();
inline constexpr std::uint32_t systick_hz = MOTE_BOARD_SYSTICK_HZ;
// False on a core without SysTick (optional on v6-M: the real nRF51 has none; QEMU's microbit
// has one): ticks() and instructions() then stay 0.
bool counter_available();
// Restart counting from zero with the given 24-bit reload (tests use a small one to exercise
// the wrap interrupt quickly).
void counter_restart(std::uint32_t reload = 0x00FF'FFFF);

// ---- stack -------------------------------------------------------------------------------
// The stack is painted at reset; the peak is the deepest word ever overwritten.
std::size_t stack_size();
std::size_t stack_peak();      // bytes
void stack_repaint();          // repaint below the current frame: measure a later phase alone

// ---- output formatting without printf ------------------------------------------------------
struct Hex {                   // 0x-prefixed, `digits` wide (zero padded)
    std::uint32_t value;
    int digits = 8;
};

class Line {                   // collects text, sends it in one semihosting call
public:
    ~Line() { flush(); }
    void put(char c);
    void put(const char* s);
    void put(bool b) { put(b ? "true" : "false"); }
    void put(Hex h);
    void put_unsigned(std::uint32_t v);
    void put_unsigned64(std::uint64_t v);   // no 64-bit division (no __udivmoddi4)
    template <std::integral T>
        requires(!std::same_as<T, char> && !std::same_as<T, bool>)
    void put(T v) {
        if constexpr (sizeof(T) > 4) {
            if constexpr (std::signed_integral<T>) {
                if (v < 0) {
                    put('-');
                    put_unsigned64(0 - static_cast<std::uint64_t>(v));
                    return;
                }
            }
            put_unsigned64(static_cast<std::uint64_t>(v));
        } else {
            if constexpr (std::signed_integral<T>) {
                if (v < 0) {
                    put('-');
                    put_unsigned(0u - static_cast<std::uint32_t>(v));
                    return;
                }
            }
            put_unsigned(static_cast<std::uint32_t>(v));
        }
    }
    void flush();

private:
    char buf_[128];
    std::size_t n_ = 0;
};

template <class... Args>
void print(const Args&... args) {
    Line line;
    (line.put(args), ...);
}

// One machine-readable line, "mote-bench: <key> <value>", which bench/run collects.
template <class T>
void report(const char* key, const T& value) {
    print("mote-bench: ", key, " ", value, "\n");
}

}  // namespace mote::board

// C spellings for code that wants no namespace.
extern "C" {
std::uint64_t mote_board_instructions(void);
std::size_t mote_board_stack_peak(void);
void mote_board_write(const char* text);
[[noreturn]] void mote_board_exit(int status);
}
