#pragma once
// The AEAD mote-serve passes to mote/split/sealed.hpp and control.hpp: PSA Crypto (Mbed TLS,
// Debian's libmbedtls-dev) with a per-device key, ChaCha20-Poly1305 (256-bit key) or AES-128-CCM,
// both with the 12-byte nonce and 16-byte tag the frame format fixes. Host only (heap, PSA).
//
//   mote_serve::PsaAead aead{mote_serve::AeadAlgorithm::chacha20_poly1305, key_bytes};
//   if (!aead.ok()) ...;    // PSA refused the key
//   mote::split::open_frame(frame, device_id, aead);
#include <psa/crypto.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "mote/split/sealed.hpp"

namespace mote_serve {

enum class AeadAlgorithm : std::uint8_t { chacha20_poly1305, aes128_ccm };

constexpr std::size_t aead_key_bytes(AeadAlgorithm a) { return a == AeadAlgorithm::aes128_ccm ? 16 : 32; }

class PsaAead {
public:
    PsaAead(AeadAlgorithm algorithm, std::span<const std::uint8_t> key)
        : alg_(algorithm == AeadAlgorithm::aes128_ccm ? PSA_ALG_CCM : PSA_ALG_CHACHA20_POLY1305) {
        if (key.size() != aead_key_bytes(algorithm) || psa_crypto_init() != PSA_SUCCESS) return;
        psa_key_attributes_t attributes = PSA_KEY_ATTRIBUTES_INIT;
        psa_set_key_usage_flags(&attributes, PSA_KEY_USAGE_ENCRYPT | PSA_KEY_USAGE_DECRYPT);
        psa_set_key_algorithm(&attributes, alg_);
        psa_set_key_type(&attributes,
                         algorithm == AeadAlgorithm::aes128_ccm ? PSA_KEY_TYPE_AES : PSA_KEY_TYPE_CHACHA20);
        psa_set_key_bits(&attributes, key.size() * 8);
        ok_ = psa_import_key(&attributes, key.data(), key.size(), &key_) == PSA_SUCCESS;
        psa_reset_key_attributes(&attributes);
    }
    PsaAead(const PsaAead&) = delete;
    PsaAead& operator=(const PsaAead&) = delete;
    PsaAead(PsaAead&& o) noexcept : alg_(o.alg_), key_(o.key_), ok_(o.ok_) { o.ok_ = false; }
    ~PsaAead() {
        if (ok_) psa_destroy_key(key_);
    }

    bool ok() const { return ok_; }

    bool seal(const mote::split::Nonce& nonce, std::span<const std::uint8_t> ad, std::span<std::uint8_t> data,
              mote::split::Tag tag) {
        if (!ok_) return false;
        scratch_.resize(data.size() + tag.size());
        std::size_t n = 0;
        if (psa_aead_encrypt(key_, alg_, nonce.data(), nonce.size(), ad.data(), ad.size(), data.data(), data.size(),
                             scratch_.data(), scratch_.size(), &n) != PSA_SUCCESS ||
            n != scratch_.size())
            return false;
        if (!data.empty()) std::memcpy(data.data(), scratch_.data(), data.size());   // control messages: none
        std::memcpy(tag.data(), scratch_.data() + data.size(), tag.size());
        return true;
    }

    // Decrypts in place only when the tag verifies.
    bool open(const mote::split::Nonce& nonce, std::span<const std::uint8_t> ad, std::span<std::uint8_t> data,
              mote::split::ConstTag tag) {
        if (!ok_) return false;
        scratch_.resize(data.size() + tag.size());
        if (!data.empty()) std::memcpy(scratch_.data(), data.data(), data.size());
        std::memcpy(scratch_.data() + data.size(), tag.data(), tag.size());
        plain_.resize(data.size() + 1);   // never a zero-size buffer
        std::size_t n = 0;
        if (psa_aead_decrypt(key_, alg_, nonce.data(), nonce.size(), ad.data(), ad.size(), scratch_.data(),
                             scratch_.size(), plain_.data(), plain_.size(), &n) != PSA_SUCCESS ||
            n != data.size())
            return false;
        if (n > 0) std::memcpy(data.data(), plain_.data(), n);
        return true;
    }

private:
    psa_algorithm_t alg_;
    mbedtls_svc_key_id_t key_ = 0;
    bool ok_ = false;
    std::vector<std::uint8_t> scratch_, plain_;
};

static_assert(mote::split::FrameSealer<PsaAead> && mote::split::FrameOpener<PsaAead>);

}  // namespace mote_serve
