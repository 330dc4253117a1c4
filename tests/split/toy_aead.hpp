#pragma once
// NOT cryptography: a stand-in AEAD for the tests and fuzzers of sealed.hpp, which take any AEAD
// object (mote-serve uses PSA Crypto's ChaCha20-Poly1305). Encrypt-then-MAC with CRC-32C as the
// "PRF": keystream word i = CRC-32C(key, nonce, i); the 16-byte tag covers the nonce, the
// associated data and the ciphertext, so a fuzzer can recompute it (tag_for) to get past it.
#include <cstddef>
#include <cstdint>
#include <span>

#include "mote/split/crc32c.hpp"
#include "mote/split/le.hpp"
#include "mote/split/sealed.hpp"

namespace split_test {

struct ToyAead {
    std::uint32_t key = 0x6B65'7931u;
    int seals = 0, opens = 0;   // calls, for the tests

    constexpr bool seal(const mote::split::Nonce& nonce, std::span<const std::uint8_t> ad,
                        std::span<std::uint8_t> data, mote::split::Tag tag) {
        ++seals;
        xor_stream(nonce, data);
        tag_for(nonce, ad, data, tag);
        return true;
    }
    constexpr bool open(const mote::split::Nonce& nonce, std::span<const std::uint8_t> ad,
                        std::span<std::uint8_t> data, mote::split::ConstTag tag) {
        ++opens;
        std::uint8_t want[mote::split::frame_tag_bytes]{};
        tag_for(nonce, ad, data, want);
        std::uint8_t diff = 0;
        for (std::size_t i = 0; i < tag.size(); ++i) diff = static_cast<std::uint8_t>(diff | (want[i] ^ tag[i]));
        if (diff != 0) return false;
        xor_stream(nonce, data);
        return true;
    }

    constexpr std::uint32_t prf(const mote::split::Nonce& nonce, std::uint32_t domain, std::uint32_t i) const {
        std::uint8_t block[12]{};
        mote::split::le::put32(block, key);
        mote::split::le::put32(block + 4, domain);
        mote::split::le::put32(block + 8, i);
        return mote::split::crc32c_final(
            mote::split::crc32c_update(mote::split::crc32c_update(mote::split::crc32c_init(), block), nonce));
    }
    constexpr void xor_stream(const mote::split::Nonce& nonce, std::span<std::uint8_t> data) const {
        for (std::size_t i = 0; i < data.size(); ++i)
            data[i] = static_cast<std::uint8_t>(data[i] ^ (prf(nonce, 1, static_cast<std::uint32_t>(i / 4)) >> (8 * (i % 4))));
    }
    constexpr void tag_for(const mote::split::Nonce& nonce, std::span<const std::uint8_t> ad,
                           std::span<const std::uint8_t> ciphertext, std::span<std::uint8_t> tag) const {
        std::uint32_t s = mote::split::crc32c_update(mote::split::crc32c_init(), ad);
        s = mote::split::crc32c_update(s, ciphertext);
        for (std::uint32_t w = 0; w < 4; ++w)
            mote::split::le::put32(tag.data() + 4 * w, mote::split::crc32c_final(s) ^ prf(nonce, 2 + w, static_cast<std::uint32_t>(ad.size())));
    }
};

}  // namespace split_test
