// mote-serve's uplink readers (services/mote-serve): base64, the JSON field extractor, the three
// uplink formats with their topic, the device table's reports of frames that never complete, and
// its snapshot.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "base64.hpp"
#include "device_table.hpp"
#include "json_fields.hpp"
#include "mote/split/crc32c.hpp"
#include "mote/split/fragment.hpp"
#include "mote/split/le.hpp"
#include "snapshot.hpp"
#include "uplink.hpp"

using namespace mote_serve;
using Bytes = std::vector<std::uint8_t>;

namespace {
std::span<const std::uint8_t> bytes_of(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
std::optional<Bytes> b64(const std::string& s) {
    Bytes out(64, 0xEE);
    const auto n = base64_decode(s, out);
    if (!n) {
        for (const auto b : out)
            if (b != 0xEE) FAIL("base64_decode wrote on failure");
        return std::nullopt;
    }
    out.resize(*n);
    return out;
}
}  // namespace

TEST_CASE("base64: RFC 4648 section 10 vectors, both ways") {
    const char* plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    const char* coded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    for (int i = 0; i < 7; ++i) {
        const std::string p = plain[i];
        REQUIRE(b64(coded[i]) == Bytes(p.begin(), p.end()));
        std::string out(16, '\0');
        const auto n = base64_encode(bytes_of(p), out);
        REQUIRE(n);
        CHECK(out.substr(0, *n) == coded[i]);
    }
}

TEST_CASE("base64: invalid inputs are refused, nothing written") {
    for (const char* s : {"Zg=", "Zg", "Z===", "Zh==", "Zm9=", "Zm 9v", "Zm9v=", "=Zm9", "Zg==Zg==", "Zm-v", "Zm_v"})
        CHECK_FALSE(b64(s));
    Bytes small(2);
    CHECK_FALSE(base64_decode("Zm9v", small));
}

TEST_CASE("json: fields by path, validation, duplicates, depth") {
    const std::string doc = R"({"a":{"b":"x\/y","n":42,"arr":[1,{"b":2}]},"b":true, "e":-1.5e3})";
    const auto v = json_find(doc, {"a", "b"});
    REQUIRE(v);
    CHECK(json_string(*v, 16) == "x/y");
    CHECK(json_uint(*json_find(doc, {"a", "n"}), 100) == 42u);
    CHECK_FALSE(json_uint(*json_find(doc, {"a", "n"}), 41));
    CHECK_FALSE(json_uint(*json_find(doc, {"e"}), 1u << 30));
    CHECK(json_find(doc, {"b"})->type == JsonType::boolean);
    CHECK_FALSE(json_find(doc, {"a", "arr", "b"}));   // inside an array: not on a key path
    CHECK_FALSE(json_find(doc, {"zz"}));
    CHECK_FALSE(json_find(R"({"a":1,"a":2})", {"a"}));   // duplicate key: ambiguous
    for (const char* bad : {R"({"a":1,})", R"({"a":01})", R"({"a":"\x"})", R"({"a":1} x)", "[1,2", R"({"a":"tab	"})", "", "nul"})
        CHECK_FALSE(json_find(bad, {}));
    CHECK_FALSE(json_string(*json_find(R"({"s":"a\nb"})", {"s"}), 16));   // escapes identifiers never need
    CHECK_FALSE(json_string(*json_find(R"({"s":"abcdef"})", {"s"}), 5));
    std::string deep(max_json_depth + 1, '[');
    deep += std::string(max_json_depth + 1, ']');
    CHECK_FALSE(json_find(deep, {}));
    std::string ok_depth(max_json_depth, '[');
    ok_depth += std::string(max_json_depth, ']');
    CHECK(json_find(ok_depth, {}));
}

TEST_CASE("uplink: raw, The Things Stack v3 and ChirpStack v4 messages") {
    Uplink u;
    const std::string frag = "\x01\x02\x03";
    REQUIRE(parse_uplink("mote/up/3/dev1/raw", bytes_of(frag), u) == UplinkError::ok);
    CHECK((u.partition == 3 && u.device == "dev1" && u.format == UplinkFormat::raw && u.fragment == Bytes{1, 2, 3}));

    const std::string ttn = R"({"end_device_ids":{"device_id":"dev1","application_ids":{"application_id":"a"}},
        "uplink_message":{"f_port":42,"f_cnt":7,"frm_payload":"AQID","rx_metadata":[{"rssi":-97}]}})";
    REQUIRE(parse_uplink("mote/up/3/dev1/ttn", bytes_of(ttn), u) == UplinkError::ok);
    CHECK((u.fragment == Bytes{1, 2, 3} && u.frame_counter == 7u && u.format == UplinkFormat::ttn));
    CHECK(parse_uplink("mote/up/3/dev2/ttn", bytes_of(ttn), u) == UplinkError::misattributed);

    const std::string cs = R"({"deduplicationId":"x","deviceInfo":{"devEui":"70b3d57ed0000001"},"fCnt":9,"fPort":1,"data":"AQID"})";
    REQUIRE(parse_uplink("mote/up/0/70b3d57ed0000001/chirpstack", bytes_of(cs), u) == UplinkError::ok);
    CHECK((u.fragment == Bytes{1, 2, 3} && u.frame_counter == 9u));

    CHECK(parse_uplink("mote/up/0/70b3d57ed0000001/chirpstack", bytes_of(R"({"deviceInfo":{"devEui":"70b3d57ed0000001"},"data":"AQI"})"), u) == UplinkError::bad_base64);
    CHECK(parse_uplink("mote/up/0/70b3d57ed0000001/chirpstack", bytes_of(R"({"deviceInfo":{"devEui":"70b3d57ed0000001"},"data":"AQID","fPort":0})"), u) == UplinkError::bad_field);
    CHECK(parse_uplink("mote/up/0/70b3d57ed0000001/chirpstack", bytes_of(R"({"deviceInfo":{},"data":"AQID"})"), u) == UplinkError::missing_field);
    CHECK(parse_uplink("mote/up/0/x/chirpstack", bytes_of("{"), u) == UplinkError::bad_json);
    for (const char* t : {"mote/up/3/dev1", "mote/up/03/dev1/raw", "mote/up/3/dev1/raw/x", "mote/up/x/dev1/raw",
                          "mote/up/3/dev+/raw", "mote/down/3/dev1/raw", "mote/up/3/dev1/lora", "mote/up/4096/d/raw"})
        CHECK(parse_uplink(t, bytes_of(frag), u) == UplinkError::bad_topic);
    CHECK(parse_uplink("mote/up/3/dev1/raw", Bytes(max_fragment_bytes + 1), u) == UplinkError::too_large);
    const std::string big = R"({"deviceInfo":{"devEui":"d"},"data":")" + std::string((max_fragment_bytes + 3) / 3 * 4 + 4, 'A') + "\"}";
    CHECK(parse_uplink("mote/up/3/d/chirpstack", bytes_of(big), u) == UplinkError::too_large);
}

