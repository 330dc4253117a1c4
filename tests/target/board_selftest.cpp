// Checks the bare-metal board support itself: semihosting output and exit status, .data/.bss
// and static-constructor initialisation, the FPU, the instruction counter (monotonic,
// repeatable, wrap-safe), reading a host file through semihosting, and the stack-peak meter.
// Exit status = number of failed checks. Run by ctest under QEMU (tests/target/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <span>

#include "mote_board.hpp"

namespace board = mote::board;

namespace {

int failures = 0;

void check(bool ok, const char* what) {
    board::print(ok ? "  ok    " : "  FAIL  ", what, "\n");
    if (!ok) ++failures;
}

// ---- .data / .bss / constructors
std::uint32_t data_word = 0x1234'5678u;
std::uint8_t data_bytes[5] = {1, 2, 3, 4, 5};
std::uint32_t bss_words[64];
struct Constructed {
    std::uint32_t value;
    Constructed() : value(data_word ^ 0xFFFF'FFFFu) {}
};
Constructed constructed;   // dynamic initialisation: needs .init_array to run

// ---- work of a fixed size, for the counter
[[gnu::noinline]] std::uint32_t spin(std::uint32_t n) {
    std::uint32_t acc = 0;
    for (std::uint32_t i = 0; i < n; ++i) {
        acc += i ^ (acc >> 3);
        asm volatile("" : "+r"(acc));
    }
    return acc;
}

[[gnu::noinline]] std::uint32_t use_stack(std::uint32_t seed) {
    volatile std::uint8_t block[1024];
    for (std::size_t i = 0; i < sizeof block; ++i) block[i] = static_cast<std::uint8_t>(seed + i);
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i < sizeof block; i += 64) sum += block[i];
    return sum;
}

}  // namespace

int main() {
    board::print("mote board self-test on ", MOTE_BOARD_NAME, "\n");

    // Output formatting (ctest matches this line).
    board::print("formatter: ", -42, " ", std::uint64_t{18446744073709551615ull}, " ",
                 std::int64_t{-1234567890123}, " ", board::Hex{0xBEEF, 4}, " ", true, "\n");

    check(data_word == 0x1234'5678u && data_bytes[4] == 5, ".data copied from flash");
    bool zero = true;
    for (auto w : bss_words) zero = zero && w == 0;
    check(zero, ".bss zeroed");
    check(constructed.value == 0xEDCB'A987u, "static constructors ran");

    // FPU (or soft float on M3): exact single-precision results.
    volatile float a = 1.0f, b = 3.0f, c = 1.5f, d = 2.25f;
    const float third = a / b, product = c * d;
    std::uint32_t bits;
    __builtin_memcpy(&bits, &third, 4);
    check(bits == 0x3EAA'AAABu && product == 3.375f, "floating point (1/3, 1.5*2.25)");
    volatile double e = 1.0, f = 10.0;
    check(e / f == 0.1, "double precision (1/10)");
#if defined(__ARM_FP)
    const auto cpacr = *reinterpret_cast<volatile std::uint32_t*>(0xE000'ED88);
    check(((cpacr >> 20) & 0xF) == 0xF, "FPU enabled (CPACR CP10/CP11)");
#endif

    // Instruction counter.
    check(board::counter_available(), "SysTick counter available");
    constexpr std::uint32_t quantum = (1'000'000'000u + board::systick_hz - 1) / board::systick_hz;
    const std::uint64_t t0 = board::instructions();
    spin(10'000);
    const std::uint64_t t1 = board::instructions();
    spin(10'000);
    const std::uint64_t t2 = board::instructions();
    const std::uint64_t first = t1 - t0, second = t2 - t1;
    board::print("  spin(10000): ", first, " and ", second, " instructions (quantum ", quantum,
                 ")\n");
    check(t0 < t1 && t1 < t2, "instruction counter monotonic");
    check(first >= 30'000 && first < 200'000, "spin(10000) costs 3..20 instructions per iteration");
    const std::uint64_t diff = first > second ? first - second : second - first;
    check(diff <= quantum, "instruction count repeatable within one tick");

    // Wrap handling: the same work counted with a reload of 4096 ticks (many wraps) and with
    // the full 24-bit reload (none) must agree up to the wrap interrupts' own cost.
    board::counter_restart(0xFFF);
    const std::uint64_t w0 = board::instructions();
    spin(200'000);
    const std::uint64_t wrapped = board::instructions() - w0;
    board::counter_restart();
    const std::uint64_t u0 = board::instructions();
    spin(200'000);
    const std::uint64_t unwrapped = board::instructions() - u0;
    const std::uint64_t wraps = wrapped / (4096ull * quantum);
    board::print("  spin(200000): ", wrapped, " instructions over ~", wraps, " wraps, ", unwrapped,
                 " without\n");
    check(wraps >= 3, "short reload wraps several times");
    check(wrapped >= unwrapped && wrapped - unwrapped <= wraps * 40 + 2 * quantum,
          "counter survives 24-bit wraps");

    // Host file through semihosting; the path arrives on the command line.
    char storage[256];
    const char* argv[4] = {};
    const int argc = board::arguments(storage, argv);
    check(argc >= 2, "command line has a file argument");
    if (argc >= 2) {
        std::byte buffer[64];
        const long n = board::read_file(argv[1], buffer);
        const char expected[] = "mote semihosting read check: 0123456789\n";
        bool same = n == static_cast<long>(sizeof expected - 1);
        for (long i = 0; same && i < n; ++i)
            same = static_cast<char>(buffer[i]) == expected[i];
        board::print("  read ", n, " bytes from ", argv[1], "\n");
        check(same, "host file read through semihosting");
        std::byte small[8];
        check(board::read_file(argv[1], small) == -1, "read_file refuses a too-small buffer");
    }
    check(board::open("/nonexistent/mote-file") == -1, "opening a missing file fails");

    // Stack peak.
    const std::size_t before = board::stack_peak();
    board::stack_repaint();
    const std::size_t idle = board::stack_peak();
    volatile std::uint32_t sink = use_stack(7);
    (void)sink;
    const std::size_t peak = board::stack_peak();
    board::print("  stack: ", board::stack_size(), " bytes, peak ", before, " so far, ", idle,
                 " after repaint, ", peak, " after a 1 KiB frame\n");
    // (repaint leaves 64 bytes below the caller's frame unpainted; the 1 KiB frame starts there)
    check(peak >= idle + 1024 - 64 && peak < board::stack_size(), "stack peak measured");

    board::report("instructions", board::instructions());
    board::report("stack_peak", board::stack_peak());
    board::print(failures == 0 ? "self-test passed\n" : "self-test FAILED\n");
    return failures;
}
