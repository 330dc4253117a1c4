#pragma once
// Uplink messages as mote-serve reads them from the broker (docs/cloud.md, "Topics"):
//
//   mote/up/{partition}/{device}/raw         the fragment's bytes (NB-IoT/UDP gateways)
//   mote/up/{partition}/{device}/ttn         The Things Stack v3 uplink JSON:
//                                            end_device_ids.device_id, uplink_message.frm_payload
//                                            (base64), uplink_message.f_cnt, uplink_message.f_port
//   mote/up/{partition}/{device}/chirpstack  ChirpStack v4 "up" event JSON: deviceInfo.devEui,
//                                            data (base64), fCnt, fPort
//
// The partition of a device is partition_of(device, K) (FNV-1a); a worker owns the partitions
// k ≡ w (mod W), so all of a device's fragments reach the one worker that reassembles them.
// parse_uplink checks the topic, every field it reads, and that the device named in a JSON
// payload is the topic's (`misattributed` otherwise); sizes are bounded before anything is copied.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base64.hpp"
#include "json_fields.hpp"

namespace mote_serve {

inline constexpr std::size_t max_device_name = 64;
inline constexpr std::size_t max_fragment_bytes = 1600;   // NB-IoT ~1200 B payloads, with room
inline constexpr unsigned max_partitions = 4096;

enum class UplinkFormat : std::uint8_t { raw, ttn, chirpstack };

enum class UplinkError : std::uint8_t {
    ok = 0,
    bad_topic,       // not mote/up/{k}/{device}/{format} with a known format
    bad_json,        // not valid JSON, or too large or too deep
    missing_field,   // a required field absent, duplicated or of the wrong type
    bad_field,       // a field out of range (f_port, f_cnt, device name)
    bad_base64,
    too_large,       // the fragment exceeds max_fragment_bytes
    misattributed,   // the payload names another device than the topic
};

constexpr const char* uplink_error_name(UplinkError e) {
    constexpr const char* names[] = {"ok", "bad_topic", "bad_json", "missing_field", "bad_field",
                                     "bad_base64", "too_large", "misattributed"};
    const auto i = static_cast<std::size_t>(e);
    return i < sizeof names / sizeof names[0] ? names[i] : "?";
}

constexpr const char* uplink_format_name(UplinkFormat f) {
    return f == UplinkFormat::raw ? "raw" : f == UplinkFormat::ttn ? "ttn" : "chirpstack";
}

struct Uplink {
    unsigned partition = 0;
    std::string device;
    UplinkFormat format = UplinkFormat::raw;
    std::vector<std::uint8_t> fragment;
    std::optional<std::uint32_t> frame_counter;   // the network server's f_cnt / fCnt
};

// A device name: 1 to max_device_name characters of [A-Za-z0-9._-] (a topic level without
// wildcards or separators).
constexpr bool valid_device_name(std::string_view s) {
    if (s.empty() || s.size() > max_device_name) return false;
    for (const char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '-'))
            return false;
    return true;
}

// FNV-1a 32 of the name, modulo K.
constexpr unsigned partition_of(std::string_view device, unsigned partitions) {
    std::uint32_t h = 2166136261u;
    for (const char c : device) h = (h ^ static_cast<std::uint8_t>(c)) * 16777619u;
    return partitions == 0 ? 0 : h % partitions;
}

inline std::string uplink_topic(unsigned partition, std::string_view device, UplinkFormat f) {
    return "mote/up/" + std::to_string(partition) + "/" + std::string(device) + "/" + uplink_format_name(f);
}

// Where mote-serve sends a device's control messages (the bridge turns them into downlinks).
inline std::string downlink_topic(std::string_view device) {
    std::string topic = "mote/down/";   // appended: g++ 12 warns (-Wrestrict) on "..." + std::string(...)
    return topic.append(device);
}

