// libFuzzer target: mote-bridge's translation (services/mote-serve/bridge.hpp). The bridge first
// learns device "d1" (The Things Stack, application "app1@t"); then the first input byte picks the
// message, as in fuzz_uplink.cpp (whose seeds, tests/cloud/uplink_seeds, serve here too): 0 a
// downlink for d1, 1 a TTS uplink of d1, 2 a ChirpStack uplink of d1, 3 a route message for d1,
// 4 one whose payload starts "ttn " (rarely guessed), 5 the bytes up to the first NUL as the topic
// (mote/down/... a downlink, mote/route/... a route message, anything else an uplink); the rest
// is the payload.
// Checks: a forwarded uplink is one a worker takes, on its device's partition, and makes the
// device known; its route is published when new or changed, and only then; a route message is
// learnt exactly when it is what encode_route makes of a route, and then sends the device's
// downlinks there; a refused one changes nothing; a downlink comes out as valid JSON on the
// device's topic, its base64 the input.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "base64.hpp"
#include "bridge.hpp"
#include "json_fields.hpp"
#include "uplink.hpp"

using namespace mote_serve;

namespace {
std::span<const std::uint8_t> bytes_of(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

void check_downlink(const Publication& p, std::string_view device, std::span<const std::uint8_t> control) {
    if (!p.topic.starts_with("v3/") && !p.topic.starts_with("application/")) __builtin_trap();
    std::string level = "/";   // built by appending: g++ 12 warns (-Wrestrict) on "/" + std::string(...)
    level.append(device).append("/");
    if (p.topic.find(level) == std::string::npos) __builtin_trap();
    if (!json_find(p.payload, {}).has_value()) __builtin_trap();
    const std::string_view key = p.topic.starts_with("v3/") ? "\"frm_payload\":\"" : "\"data\":\"";
    const std::size_t start = p.payload.find(key) + key.size();
    const std::string_view text = std::string_view(p.payload).substr(start, p.payload.find('"', start) - start);
    std::vector<std::uint8_t> bytes(text.size());
    const auto n = base64_decode(text, bytes);
    if (!n || *n != control.size() || std::memcmp(bytes.data(), control.data(), *n) != 0) __builtin_trap();
}

// The topic a device's downlinks take on its route.
std::string downlink_destination(const Route& r) {
    return r.format == UplinkFormat::ttn ? "v3/" + r.application + "/devices/" + r.device + "/down/push"
                                         : "application/" + r.application + "/device/" + r.device + "/command/down";
}

const std::uint8_t control[] = {'A', 1, 0, 0, 0, 2, 0, 0, 0, 0x12, 0x34};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    Bridge bridge{BridgeConfig{.partitions = 7, .max_devices = 2}};
    const std::string known = R"({"end_device_ids":{"device_id":"d1"},"uplink_message":{"frm_payload":"AA=="}})";
    const auto first = bridge.uplink("v3/app1@t/devices/d1/up", bytes_of(known));
    if (!first || !first->route || first->route->topic != "mote/route/d1" || first->route->payload != "ttn app1@t")
        __builtin_trap();
    const Route d1{"d1", UplinkFormat::ttn, "app1@t"};

    std::string topic, prefix;
    std::size_t at = 1;
    switch (data[0] % 6) {
    case 0: topic = "mote/down/d1"; break;
    case 1: topic = "v3/app1/devices/d1/up"; break;
    case 2: topic = "application/app1/device/d1/event/up"; break;
    case 3: topic = "mote/route/d1"; break;
    case 4:
        topic = "mote/route/d1";
        prefix = "ttn ";
        break;
    default: {
        const void* nul = std::memchr(data + 1, 0, size - 1);
        at = nul ? static_cast<std::size_t>(static_cast<const std::uint8_t*>(nul) - data) + 1 : size;
        topic.assign(reinterpret_cast<const char*>(data + 1), at - 1 - (nul ? 1 : 0));
    }
    }
    std::vector<std::uint8_t> bytes(prefix.begin(), prefix.end());
    bytes.insert(bytes.end(), data + at, data + size);
    const std::span<const std::uint8_t> payload(bytes);

    if (topic.starts_with("mote/down/")) {
        const std::string device = topic.substr(10);
        if (const auto p = bridge.downlink(topic, payload)) {
            if (device != "d1" || payload.empty() || payload.size() > mote::split::max_control_bytes) __builtin_trap();
            check_downlink(*p, device, payload);
        } else if (device == "d1" && !payload.empty() && payload.size() <= mote::split::max_control_bytes) {
            __builtin_trap();   // a known device's valid control message was dropped
        }
        return 0;
    }
    if (topic.starts_with("mote/route/")) {
        const auto decoded = decode_route(topic, payload);
        if (bridge.route(topic, payload) != decoded.has_value()) __builtin_trap();
        const Route& r = decoded ? *decoded : d1;   // refused: d1's route stands
        const std::string text = encode_route(r);
        if (decoded && (payload.size() > max_route_bytes || route_topic(r.device) != topic ||
                        text.size() != payload.size() || std::memcmp(text.data(), payload.data(), text.size()) != 0))
            __builtin_trap();   // only what encode_route makes is accepted
        const auto p = bridge.downlink(downlink_topic(r.device), control);
        if (!p || p->topic != downlink_destination(r)) __builtin_trap();
        check_downlink(*p, r.device, control);
        return 0;
    }
    if (const auto forward = bridge.uplink(topic, payload)) {
        Uplink u;
        if (parse_uplink(forward->topic, payload, u) != UplinkError::ok) __builtin_trap();
        if (u.partition != partition_of(u.device, 7) || topic.find("/" + u.device + "/") == std::string::npos)
            __builtin_trap();
        // d1's route changes only with the topic's application; any other device is new
        const bool same_route = topic == "v3/app1@t/devices/d1/up";
        if (forward->route.has_value() == same_route) __builtin_trap();
        if (forward->route) {
            const auto r = decode_route(forward->route->topic, bytes_of(forward->route->payload));
            if (!r || r->device != u.device || r->format != u.format) __builtin_trap();
            const auto p = bridge.downlink(downlink_topic(u.device), control);
            if (!p || p->topic != downlink_destination(*r)) __builtin_trap();
            check_downlink(*p, u.device, control);
        }
        const auto again = bridge.uplink(topic, payload);
        if (!again || again->route || again->topic != forward->topic) __builtin_trap();   // known now
    }
    return 0;
}
