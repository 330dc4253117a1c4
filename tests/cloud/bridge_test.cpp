// mote-bridge's translation (services/mote-serve/bridge.hpp): network-server uplinks onto
// partition topics, control messages back as The Things Stack / ChirpStack downlinks, the
// bounded table of devices it learns in between, and the route messages bridges share it by.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "bridge.hpp"
#include "json_fields.hpp"
#include "mote/split/control.hpp"

using namespace mote_serve;
using Bytes = std::vector<std::uint8_t>;

namespace {
std::span<const std::uint8_t> bytes_of(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
std::span<const std::uint8_t> bytes_of(const Bytes& b) { return {b.data(), b.size()}; }

std::string tts_json(const std::string& device, const std::string& frm_payload = "AQID") {
    return R"({"end_device_ids":{"device_id":")" + device +
           R"(","application_ids":{"application_id":"app1"}},"uplink_message":{"f_port":42,"f_cnt":7,"frm_payload":")" +
           frm_payload + R"(","rx_metadata":[{"rssi":-97}]}})";
}
std::string chirpstack_json(const std::string& dev_eui) {
    return R"({"deduplicationId":"x","deviceInfo":{"devEui":")" + dev_eui + R"("},"fCnt":9,"fPort":1,"data":"AQID"})";
}
constexpr const char* app_uuid = "6f3e1a2b-0c4d-4e5f-8a9b-0c1d2e3f4a5b";
constexpr const char* dev_eui = "70b3d57ed0000001";
const std::string chirpstack_up = std::string("application/") + app_uuid + "/device/" + dev_eui + "/event/up";

// A plain NACK for fragments 1 and 4 of frame (epoch 5, sequence 300), as mote-serve sends it.
Bytes nack() {
    mote::split::ControlMessage m;
    m.type = mote::split::Control::nack;
    m.epoch = 5;
    m.sequence = 300;
    m.message = 2;
    m.n = 2;
    m.indices[0] = 1;
    m.indices[1] = 4;
    Bytes out(mote::split::max_control_bytes);
    out.resize(mote::split::encode_control(m, out));
    REQUIRE(out.size() == mote::split::control_header_bytes + 2 + mote::split::control_check_bytes);
    return out;
}

// The base64 text after `"key":"` in a downlink's JSON, decoded (a field of an array element
// is out of json_find's reach).
Bytes decoded(const std::string& json, const std::string& key) {
    const std::string open = "\"" + key + "\":\"";
    const auto at = json.find(open);
    REQUIRE(at != std::string::npos);
    const auto start = at + open.size();
    const std::string text = json.substr(start, json.find('"', start) - start);
    Bytes out(text.size());
    const auto n = base64_decode(text, out);
    REQUIRE(n);
    out.resize(*n);
    return out;
}

// The partition topic an uplink is forwarded to, or "none".
std::string forwarded(Bridge& b, const std::string& topic, const std::string& payload) {
    const auto f = b.uplink(topic, bytes_of(payload));
    return f ? f->topic : "none";
}

std::uint64_t count(const Bridge& b, const std::string& name) {
    const auto it = b.counters().find(name);
    return it == b.counters().end() ? 0 : it->second;
}
}  // namespace

