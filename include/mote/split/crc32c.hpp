#pragma once
// CRC-32C (Castagnoli): reflected polynomial 0x82F63B78, initial value and final XOR 0xFFFFFFFF.
// The check value of "123456789" is 0xE3069283. Table built at compile time (1 KiB, in flash on
// a device); no heap, no exceptions.
//
//   std::uint32_t c = mote::split::crc32c(bytes);                 // one shot
//   std::uint32_t s = mote::split::crc32c_init();                  // incremental:
//   s = mote::split::crc32c_update(s, part1); s = crc32c_update(s, part2);
//   std::uint32_t c = mote::split::crc32c_final(s);
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace mote::split {

namespace detail {
constexpr std::array<std::uint32_t, 256> make_crc32c_table() {
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c & 1u) ? (c >> 1) ^ 0x82F6'3B78u : c >> 1;
        table[i] = c;
    }
    return table;
}
inline constexpr std::array<std::uint32_t, 256> crc32c_table = make_crc32c_table();
}  // namespace detail

constexpr std::uint32_t crc32c_init() { return 0xFFFF'FFFFu; }

constexpr std::uint32_t crc32c_update(std::uint32_t state, std::span<const std::uint8_t> data) {
    for (const std::uint8_t b : data) state = detail::crc32c_table[(state ^ b) & 0xFFu] ^ (state >> 8);
    return state;
}

constexpr std::uint32_t crc32c_final(std::uint32_t state) { return state ^ 0xFFFF'FFFFu; }

constexpr std::uint32_t crc32c(std::span<const std::uint8_t> data) {
    return crc32c_final(crc32c_update(crc32c_init(), data));
}

static_assert(crc32c(std::array<std::uint8_t, 9>{'1', '2', '3', '4', '5', '6', '7', '8', '9'}) ==
              0xE306'9283u);

}  // namespace mote::split
