#pragma once
// mote-bridge without the network (docs/cloud.md, "The bridge"): a network server's uplinks onto
// mote-serve's partition topics, and mote-serve's control messages back as the network server's
// downlinks.
//
//   v3/{app}[@{tenant}]/devices/{device}/up         ─▶ mote/up/{k}/{device}/ttn
//   application/{app}/device/{devEui}/event/up      ─▶ mote/up/{k}/{devEui}/chirpstack
//   mote/down/{device}  ─▶ v3/{app}[@{tenant}]/devices/{device}/down/push          (The Things Stack v3)
//                          application/{app}/device/{devEui}/command/down          (ChirpStack v4)
//
// k = partition_of(device, K). An uplink is forwarded unchanged, and only when a worker would
// take it: parse_uplink on the partition topic (so the JSON names the topic's device). A downlink
// needs the device's route (its network server and application, from its uplinks' topic), and any
// of several bridges may be given it, so routes travel through mote-serve's broker: the bridge
// that forwards an uplink whose route is new or changed in its table publishes the route,
// retained, on mote/route/{device}, and every bridge learns the routes it receives there (its own
// included, so all converge on the broker's order). The table holds at most max_devices devices
// (the least recently heard from, by an uplink or a route message, is forgotten); a downlink for a
// device not in it is dropped.
#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base64.hpp"
#include "mote/split/control.hpp"
#include "uplink.hpp"

namespace mote_serve {

// What the bridge subscribes to on the network server's broker (mote-serve's: route_topic("+")
// and downlink_topic("+")).
inline constexpr const char* tts_uplink_pattern = "v3/+/devices/+/up";
inline constexpr const char* chirpstack_uplink_pattern = "application/+/device/+/event/up";

// A device's way back: its network server and the application level of its topics ("app" or
// "app@tenant" for The Things Stack, the application id for ChirpStack).
struct Route {
    std::string device;
    UplinkFormat format = UplinkFormat::ttn;   // ttn or chirpstack
    std::string application;

    bool operator==(const Route&) const = default;
};

// "{app}" or "{app}@{tenant}", each a valid topic-level name.
constexpr bool valid_application(std::string_view s, bool tenant_allowed) {
    const std::size_t at = s.find('@');
    if (at == std::string_view::npos) return valid_device_name(s);
    return tenant_allowed && valid_device_name(s.substr(0, at)) && valid_device_name(s.substr(at + 1));
}

// A route message: on route_topic(device), the text "ttn {app}[@{tenant}]" or
// "chirpstack {app}". The longest is a The Things Stack application with a tenant.
inline constexpr std::size_t max_route_bytes = std::string_view("ttn ").size() + 2 * max_device_name + 1;

inline std::string route_topic(std::string_view device) {
    std::string topic = "mote/route/";   // appended: g++ 12 warns (-Wrestrict) on "..." + std::string(...)
    return topic.append(device);
}

// The payload of a valid route's message.
inline std::string encode_route(const Route& r) {
    std::string text = uplink_format_name(r.format);
    return text.append(" ").append(r.application);
}

// The route a message states, or nothing unless the topic names a valid device and the payload
// is one encode_route makes of a valid route (no more than max_route_bytes, nothing else).
inline std::optional<Route> decode_route(std::string_view topic, std::span<const std::uint8_t> payload) {
    const std::string_view device = topic.substr(topic.rfind('/') + 1);   // npos + 1: all of it
    if (!valid_device_name(device) || topic != route_topic(device) || payload.size() > max_route_bytes)
        return std::nullopt;
    const std::string_view text(reinterpret_cast<const char*>(payload.data()), payload.size());
    const std::size_t space = text.find(' ');
    if (space == std::string_view::npos) return std::nullopt;
    const std::string_view kind = text.substr(0, space), application = text.substr(space + 1);
    if (kind == uplink_format_name(UplinkFormat::ttn) && valid_application(application, true))
        return Route{std::string(device), UplinkFormat::ttn, std::string(application)};
    if (kind == uplink_format_name(UplinkFormat::chirpstack) && valid_application(application, false))
        return Route{std::string(device), UplinkFormat::chirpstack, std::string(application)};
    return std::nullopt;
}

struct BridgeConfig {
    unsigned partitions = 16;         // K, as mote-serve's --partitions
    unsigned downlink_port = 43;      // the LoRaWAN application port of downlinks (1..223)
    std::size_t max_devices = 100000;   // 0 counts as 1
};

struct Publication {
    std::string topic;
    std::string payload;
};

// What to publish on mote-serve's broker for a forwarded uplink, in this order: the route
// (retained, QoS 1), so that every bridge has it before any downlink the uplink causes; then the
// uplink's payload, unchanged, on the partition topic.
struct Forward {
    std::optional<Publication> route;   // when the device's route is new or changed here
    std::string topic;
};

class Bridge {
public:
    explicit Bridge(BridgeConfig config) : config_(config) {
        if (config_.max_devices == 0) config_.max_devices = 1;
    }

