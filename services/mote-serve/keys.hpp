#pragma once
// The per-device keys of sealed frames (docs/cloud.md, "Keys and nonces"): a text file, one
// device per line, `name device_id algorithm key_hex` (device_id decimal or 0x-hex, algorithm
// chacha20-poly1305 or aes128-ccm); '#' starts a comment. Read with a size limit; a malformed
// line rejects the whole file (a key silently skipped would look like forged traffic).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "psa_aead.hpp"
#include "uplink.hpp"

namespace mote_serve {

inline constexpr std::size_t max_key_file_bytes = 16 * 1024 * 1024;

struct DeviceKey {
    std::uint32_t device_id = 0;
    AeadAlgorithm algorithm = AeadAlgorithm::chacha20_poly1305;
    std::vector<std::uint8_t> key;
};

using KeyTable = std::unordered_map<std::string, DeviceKey>;

inline std::optional<std::vector<std::uint8_t>> parse_hex(const std::string& s) {
    if (s.size() % 2 != 0) return std::nullopt;
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i < s.size(); i += 2) {
        int v = 0;
        for (std::size_t k = 0; k < 2; ++k) {
            const char c = s[i + k];
            const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0) return std::nullopt;
            v = v * 16 + d;
        }
        out.push_back(static_cast<std::uint8_t>(v));
    }
    return out;
}

// Parses a key file's text; on a malformed line returns nothing and sets `bad_line` (1-based).
inline std::optional<KeyTable> parse_keys(const std::string& text, std::size_t& bad_line) {
    KeyTable keys;
    std::istringstream in(text);
    std::string line;
    bad_line = 0;
    while (std::getline(in, line)) {
        ++bad_line;
        if (const auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
        std::istringstream fields(line);
        std::string name, id, alg, hex, extra;
        if (!(fields >> name)) continue;   // blank
        if (!(fields >> id >> alg >> hex) || (fields >> extra) || !valid_device_name(name) || keys.count(name))
            return std::nullopt;
        DeviceKey k;
        char* end = nullptr;
        const unsigned long long v = std::strtoull(id.c_str(), &end, 0);
        if (end == id.c_str() || *end != '\0' || v > 0xFFFF'FFFFull) return std::nullopt;
        k.device_id = static_cast<std::uint32_t>(v);
        if (alg == "chacha20-poly1305") k.algorithm = AeadAlgorithm::chacha20_poly1305;
        else if (alg == "aes128-ccm") k.algorithm = AeadAlgorithm::aes128_ccm;
        else return std::nullopt;
        auto bytes = parse_hex(hex);
        if (!bytes || bytes->size() != aead_key_bytes(k.algorithm)) return std::nullopt;
        k.key = std::move(*bytes);
        keys.emplace(name, std::move(k));
    }
    bad_line = 0;
    return keys;
}

// Reads a key file (at most max_key_file_bytes).
inline std::optional<KeyTable> read_keys(const std::string& path, std::string& error) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) return error = "cannot open " + path, std::nullopt;
    std::string text(max_key_file_bytes + 1, '\0');
    text.resize(std::fread(text.data(), 1, text.size(), f));
    std::fclose(f);
    if (text.size() > max_key_file_bytes) return error = path + ": larger than the limit", std::nullopt;
    std::size_t bad_line = 0;
    auto keys = parse_keys(text, bad_line);
    if (!keys) error = path + ":" + std::to_string(bad_line) + ": malformed key line";
    return keys;
}

}  // namespace mote_serve