TEST_CASE("bridge: The Things Stack uplinks go to the device's partition; downlinks come back to the application") {
    Bridge b{BridgeConfig{}};
    // FNV-1a 32 of "dev1" is 0x690992f7 (computed apart): partition 7 of 16, 2 of 7
    CHECK(forwarded(b, "v3/app1/devices/dev1/up", tts_json("dev1")) == "mote/up/7/dev1/ttn");
    CHECK(forwarded(b, "v3/app1@tenant-1/devices/dev2/up", tts_json("dev2")) ==
          "mote/up/" + std::to_string(partition_of("dev2", 16)) + "/dev2/ttn");
    CHECK(count(b, "uplinks") == 2);
    CHECK(count(b, "uplinks_forwarded") == 2);
    CHECK(b.devices() == 2);

    const std::string foobar = "foobar";   // RFC 4648: Zm9vYmFy
    const auto d1 = b.downlink("mote/down/dev1", bytes_of(foobar));
    REQUIRE(d1);
    CHECK(d1->topic == "v3/app1/devices/dev1/down/push");
    CHECK(d1->payload == R"({"downlinks":[{"f_port":43,"frm_payload":"Zm9vYmFy","priority":"NORMAL"}]})");

    const Bytes control = nack();
    const auto d2 = b.downlink("mote/down/dev2", bytes_of(control));
    REQUIRE(d2);
    CHECK(d2->topic == "v3/app1@tenant-1/devices/dev2/down/push");
    CHECK(decoded(d2->payload, "frm_payload") == control);
    CHECK(json_find(d2->payload, {}));   // valid JSON
    CHECK(count(b, "downlinks_forwarded") == 2);

    Bridge port7{BridgeConfig{.partitions = 7, .downlink_port = 200}};
    CHECK(forwarded(port7, "v3/app1/devices/dev1/up", tts_json("dev1")) == "mote/up/2/dev1/ttn");
    CHECK(port7.downlink("mote/down/dev1", bytes_of(foobar))->payload ==
          R"({"downlinks":[{"f_port":200,"frm_payload":"Zm9vYmFy","priority":"NORMAL"}]})");
}