TEST_CASE("uplink: a device's partition is fixed and spreads over K") {
    CHECK(partition_of("dev00001", 16) == partition_of("dev00001", 16));
    std::vector<int> n(16);
    for (int d = 0; d < 1600; ++d) ++n[partition_of("dev" + std::to_string(d), 16)];
    for (const int c : n) CHECK((c > 50 && c < 150));
    CHECK(uplink_topic(5, "dev1", UplinkFormat::chirpstack) == "mote/up/5/dev1/chirpstack");
}

TEST_CASE("device table: every frame that does not complete is reported once") {
    using R = mote::split::Reassembler<256, 16, 2, 64>;
    DeviceTable<R> table{2, 100};
    std::vector<FrameGone> gone;
    const Bytes frame(100, 7);
    const auto push = [&](const std::string& dev, std::uint16_t epoch, std::uint16_t seq, std::size_t index, std::uint32_t now) {
        Bytes f(60);
        f.resize(mote::split::make_fragment(frame, {epoch, seq}, index, 60, f));
        auto& d = table.get(dev, now, gone);
        DeviceTable<R>::after_push(d, d.reassembler.push(f, now), now, gone);
    };
    push("a", 1, 0, 0, 0);   // frame a/1/0: 1 of 2 fragments
    push("b", 1, 0, 0, 10);
    REQUIRE(gone.empty());
    table.expire(100, gone);   // a's frame idle for 100
    REQUIRE(gone.size() == 1);
    CHECK((gone[0].device == "a" && gone[0].key.sequence == 0 && gone[0].received == 1 && gone[0].count == 2 &&
           std::string(gone[0].reason) == "expired"));
    gone.clear();
    push("c", 1, 0, 0, 105);   // a third device evicts the least recently active: a (nothing in flight)
    CHECK(gone.empty());
    push("a", 1, 5, 0, 106);   // back: evicts b, whose frame was in flight
    REQUIRE(gone.size() == 1);
    CHECK((gone[0].device == "b" && std::string(gone[0].reason) == "device_evicted"));
    CHECK(table.evictions() == 2);
}