    // A network server's uplink, or nothing (counted: uplink_<reason>).
    std::optional<Forward> uplink(std::string_view topic, std::span<const std::uint8_t> payload) {
        ++counters_["uplinks"];
        const auto source = read_source_topic(topic);
        if (!source) return reject(UplinkError::bad_topic);
        Forward out{std::nullopt,
                    uplink_topic(partition_of(source->device, config_.partitions), source->device, source->format)};
        Uplink parsed;
        if (const UplinkError e = parse_uplink(out.topic, payload, parsed); e != UplinkError::ok) return reject(e);
        if (learn(*source)) {
            out.route = Publication{route_topic(source->device), encode_route(*source)};
            ++counters_["routes_published"];
        }
        ++counters_["uplinks_forwarded"];
        return out;
    }

    // A message on mote/route/{device}: learns the route, or refuses the message (counted:
    // route_refused).
    bool route(std::string_view topic, std::span<const std::uint8_t> payload) {
        ++counters_["routes"];
        const auto r = decode_route(topic, payload);
        if (!r) {
            ++counters_["route_refused"];
            return false;
        }
        learn(*r);
        return true;
    }

    // A control message of mote-serve for a device: the network server's downlink, or nothing
    // (counted: downlink_<reason>).
    std::optional<Publication> downlink(std::string_view topic, std::span<const std::uint8_t> payload) {
        ++counters_["downlinks"];
        const std::string_view device = topic.substr(topic.rfind('/') + 1);   // npos + 1: all of it
        if (!valid_device_name(device) || topic != downlink_topic(device)) return drop("bad_topic");
        if (payload.empty() || payload.size() > mote::split::max_control_bytes) return drop("bad_size");
        const auto at = routes_.find(std::string(device));
        if (at == routes_.end()) return drop("unknown_device");
        const Route& r = *at->second;
        std::string data((payload.size() + 2) / 3 * 4, '\0');
        base64_encode(payload, data);   // sized above: cannot fail
        const std::string port = std::to_string(config_.downlink_port);
        ++counters_["downlinks_forwarded"];
        if (r.format == UplinkFormat::ttn)
            return Publication{"v3/" + r.application + "/devices/" + r.device + "/down/push",
                               R"({"downlinks":[{"f_port":)" + port + R"(,"frm_payload":")" + data +
                                   R"(","priority":"NORMAL"}]})"};
        return Publication{"application/" + r.application + "/device/" + r.device + "/command/down",
                           R"({"devEui":")" + r.device + R"(","confirmed":false,"fPort":)" + port + R"(,"data":")" +
                               data + R"("})"};
    }

    const std::map<std::string, std::uint64_t>& counters() const { return counters_; }
    std::size_t devices() const { return routes_.size(); }

private:
    static std::optional<Route> read_source_topic(std::string_view topic) {
        std::string_view level[7];
        std::size_t n = 0;
        for (std::string_view rest = topic;;) {
            if (n == 7) return std::nullopt;
            const std::size_t slash = rest.find('/');
            level[n++] = rest.substr(0, slash);
            if (slash == std::string_view::npos) break;
            rest = rest.substr(slash + 1);
        }
        if (n == 5 && level[0] == "v3" && level[2] == "devices" && level[4] == "up" &&
            valid_application(level[1], true) && valid_device_name(level[3]))
            return Route{std::string(level[3]), UplinkFormat::ttn, std::string(level[1])};
        if (n == 6 && level[0] == "application" && level[2] == "device" && level[4] == "event" && level[5] == "up" &&
            valid_application(level[1], false) && valid_device_name(level[3]))
            return Route{std::string(level[3]), UplinkFormat::chirpstack, std::string(level[1])};
        return std::nullopt;
    }

    // Most recently heard from first. True when the device's route is new or changed.
    bool learn(const Route& r) {
        if (const auto at = routes_.find(r.device); at != routes_.end()) {
            order_.splice(order_.begin(), order_, at->second);
            if (*at->second == r) return false;
            *at->second = r;
            return true;
        }
        if (routes_.size() == config_.max_devices) {
            routes_.erase(order_.back().device);
            order_.pop_back();
            ++counters_["devices_evicted"];
        }
        order_.push_front(r);
        routes_.emplace(r.device, order_.begin());
        return true;
    }

    std::nullopt_t reject(UplinkError e) {
        ++counters_[std::string("uplink_") + uplink_error_name(e)];
        return std::nullopt;
    }
    std::nullopt_t drop(const char* reason) {
        ++counters_[std::string("downlink_") + reason];
        return std::nullopt;
    }

    BridgeConfig config_;
    std::list<Route> order_;
    std::unordered_map<std::string, std::list<Route>::iterator> routes_;
    std::map<std::string, std::uint64_t> counters_;
};

}  // namespace mote_serve
