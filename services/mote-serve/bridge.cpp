// mote-bridge (docs/cloud.md, "The bridge"): takes The Things Stack v3 and ChirpStack v4 uplinks
// from the network server's broker (the source), puts each on its device's partition topic on
// mote-serve's broker (the destination), and sends mote-serve's control messages back as the
// network server's downlinks. The translation is bridge.hpp; here are the two connections.
//
//   mote-bridge --source HOST:PORT --destination HOST:PORT [--share GROUP] [--source-qos 0|1]
//               [--partitions K] [--downlink-port P] [--max-devices N] [--client-id ID]
//
// Several bridges with the same --share GROUP (and distinct --client-id) split the uplinks and the
// downlinks: MQTT shared subscriptions, $share/GROUP/<pattern>. Each publishes the routes it learns
// from uplinks on mote/route/{device} (retained) and takes everyone's (bridge.hpp), so whichever
// bridge is given a downlink can send it. Once both connections have subscribed, the bridge
// publishes `subscribed` on mote/bridge/{ID} (retained) on the destination.
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "bridge.hpp"
#include "mqtt_client.hpp"

namespace {

using namespace mote_serve;

volatile sig_atomic_t stopping = 0;

int usage() {
    std::fprintf(stderr,
                 "usage: mote-bridge --source HOST:PORT --destination HOST:PORT [--share GROUP] [--source-qos 0|1]\n"
                 "                   [--partitions K] [--downlink-port P] [--max-devices N] [--client-id ID]\n");
    return 2;
}

struct Endpoint {
    std::string host;
    int port = 0;
};

std::optional<unsigned long> read_uint(const char* s, unsigned long min, unsigned long max) {
    char* end = nullptr;
    const unsigned long v = std::strtoul(s, &end, 10);
    if (*s < '0' || *s > '9' || *end != '\0' || v < min || v > max) return std::nullopt;
    return v;
}

std::optional<Endpoint> read_endpoint(const std::string& s) {
    const auto colon = s.rfind(':');
    if (colon == std::string::npos || colon == 0) return std::nullopt;
    const auto port = read_uint(s.c_str() + colon + 1, 1, 65535);
    if (!port) return std::nullopt;
    return Endpoint{s.substr(0, colon), static_cast<int>(*port)};
}

std::span<const std::uint8_t> bytes_of(const mosquitto_message& m) {
    return {static_cast<const std::uint8_t*>(m.payload), static_cast<std::size_t>(m.payloadlen)};
}
std::span<const std::uint8_t> bytes_of(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

struct Options {
    Endpoint source, destination;
    std::string share, client_id = "mote-bridge";
    int source_qos = 1;
    BridgeConfig config;
};

int run(const Options& o) {
    Bridge bridge{o.config};
    std::map<std::string, std::uint64_t> io_counters;   // beside the bridge's own
    MqttClient source{o.client_id + "-source", /*persistent_session*/ true};
    MqttClient destination{o.client_id + "-destination", /*persistent_session*/ true};
    if (!source.valid() || !destination.valid()) return std::fprintf(stderr, "mote-bridge: libmosquitto failed\n"), 1;
    bool announce = false;
    const std::string share = o.share.empty() ? "" : "$share/" + o.share + "/";
    source.on_connect = [&] {
        source.subscribe(share + tts_uplink_pattern, o.source_qos);
        source.subscribe(share + chirpstack_uplink_pattern, o.source_qos);
        announce = true;
    };
    destination.on_connect = [&] {
        // routes first: the broker sends the retained ones before any downlink
        destination.subscribe(route_topic("+"), 1);
        destination.subscribe(share + downlink_topic("+"), 1);
        announce = true;
    };
    const auto publish = [&](MqttClient& to, const std::string& topic, std::span<const std::uint8_t> payload, int qos,
                             bool retain) {
        if (to.publish(topic, payload, qos, retain) < 0) ++io_counters["publish_failed"];
    };
    source.on_message = [&](const mosquitto_message& m) {
        if (const auto forward = bridge.uplink(m.topic, bytes_of(m))) {
            if (forward->route) publish(destination, forward->route->topic, bytes_of(forward->route->payload), 1, true);
            publish(destination, forward->topic, bytes_of(m), 1, false);
        }
    };
    destination.on_message = [&](const mosquitto_message& m) {
        const std::string_view topic = m.topic;
        if (topic.starts_with(route_topic(""))) {
            bridge.route(topic, bytes_of(m));
        } else if (const auto down = bridge.downlink(topic, bytes_of(m))) {
            publish(source, down->topic, bytes_of(down->payload), o.source_qos, false);
        }
    };
    const auto patience = std::chrono::seconds(10);
    if (!source.connect(o.source.host, o.source.port, patience))
        return std::fprintf(stderr, "mote-bridge: cannot reach the source broker %s:%d\n", o.source.host.c_str(), o.source.port), 1;
    if (!destination.connect(o.destination.host, o.destination.port, patience))
        return std::fprintf(stderr, "mote-bridge: cannot reach the destination broker %s:%d\n", o.destination.host.c_str(),
                            o.destination.port), 1;
    std::fprintf(stderr, "mote-bridge %s: %s:%d -> %s:%d, %s, %u partitions, downlinks on port %u\n", o.client_id.c_str(),
                 o.source.host.c_str(), o.source.port, o.destination.host.c_str(), o.destination.port,
                 o.share.empty() ? "not shared" : ("$share/" + o.share).c_str(), o.config.partitions, o.config.downlink_port);

    while (!stopping) {
        source.loop(5);
        destination.loop(5);
        // after the subscriptions (sent on connecting): whoever sees it knows they are in place
        if (announce && source.connected() && destination.connected()) {
            announce = false;
            destination.publish("mote/bridge/" + o.client_id, bytes_of(std::string("subscribed")), 1, true);
        }
    }
    // let the last acknowledgements in
    for (int i = 0; i < 20; ++i) {
        source.loop(5);
        destination.loop(5);
    }
    std::string line;
    for (const auto& [k, v] : bridge.counters()) line += " " + k + "=" + std::to_string(v);
    for (const auto& [k, v] : io_counters) line += " " + k + "=" + std::to_string(v);
    std::fprintf(stderr, "mote-bridge %s: devices=%zu%s\n", o.client_id.c_str(), bridge.devices(), line.c_str());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    std::optional<Endpoint> source, destination;
    for (int a = 1; a < argc; ++a) {
        const std::string s = argv[a];
        if (a + 1 >= argc) return usage();
        const char* v = argv[++a];
        std::optional<unsigned long> n;
        if (s == "--source") source = read_endpoint(v);
        else if (s == "--destination") destination = read_endpoint(v);
        else if (s == "--share" && valid_device_name(v)) o.share = v;
        else if (s == "--client-id" && valid_device_name(v)) o.client_id = v;
        else if (s == "--source-qos" && (n = read_uint(v, 0, 1))) o.source_qos = static_cast<int>(*n);
        else if (s == "--partitions" && (n = read_uint(v, 1, max_partitions))) o.config.partitions = static_cast<unsigned>(*n);
        else if (s == "--downlink-port" && (n = read_uint(v, 1, 223))) o.config.downlink_port = static_cast<unsigned>(*n);
        else if (s == "--max-devices" && (n = read_uint(v, 1, 100'000'000))) o.config.max_devices = *n;
        else return usage();
    }
    if (!source || !destination) return usage();
    o.source = *source;
    o.destination = *destination;
    struct sigaction sa{};
    sa.sa_handler = [](int) { stopping = 1; };
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    return run(o);
}