TEST_CASE("device table: a snapshot restores frames in flight, the delivered memory and the order") {
    using R = mote::split::Reassembler<256, 16, 2, 64>;
    DeviceTable<R> table{2, 100};
    std::vector<FrameGone> gone;
    Bytes frame(100);
    for (std::size_t i = 0; i < frame.size() - 4; ++i) frame[i] = static_cast<std::uint8_t>(i * 7);
    mote::split::le::put32(frame.data() + 96, mote::split::crc32c(std::span<const std::uint8_t>(frame.data(), 96)));
    const auto fragment = [&](std::uint16_t seq, std::size_t index) {
        Bytes f(60);
        f.resize(mote::split::make_fragment(frame, {1, seq}, index, 60, f));
        return f;
    };
    const auto push = [&](DeviceTable<R>& t, const std::string& dev, std::uint16_t seq, std::size_t index, std::uint32_t now) {
        auto& d = t.get(dev, now, gone);
        const auto ev = d.reassembler.push(fragment(seq, index), now);
        DeviceTable<R>::after_push(d, ev, now, gone);
        return ev.event;
    };
    push(table, "b", 0, 0, 1);
    push(table, "b", 0, 1, 2);   // b/1/0 delivered
    push(table, "b", 1, 0, 3);   // b/1/1 in flight
    push(table, "a", 0, 0, 4);   // a/1/0 in flight; a is the most recent
    SnapshotWriter w;
    table.save(w);

    DeviceTable<R> copy{2, 100};
    SnapshotReader r{w.data()};
    REQUIRE(copy.restore(r));
    CHECK(r.at_end());
    CHECK(copy.devices() == 2);
    CHECK(push(copy, "a", 0, 1, 5) == mote::split::ReassemblyEvent::complete);
    CHECK(std::ranges::equal(copy.get("a", 5, gone).reassembler.frame(), frame));
    CHECK(push(copy, "b", 0, 0, 6) == mote::split::ReassemblyEvent::stale);   // delivered before the snapshot
    gone.clear();
    copy.get("c", 7, gone);   // evicts the least recently active: a (b was touched at 6)
    CHECK(gone.empty());
    copy.get("d", 8, gone);   // evicts b, whose frame b/1/1 was in flight
    REQUIRE(gone.size() == 1);
    CHECK((gone[0].device == "b" && gone[0].key.sequence == 1 && gone[0].received == 1 &&
           std::string(gone[0].reason) == "device_evicted"));

    // every truncation of the snapshot is refused, and so is a table already in use
    for (std::size_t n = 0; n < w.data().size(); ++n) {
        DeviceTable<R> t{2, 100};
        SnapshotReader cut{std::span(w.data()).first(n)};
        CHECK_FALSE((t.restore(cut) && cut.at_end()));
    }
    SnapshotReader again{w.data()};
    CHECK_FALSE(copy.restore(again));
    DeviceTable<R> small{1, 100};
    SnapshotReader too_many{w.data()};
    CHECK_FALSE(small.restore(too_many));
}

TEST_CASE("snapshot file: read back whole, refused when damaged, absent is not an error") {
    const std::string path = "uplink_test.snapshot";
    SnapshotWriter w;
    w.u64(42), w.string("topic"), w.u8(7);
    REQUIRE(write_snapshot_file(path, w));
    Bytes body;
    REQUIRE(read_snapshot_file(path, body) == SnapshotRead::ok);
    CHECK(body == w.data());
    std::FILE* f = std::fopen(path.c_str(), "r+b");
    REQUIRE(f != nullptr);
    std::fseek(f, 14, SEEK_SET);
    std::fputc(0x55, f);   // a byte of the body
    std::fclose(f);
    CHECK(read_snapshot_file(path, body) == SnapshotRead::damaged);
    std::remove(path.c_str());
    CHECK(read_snapshot_file(path, body) == SnapshotRead::none);
}
