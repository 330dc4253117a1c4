// ARQ control messages (control.hpp): plain and sealed (through the stand-in AEAD) round trips;
// every single-byte corruption and every truncation refused; `out` untouched on failure.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "mote/split/control.hpp"
#include "toy_aead.hpp"

using namespace mote::split;
using Bytes = std::vector<std::uint8_t>;

namespace {
ControlMessage nack() {
    ControlMessage m;
    m.type = Control::nack;
    m.epoch = 0x0A0B'0C0Du;
    m.sequence = 513;
    m.message = 4;
    m.n = 5;
    for (std::uint8_t i = 0; i < 5; ++i) m.indices[i] = static_cast<std::uint8_t>(3 * i);
    return m;
}
bool same(const ControlMessage& a, const ControlMessage& b) {
    if (a.type != b.type || a.epoch != b.epoch || a.sequence != b.sequence || a.message != b.message || a.n != b.n)
        return false;
    for (std::size_t i = 0; i < a.n; ++i)
        if (a.indices[i] != b.indices[i]) return false;
    return true;
}
}  // namespace

TEST_CASE("control: plain messages round trip and refuse every corruption") {
    for (const Control type : {Control::ack, Control::nack, Control::give_up}) {
        ControlMessage m = nack();
        m.type = type;
        if (type != Control::nack) m.n = 0;
        Bytes b(max_control_bytes);
        b.resize(encode_control(m, b));
        REQUIRE(b.size() == std::size_t{9} + m.n + 2);
        ControlMessage got;
        REQUIRE(decode_control(b, got) == ControlError::ok);
        REQUIRE(same(got, m));
        for (std::size_t i = 0; i < b.size(); ++i)
            for (int x = 1; x < 256; ++x) {
                Bytes bad = b;
                bad[i] = static_cast<std::uint8_t>(bad[i] ^ x);
                ControlMessage untouched;
                REQUIRE(decode_control(bad, untouched) != ControlError::ok);
                REQUIRE(untouched.sequence == 0);
            }
        for (std::size_t n = 0; n < b.size(); ++n) REQUIRE(decode_control(std::span(b).first(n), got) != ControlError::ok);
    }
    Bytes small(10);
    REQUIRE(encode_control(nack(), small) == 0);
}

TEST_CASE("control: sealed messages authenticate every byte, and only with the right key and device") {
    split_test::ToyAead aead;
    const ControlMessage m = nack();
    Bytes b(max_control_bytes);
    b.resize(seal_control(m, 42, aead, b));
    REQUIRE(b.size() == 9 + 5 + 16);
    ControlMessage got;
    REQUIRE(decode_control(b, got) == ControlError::sealed);
    REQUIRE(open_control(b, 42, aead, got) == ControlError::ok);
    REQUIRE(same(got, m));
    REQUIRE(open_control(b, 43, aead, got) == ControlError::forged);
    split_test::ToyAead other{0x99u};
    REQUIRE(open_control(b, 42, other, got) == ControlError::forged);
    for (std::size_t i = 0; i < b.size(); ++i)
        for (const int x : {1, 0x80, 0xFF}) {
            Bytes bad = b;
            bad[i] = static_cast<std::uint8_t>(bad[i] ^ x);
            ControlMessage untouched;
            REQUIRE(open_control(bad, 42, aead, untouched) != ControlError::ok);
            REQUIRE(untouched.sequence == 0);
        }
    Bytes plain(max_control_bytes);
    plain.resize(encode_control(m, plain));
    REQUIRE(open_control(plain, 42, aead, got) == ControlError::not_sealed);
}