TEST_CASE("bridge: ChirpStack uplinks and downlinks") {
    Bridge b{BridgeConfig{}};
    // FNV-1a 32 of the DevEUI is 0x2a8c5d89 (computed apart): partition 9 of 16
    CHECK(forwarded(b, chirpstack_up, chirpstack_json(dev_eui)) == std::string("mote/up/9/") + dev_eui + "/chirpstack");
    const Bytes control = nack();
    const auto d = b.downlink(std::string("mote/down/") + dev_eui, bytes_of(control));
    REQUIRE(d);
    CHECK(d->topic == std::string("application/") + app_uuid + "/device/" + dev_eui + "/command/down");
    CHECK(decoded(d->payload, "data") == control);
    const std::string b64(d->payload.substr(d->payload.find("\"data\":\"") + 8, 20));
    CHECK(d->payload == std::string(R"({"devEui":")") + dev_eui + R"(","confirmed":false,"fPort":43,"data":")" + b64 + R"("})");
    CHECK(json_find(d->payload, {"fPort"})->raw == "43");
    CHECK(json_string(*json_find(d->payload, {"devEui"}), 64) == dev_eui);

    // a tenant exists only in The Things Stack's topics
    CHECK_FALSE(b.uplink(std::string("application/") + app_uuid + "@t/device/" + dev_eui + "/event/up",
                         bytes_of(chirpstack_json(dev_eui))));
    CHECK(count(b, "uplink_bad_topic") == 1);
}

TEST_CASE("bridge: what a worker would refuse is counted and not forwarded, nor learned") {
    Bridge b{BridgeConfig{}};
    const std::string ok = tts_json("dev1");
    // the JSON names another device than the topic
    CHECK_FALSE(b.uplink("v3/app1/devices/dev9/up", bytes_of(ok)));
    CHECK(count(b, "uplink_misattributed") == 1);
    CHECK_FALSE(b.uplink(chirpstack_up, bytes_of(chirpstack_json("70b3d57ed0000002"))));
    CHECK(count(b, "uplink_misattributed") == 2);
    // sizes: the fragment (1600 B at most), the document (64 KiB at most)
    const std::string big_fragment(((max_fragment_bytes + 1) + 2) / 3 * 4, 'A');
    CHECK_FALSE(b.uplink("v3/app1/devices/dev1/up", bytes_of(tts_json("dev1", big_fragment))));
    CHECK(count(b, "uplink_too_large") == 1);
    std::string huge = ok;
    huge.insert(1, R"("pad":")" + std::string(max_json_bytes, 'x') + R"(",)");
    CHECK_FALSE(b.uplink("v3/app1/devices/dev1/up", bytes_of(huge)));
    CHECK(count(b, "uplink_bad_json") == 1);
    CHECK_FALSE(b.uplink("v3/app1/devices/dev1/up", bytes_of(tts_json("dev1", "AQI"))));
    CHECK(count(b, "uplink_bad_base64") == 1);
    // topics that are no uplink of either network server
    const std::string too_long(max_device_name + 1, 'd');
    for (const std::string& t : std::vector<std::string>{"v3/app1/devices/dev1/down/push", "v3/app1/devices/dev1", "v3/app1/devices/dev1/up/x",
                                "v3//devices/dev1/up", "v3/app1/devices//up", "v3/a@b@c/devices/dev1/up", "v3/app1@/devices/dev1/up",
                                "v3/app+/devices/dev1/up", "v3/app1/device/dev1/up", "v3/app1/devices/" + too_long + "/up",
                                "application/a/device/dev1/event/up/", "application/a/device/dev1/event/join",
                                "mote/up/7/dev1/ttn", "", "/"})
        CHECK_FALSE(b.uplink(t, bytes_of(ok)));
    CHECK(count(b, "uplink_bad_topic") == 15);
    CHECK(count(b, "uplinks") == 20);
    CHECK(count(b, "uplinks_forwarded") == 0);
    CHECK(b.devices() == 0);
    CHECK_FALSE(b.downlink("mote/down/dev1", bytes_of(nack())));
    CHECK(count(b, "downlink_unknown_device") == 1);
}

TEST_CASE("bridge: downlinks of unknown devices, bad topics and sizes are dropped and counted") {
    Bridge b{BridgeConfig{}};
    REQUIRE(b.uplink("v3/app1/devices/dev1/up", bytes_of(tts_json("dev1"))));
    const Bytes control = nack();
    CHECK_FALSE(b.downlink("mote/down/dev2", bytes_of(control)));
    CHECK(count(b, "downlink_unknown_device") == 1);
    for (const char* t : {"mote/down/dev1/x", "mote/down/", "mote/down", "mote/up/dev1", "mote/down/dev+", "x/mote/down/dev1"})
        CHECK_FALSE(b.downlink(t, bytes_of(control)));
    CHECK(count(b, "downlink_bad_topic") == 6);
    CHECK_FALSE(b.downlink("mote/down/dev1", {}));
    CHECK_FALSE(b.downlink("mote/down/dev1", bytes_of(Bytes(mote::split::max_control_bytes + 1, 0x41))));
    CHECK(count(b, "downlink_bad_size") == 2);
    const auto largest = b.downlink("mote/down/dev1", bytes_of(Bytes(mote::split::max_control_bytes, 0xFF)));
    REQUIRE(largest);
    CHECK(decoded(largest->payload, "frm_payload") == Bytes(mote::split::max_control_bytes, 0xFF));
    CHECK(count(b, "downlinks") == 10);
    CHECK(count(b, "downlinks_forwarded") == 1);
}

TEST_CASE("bridge: the device table keeps the most recently heard from, and follows a device that moves") {
    Bridge b{BridgeConfig{.max_devices = 2}};
    const auto up = [&](const std::string& app, const std::string& d) {
        return b.uplink("v3/" + app + "/devices/" + d + "/up", bytes_of(tts_json(d))).has_value();
    };
    const auto down_topic = [&](const std::string& d) {
        const auto p = b.downlink("mote/down/" + d, bytes_of(std::string("x")));
        return p ? p->topic : std::string("none");
    };
    REQUIRE(up("app1", "a"));
    REQUIRE(up("app1", "b"));
    REQUIRE(up("app1", "a"));   // a heard from again: b is now the oldest
    REQUIRE(up("app1", "c"));
    CHECK(b.devices() == 2);
    CHECK(count(b, "devices_evicted") == 1);
    CHECK(down_topic("b") == "none");
    CHECK(down_topic("c") == "v3/app1/devices/c/down/push");
    CHECK(down_topic("a") == "v3/app1/devices/a/down/push");   // a downlink is no sign of life: a stays the oldest
    REQUIRE(up("app1", "d"));
    CHECK(down_topic("a") == "none");
    CHECK(down_topic("c") == "v3/app1/devices/c/down/push");
    CHECK(down_topic("d") == "v3/app1/devices/d/down/push");
    REQUIRE(up("app2@t", "c"));   // c moved to another application: its latest uplink's topic counts
    CHECK(down_topic("c") == "v3/app2@t/devices/c/down/push");
    REQUIRE(b.uplink(std::string("application/") + app_uuid + "/device/c/event/up", bytes_of(chirpstack_json("c"))));
    CHECK(down_topic("c") == std::string("application/") + app_uuid + "/device/c/command/down");
    CHECK(count(b, "devices_evicted") == 2);
    CHECK(b.devices() == 2);
}

TEST_CASE("bridge: route messages round-trip, and every malformed one is refused") {
    const std::string tenant_app = std::string(max_device_name, 'a') + "@" + std::string(max_device_name, 't');
    const Route routes[] = {{"dev1", UplinkFormat::ttn, "app1"},
                            {"d", UplinkFormat::ttn, "app-1@tenant_1.x"},
                            {std::string(max_device_name, 'D'), UplinkFormat::ttn, tenant_app},   // the longest
                            {dev_eui, UplinkFormat::chirpstack, app_uuid}};
    CHECK(encode_route(routes[0]) == "ttn app1");
    CHECK(encode_route(routes[1]) == "ttn app-1@tenant_1.x");
    CHECK(encode_route(routes[2]).size() == max_route_bytes);
    CHECK(encode_route(routes[3]) == std::string("chirpstack ") + app_uuid);
    CHECK(route_topic("dev1") == "mote/route/dev1");
    for (const Route& r : routes) CHECK(decode_route(route_topic(r.device), bytes_of(encode_route(r))) == r);

    const auto refused = [](const std::string& topic, const std::string& payload) {
        return !decode_route(topic, bytes_of(payload)).has_value();
    };
    // topics
    for (const std::string& t : std::vector<std::string>{"mote/route/", "mote/route", "mote/route/dev1/x", "x/mote/route/dev1",
                                "mote/route/dev+", "mote/route/#", "mote/down/dev1", "mote/route/" + std::string(max_device_name + 1, 'd'),
                                "mote/route//dev1", "", "dev1"})
        CHECK(refused(t, "ttn app1"));
    // payloads
    for (const std::string& p : std::vector<std::string>{
             "", "ttn", "ttn ", "ttn  app1", " ttn app1", "ttn app1 ", "ttn app1\n", "ttn\tapp1", "TTN app1", "raw app1",
             "chirpstack", "ttn app1@", "ttn @t", "ttn a@b@c", "ttn app+", "ttn app/1", "ttn app1 app2",
             "chirpstack app1@t", "chirpstack ", "lorawan app1", std::string("ttn app1\0", 9),
             "ttn " + std::string(max_device_name + 1, 'a'), "ttn " + tenant_app + "x", "ttn x" + tenant_app,
             "{\"format\":\"ttn\",\"application\":\"app1\"}"})
        CHECK(refused("mote/route/dev1", p));
    CHECK(max_route_bytes == 133);
    CHECK(refused("mote/route/dev1", "ttn " + std::string(max_route_bytes, 'a')));   // too long before anything else

    Bridge b{BridgeConfig{}};
    CHECK_FALSE(b.route("mote/route/dev1", bytes_of(std::string("ttn app1 "))));
    CHECK_FALSE(b.route("mote/route/dev1/x", bytes_of(std::string("ttn app1"))));
    CHECK(count(b, "routes") == 2);
    CHECK(count(b, "route_refused") == 2);
    CHECK(b.devices() == 0);
}

TEST_CASE("bridge: an uplink with a new or changed route publishes it, retained for every bridge") {
    Bridge b{BridgeConfig{.max_devices = 2}};
    const auto route_of = [&](const std::string& topic, const std::string& payload) {
        const auto f = b.uplink(topic, bytes_of(payload));
        REQUIRE(f);
        return f->route ? f->route->topic + " " + f->route->payload : std::string("none");
    };
    CHECK(route_of("v3/app1@t/devices/dev1/up", tts_json("dev1")) == "mote/route/dev1 ttn app1@t");
    CHECK(route_of("v3/app1@t/devices/dev1/up", tts_json("dev1")) == "none");   // already known
    CHECK(route_of("v3/app2/devices/dev1/up", tts_json("dev1")) == "mote/route/dev1 ttn app2");   // moved
    CHECK(route_of(chirpstack_up, chirpstack_json(dev_eui)) == std::string("mote/route/") + dev_eui + " chirpstack " + app_uuid);
    CHECK(route_of("v3/app2/devices/dev3/up", tts_json("dev3")) == "mote/route/dev3 ttn app2");   // dev1 evicted
    CHECK(route_of("v3/app2/devices/dev1/up", tts_json("dev1")) == "mote/route/dev1 ttn app2");   // so new again
    CHECK(count(b, "routes_published") == 5);
    CHECK_FALSE(b.uplink("v3/app9/devices/dev9/up", bytes_of(tts_json("dev1"))));   // refused: no route either
    CHECK(count(b, "routes_published") == 5);

    // the bridge's own route coming back from the broker changes nothing
    const auto f = b.uplink("v3/app3/devices/dev1/up", bytes_of(tts_json("dev1")));
    REQUIRE(f);
    REQUIRE(f->route);
    CHECK(b.route(f->route->topic, bytes_of(f->route->payload)));
    CHECK(forwarded(b, "v3/app3/devices/dev1/up", tts_json("dev1")) == "mote/up/7/dev1/ttn");
    CHECK(count(b, "routes_published") == 6);
    CHECK(b.downlink("mote/down/dev1", bytes_of(std::string("x")))->topic == "v3/app3/devices/dev1/down/push");
}

TEST_CASE("bridge: a route learnt from the broker makes downlinks work on a bridge that never saw the device") {
    Bridge a{BridgeConfig{}}, b{BridgeConfig{.max_devices = 2}};
    const Bytes control = nack();
    // the uplinks go to bridge a, which publishes the routes
    std::vector<Publication> published;
    for (const auto& [topic, payload] :
         std::vector<std::pair<std::string, std::string>>{{"v3/app1@t/devices/dev1/up", tts_json("dev1")},
                                                          {chirpstack_up, chirpstack_json(dev_eui)},
                                                          {"v3/app1@t/devices/dev1/up", tts_json("dev1")}}) {
        const auto f = a.uplink(topic, bytes_of(payload));
        REQUIRE(f);
        if (f->route) published.push_back(*f->route);
    }
    REQUIRE(published.size() == 2);
    CHECK_FALSE(b.downlink("mote/down/dev1", bytes_of(control)));   // b has not heard of dev1 yet
    for (const Publication& p : published) CHECK(b.route(p.topic, bytes_of(p.payload)));
    CHECK(b.devices() == 2);
    CHECK(count(b, "uplinks") == 0);
    // b's downlinks are a's, byte for byte
    for (const std::string device : {"dev1", dev_eui}) {
        const auto from_a = a.downlink(downlink_topic(device), bytes_of(control));
        const auto from_b = b.downlink(downlink_topic(device), bytes_of(control));
        REQUIRE(from_a);
        REQUIRE(from_b);
        CHECK(from_b->topic == from_a->topic);
        CHECK(from_b->payload == from_a->payload);
    }
    CHECK(b.downlink("mote/down/dev1", bytes_of(control))->topic == "v3/app1@t/devices/dev1/down/push");

    // a route message follows a device that moved, and counts as a sign of life in the table
    CHECK(b.route("mote/route/dev1", bytes_of(std::string("ttn app2"))));
    CHECK(b.downlink("mote/down/dev1", bytes_of(control))->topic == "v3/app2/devices/dev1/down/push");
    CHECK(b.route("mote/route/dev3", bytes_of(std::string("ttn app2"))));   // evicts the DevEUI, heard from longest ago
    CHECK(count(b, "devices_evicted") == 1);
    CHECK_FALSE(b.downlink(downlink_topic(dev_eui), bytes_of(control)));
    CHECK(b.downlink("mote/down/dev3", bytes_of(control)));
    // b learning from an uplink of its own publishes only what the broker has not told it
    const auto same = b.uplink("v3/app2/devices/dev1/up", bytes_of(tts_json("dev1")));
    REQUIRE(same);
    CHECK_FALSE(same->route);
    const auto moved = b.uplink("v3/app1/devices/dev1/up", bytes_of(tts_json("dev1")));
    REQUIRE(moved);
    CHECK(moved->route);
}