namespace detail {
inline std::optional<std::string_view> next_level(std::string_view& rest) {
    const std::size_t slash = rest.find('/');
    const std::string_view level = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (slash == std::string_view::npos && level.empty()) return std::nullopt;
    return level;
}

inline UplinkError read_json(std::string_view doc, std::initializer_list<std::string_view> device_path,
                             std::initializer_list<std::string_view> data_path,
                             std::initializer_list<std::string_view> counter_path,
                             std::initializer_list<std::string_view> port_path, Uplink& out) {
    if (doc.size() > max_json_bytes) return UplinkError::bad_json;
    // one validating pass decides bad_json; the lookups below then only miss or match
    if (!json_find(doc, {}).has_value()) return UplinkError::bad_json;
    const auto device = json_find(doc, device_path);
    const auto data = json_find(doc, data_path);
    if (!device || !data) return UplinkError::missing_field;
    const auto name = json_string(*device, max_device_name);
    if (!name || !valid_device_name(*name)) return UplinkError::bad_field;
    const auto text = json_string(*data, (max_fragment_bytes + 2) / 3 * 4);
    if (!text) return data->type == JsonType::string ? UplinkError::too_large : UplinkError::missing_field;
    if (const auto port = json_find(doc, port_path)) {
        const auto p = json_uint(*port, 255);
        if (!p || *p == 0 || *p > 223) return UplinkError::bad_field;   // LoRaWAN application ports
    }
    if (const auto counter = json_find(doc, counter_path)) {
        const auto c = json_uint(*counter, 0xFFFF'FFFFu);
        if (!c) return UplinkError::bad_field;
        out.frame_counter = static_cast<std::uint32_t>(*c);
    }
    const auto size = base64_decoded_size(*text);
    if (!size) return UplinkError::bad_base64;
    if (*size > max_fragment_bytes) return UplinkError::too_large;
    out.fragment.resize(*size);
    if (!base64_decode(*text, out.fragment)) return UplinkError::bad_base64;
    if (*name != out.device) return UplinkError::misattributed;
    return UplinkError::ok;
}
}  // namespace detail

// Reads one broker message; `out` is meaningful only when the result is ok.
inline UplinkError parse_uplink(std::string_view topic, std::span<const std::uint8_t> payload, Uplink& out) {
    out = Uplink{};
    std::string_view rest = topic;
    const auto l0 = detail::next_level(rest), l1 = detail::next_level(rest), l2 = detail::next_level(rest),
               l3 = detail::next_level(rest), l4 = detail::next_level(rest);
    if (!l0 || !l1 || !l2 || !l3 || !l4 || !rest.empty() || *l0 != "mote" || *l1 != "up")
        return UplinkError::bad_topic;
    const JsonValue k{JsonType::number, *l2};
    const auto partition = json_uint(k, max_partitions - 1);
    if (!partition || (l2->size() > 1 && (*l2)[0] == '0') || !valid_device_name(*l3)) return UplinkError::bad_topic;
    out.partition = static_cast<unsigned>(*partition);
    out.device = std::string(*l3);
    const std::string_view doc(reinterpret_cast<const char*>(payload.data()), payload.size());
    if (*l4 == "raw") {
        out.format = UplinkFormat::raw;
        if (payload.size() > max_fragment_bytes) return UplinkError::too_large;
        out.fragment.assign(payload.begin(), payload.end());
        return UplinkError::ok;
    }
    if (*l4 == "ttn") {
        out.format = UplinkFormat::ttn;
        return detail::read_json(doc, {"end_device_ids", "device_id"}, {"uplink_message", "frm_payload"},
                                 {"uplink_message", "f_cnt"}, {"uplink_message", "f_port"}, out);
    }
    if (*l4 == "chirpstack") {
        out.format = UplinkFormat::chirpstack;
        return detail::read_json(doc, {"deviceInfo", "devEui"}, {"data"}, {"fCnt"}, {"fPort"}, out);
    }
    return UplinkError::bad_topic;
}

}  // namespace mote_serve
