// libFuzzer target: mote-serve's uplink readers (services/mote-serve: uplink.hpp, json_fields.hpp,
// base64.hpp). The first input byte picks the topic (raw, ttn, chirpstack on device "d1", or the
// bytes up to the first NUL as the topic itself); the rest is the message. Checks: an accepted
// uplink names the topic's device and holds at most max_fragment_bytes; every JSON lookup on the
// input agrees with a full validation of it; a base64 string that decodes re-encodes to itself.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "base64.hpp"
#include "json_fields.hpp"
#include "uplink.hpp"

using namespace mote_serve;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    std::string topic;
    std::size_t at = 1;
    switch (data[0] % 4) {
    case 0: topic = "mote/up/7/d1/raw"; break;
    case 1: topic = "mote/up/7/d1/ttn"; break;
    case 2: topic = "mote/up/7/d1/chirpstack"; break;
    default: {
        const void* nul = std::memchr(data + 1, 0, size - 1);
        at = nul ? static_cast<std::size_t>(static_cast<const std::uint8_t*>(nul) - data) + 1 : size;
        topic.assign(reinterpret_cast<const char*>(data + 1), at - 1 - (nul ? 1 : 0));
    }
    }
    const std::span<const std::uint8_t> payload(data + at, size - at);
    Uplink u;
    if (parse_uplink(topic, payload, u) == UplinkError::ok) {
        if (u.fragment.size() > max_fragment_bytes || !valid_device_name(u.device)) __builtin_trap();
        if (topic.find("/" + u.device + "/") == std::string::npos) __builtin_trap();
    }

    const std::string_view doc(reinterpret_cast<const char*>(payload.data()), payload.size());
    const bool valid = json_find(doc, {}).has_value();
    for (const auto& path : {std::initializer_list<std::string_view>{"data"}, {"uplink_message", "frm_payload"}, {"a", "b", "c"}}) {
        const auto v = json_find(doc, path);
        if (v && !valid) __builtin_trap();   // found a field in an invalid document
        if (v && (v->raw.empty() || v->raw.data() < doc.data() || v->raw.data() + v->raw.size() > doc.data() + doc.size()))
            __builtin_trap();
        if (v) {
            if (const auto s = json_string(*v, 4096)) {
                std::vector<std::uint8_t> bytes(s->size());
                if (const auto n = base64_decode(*s, bytes)) {
                    std::string again((*n + 2) / 3 * 4, '\0');
                    const auto m = base64_encode(std::span<const std::uint8_t>(bytes.data(), *n), again);
                    if (!m || again.substr(0, *m) != *s) __builtin_trap();
                }
            }
        }
    }
    // raw bytes as base64 too
    std::vector<std::uint8_t> bytes(doc.size());
    if (const auto n = base64_decode(doc, bytes)) {
        std::string again((*n + 2) / 3 * 4, '\0');
        const auto m = base64_encode(std::span<const std::uint8_t>(bytes.data(), *n), again);
        if (!m || again.substr(0, *m) != doc) __builtin_trap();
    }
    return 0;
}
