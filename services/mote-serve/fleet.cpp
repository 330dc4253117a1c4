// mote-fleet: a fleet of simulated devices for mote-serve's demo and load test (tests/cloud/load).
// Every device sends a frame every --period-ms: the KWS model's input (cut 0) or its head's
// output after unit 10, from a deterministic input; fragmented to its link's MTU; published to
// its partition's topic as raw bytes (sealed, per-device key), The Things Stack JSON or
// ChirpStack JSON. The links lose --loss of the fragments, duplicate some and reorder them; now
// and then a device restarts mid-frame (new epoch, sequence 0). A few injected frames are
// forged, replayed, unsealed, or of an unknown model or cut. A device keeps its latest frame and
// answers the service's retransmission requests (mote/down/{device}: NACKs, sealed for raw
// links) by sending the fragments listed again, over the same lossy link. The fleet listens to
// the results and reports and checks exact accounting:
//
//   * a frame sent whole the first time, all of whose fragments the broker acknowledged, has
//     exactly one result, for that device, bit-identical to the unsplit model (Net::run on the
//     same input), and no report (a result message delivered again with the same output id is a
//     QoS 1 redelivery: counted apart, not a second result);
//   * a frame with some fragments lost has at most one result, only once all its fragments
//     reached the broker (retransmissions included), bit-identical; without one it is reported
//     missing (at least once);
//   * every injected frame is rejected (with the expected reason) and none gives a result.
//
// The last line holds the figures; exit status 0 only when the accounting is exact.
//
//   mote-fleet --make-keys FILE --devices N
//   mote-fleet --broker HOST:PORT --devices N --seconds S [--keys FILE] [--partitions 16]
//              [--period-ms 2000] [--loss 0.2] [--drain-s 30] [--show K] [--seed X]
//
// It starts sending once every partition has said it is subscribed (retained mote/partition/{k}).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <queue>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "base64.hpp"
#include "json_fields.hpp"
#include "keys.hpp"
#include "kws_dscnn_int8.hpp"
#include "model_table.hpp"
#include "mote/split/control.hpp"
#include "mote/split/fragment.hpp"
#include "mote/split/frame.hpp"
#include "mote/split/sealed.hpp"
#include "mqtt_client.hpp"
#include "uplink.hpp"

namespace {

using namespace mote_serve;
namespace ms = mote::split;
using Net = kws_dscnn_int8::Model;
using In = Net::input<0>;
using Out = Net::output;
constexpr std::size_t cut = 10;   // the partly run devices: units [0, 10) on the device
using Head = mote::head<Net, cut>;
using CutTensor = Head::output;
constexpr std::uint32_t model_id = model_id_of(kws_dscnn_int8::model_sha256);

double now_s() {
    using namespace std::chrono;
    return duration_cast<duration<double>>(steady_clock::now().time_since_epoch()).count();
}

enum class Expect : std::uint8_t { result, rejection };

struct Frame {
    std::uint32_t device = 0;
    std::uint16_t epoch = 0, sequence = 0;
    Expect expect = Expect::result;
    const char* reason = "";      // the rejection expected
    std::uint8_t count = 0;       // fragments
    std::vector<bool> acked;      // per fragment: the broker has it
    std::vector<bool> sent;       // per fragment: published (not lost on the link)
    std::int8_t expected[Out::bytes]{};
    bool whole = false;           // every fragment sent the first time
    double sent_at = 0;
    int results = 0, missing = 0, rejected = 0, mismatched = 0;
    std::string output;           // the first result's output id
};

struct Device {
    std::string name;
    UplinkFormat format = UplinkFormat::raw;
    std::uint8_t cut = 0;
    std::size_t mtu = 0;
    std::uint32_t device_id = 0;
    std::uint16_t epoch = 1, sequence = 0;
    double next = 0;
    std::vector<std::vector<std::uint8_t>> last_fragments;   // of its last fully sent frame (replays)
    // its retransmission buffer: the latest frame and the newest request it answered
    std::size_t kept_frame = SIZE_MAX;
    std::vector<std::vector<std::uint8_t>> kept_fragments;
    int kept_request = -1;
};

std::string device_name(std::uint32_t d) {
    char s[32];
    if (d % 3 == 1) std::snprintf(s, sizeof s, "70b3d57ed0%06x", d);   // ChirpStack: a DevEUI
    else std::snprintf(s, sizeof s, "dev%05u", d);
    return s;
}
UplinkFormat format_of(std::uint32_t d) {
    return d % 3 == 0 ? UplinkFormat::ttn : d % 3 == 1 ? UplinkFormat::chirpstack : UplinkFormat::raw;
}

// The input of a device's frame: deterministic in (device, epoch, sequence).
void make_input(std::uint32_t d, std::uint16_t epoch, std::uint16_t sequence, std::int8_t* x) {
    std::uint64_t s = (std::uint64_t{d} << 32 | std::uint64_t{epoch} << 16 | sequence) * 6364136223846793005ull + 1442695040888963407ull;
    for (std::size_t i = 0; i < In::elements; ++i) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        x[i] = static_cast<std::int8_t>(s >> 56);
    }
}

int make_keys(const std::string& path, std::uint32_t devices) {
    std::FILE* r = std::fopen("/dev/urandom", "rb");
    std::FILE* f = std::fopen(path.c_str(), "w");
    if (r == nullptr || f == nullptr) return std::fprintf(stderr, "mote-fleet: cannot write %s\n", path.c_str()), 1;
    std::fprintf(f, "# name device_id algorithm key (mote-fleet --make-keys)\n");
    for (std::uint32_t d = 0; d < devices; ++d) {
        if (format_of(d) != UplinkFormat::raw) continue;
        std::uint8_t k[32];
        if (std::fread(k, 1, sizeof k, r) != sizeof k) return 1;
        std::fprintf(f, "%s %u chacha20-poly1305 ", device_name(d).c_str(), d + 1);
        for (const std::uint8_t b : k) std::fprintf(f, "%02x", b);
        std::fprintf(f, "\n");
    }
    std::fclose(r);
    return std::fclose(f) == 0 ? 0 : 1;
}

class Fleet {
public:
    struct Options {
        std::uint32_t devices = 200;
        double seconds = 10, drain = 30, loss = 0.2;
        unsigned partitions = 16;
        double period = 2.0;
        int show = 0;
        std::uint64_t seed = 1;
        bool inject = true;
    };

    Fleet(Options o, KeyTable keys) : o_(o), keys_(std::move(keys)), rng_(o.seed), mqtt_("mote-fleet", true) {
        for (std::uint32_t d = 0; d < o.devices; ++d) {
            Device v;
            v.name = device_name(d);
            v.format = format_of(d);
            v.cut = d % 2 == 0 ? static_cast<std::uint8_t>(cut) : 0;
            v.mtu = v.cut == 0 ? 222 : 51;   // LoRaWAN EU868 DR4-7 / DR0-2
            v.device_id = d + 1;
            v.next = std::uniform_real_distribution<double>(0, o.period)(rng_);
            by_name_[v.name] = d;
            devices_.push_back(std::move(v));
        }
        mqtt_.on_connect = [this] {
            for (const char* t : {"mote/result/+", "mote/missing/+", "mote/rejected/+", "mote/partition/+", "mote/down/+"})
                mqtt_.subscribe(t, 1);
        };
        mqtt_.on_acknowledged = [this](int mid) {
            if (auto it = pending_.find(mid); it != pending_.end()) {
                frames_[it->second.first].acked[it->second.second] = true;
                pending_.erase(it);
            }
        };
        mqtt_.on_message = [this](const mosquitto_message& m) { receive(m); };
    }

    bool connect(const std::string& host, int port) { return mqtt_.connect(host, port, std::chrono::seconds(10)); }

    int run() {
        const double wait_from = now_s();
        while (partitions_up_.size() < o_.partitions && now_s() - wait_from < 30) mqtt_.loop(10);
        if (partitions_up_.size() < o_.partitions)
            return std::fprintf(stderr, "mote-fleet: only %zu of %u partitions subscribed\n", partitions_up_.size(), o_.partitions), 1;
        const double start = now_s();
        std::size_t injected_at = 0;
        while (now_s() - start < o_.seconds) {
            mqtt_.loop(1);
            if (!mqtt_.connected()) continue;   // the devices wait for their gateway
            const double t = now_s() - start;
            for (std::uint32_t d = 0; d < o_.devices; ++d)
                if (devices_[d].next <= t) {
                    send_frame(d);
                    devices_[d].next += o_.period;
                }
            // a few injections half-way through
            if (o_.inject && injected_at == 0 && t > o_.seconds / 2) injected_at = inject();
        }
        const double sending_end = now_s();
        while (now_s() - sending_end < o_.drain && !settled()) mqtt_.loop(10);
        return account(start);
    }

private:
    // Publishes one fragment (QoS 1) and remembers it for the acknowledgement.
    void publish(std::size_t frame, std::size_t index, const Device& d, std::span<const std::uint8_t> fragment) {
        const std::string topic = uplink_topic(partition_of(d.name, o_.partitions), d.name, d.format);
        std::string body;
        std::vector<std::uint8_t> bytes(fragment.begin(), fragment.end());
        if (d.format != UplinkFormat::raw) {
            std::string b64((fragment.size() + 2) / 3 * 4, '\0');
            base64_encode(fragment, b64);
            const std::uint32_t fcnt = fcnt_++;
            body = d.format == UplinkFormat::ttn
                       ? "{\"end_device_ids\":{\"device_id\":\"" + d.name + "\",\"application_ids\":{\"application_id\":\"mote\"}},"
                         "\"received_at\":\"2024-01-01T00:00:00Z\",\"uplink_message\":{\"f_port\":42,\"f_cnt\":" +
                             std::to_string(fcnt) + ",\"frm_payload\":\"" + b64 + "\",\"rx_metadata\":[{\"rssi\":-97}]}}"
                       : "{\"deduplicationId\":\"" + std::to_string(fcnt) + "\",\"deviceInfo\":{\"devEui\":\"" + d.name +
                             "\",\"deviceName\":\"kws\"},\"fCnt\":" + std::to_string(fcnt) + ",\"fPort\":42,\"data\":\"" + b64 + "\"}";
            bytes.assign(body.begin(), body.end());
        }
        const int mid = mqtt_.publish(topic, bytes, 1);
        if (mid >= 0) pending_[mid] = {frame, index};
        ++published_;
    }

    // Encodes (and for raw links seals) a frame of device d; returns its bytes.
    std::vector<std::uint8_t> encode(Device& d, std::uint16_t sequence, std::int8_t* expected, std::uint32_t model,
                                     std::uint8_t frame_cut, const std::vector<std::uint8_t>* key_override, bool seal) {
        alignas(16) static std::int8_t x[In::bytes];
        alignas(16) static std::int8_t tensor[CutTensor::bytes > In::bytes ? CutTensor::bytes : In::bytes];
        static Net::Arena full;
        static Head::Arena head;
        make_input(static_cast<std::uint32_t>(&d - devices_.data()), d.epoch, sequence, x);
        std::memcpy(expected, Net::run(full, x), Out::bytes);
        ms::FrameHeader h;
        h.model_id = model;
        h.epoch = d.epoch;
        h.sequence = sequence;
        h.cut = frame_cut;
        std::size_t n = 0;
        if (d.cut == 0) {
            std::memcpy(tensor, x, In::bytes);
            n = In::bytes;
            h.h = In::shape.h, h.w = In::shape.w, h.c = In::shape.c, h.scale_bits = In::scale_bits,
            h.zero_point = static_cast<std::int8_t>(In::quant.zero_point);
        } else {
            std::memcpy(tensor, Head::run(head, x), CutTensor::bytes);
            n = CutTensor::bytes;
            h.h = CutTensor::shape.h, h.w = CutTensor::shape.w, h.c = CutTensor::shape.c,
            h.scale_bits = CutTensor::scale_bits, h.zero_point = static_cast<std::int8_t>(CutTensor::quant.zero_point);
        }
        std::vector<std::uint8_t> frame(n + ms::frame_overhead + ms::frame_tag_bytes);
        const auto e = ms::encode_frame(h, std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(tensor), n), frame);
        frame.resize(e.bytes + ms::frame_tag_bytes);
        if (!seal) return frame.resize(e.bytes), frame;
        const auto& k = keys_.at(d.name);
        PsaAead aead{k.algorithm, key_override ? *key_override : k.key};
        const auto s = ms::seal_frame(frame, e.bytes, d.device_id, aead);
        if (s.error != ms::FrameError::ok) std::fprintf(stderr, "mote-fleet: sealing failed\n"), std::exit(1);
        return frame;
    }

    std::vector<std::vector<std::uint8_t>> fragments_of(const std::vector<std::uint8_t>& frame, const Device& d,
                                                        std::uint16_t sequence) {
        const std::size_t count = ms::fragment_count(frame.size(), d.mtu);
        std::vector<std::vector<std::uint8_t>> out(count, std::vector<std::uint8_t>(d.mtu));
        for (std::size_t i = 0; i < count; ++i)
            out[i].resize(ms::make_fragment(frame, ms::frame_key(d.epoch, sequence), i, d.mtu, out[i]));
        return out;
    }

    std::size_t add_frame(const Device& d, std::uint16_t sequence, std::size_t count, Expect expect, const char* reason) {
        Frame f;
        f.device = static_cast<std::uint32_t>(&d - devices_.data());
        f.epoch = d.epoch;
        f.sequence = sequence;
        f.expect = expect;
        f.reason = reason;
        f.count = static_cast<std::uint8_t>(count);
        f.acked.assign(count, false);
        f.sent.assign(count, false);
        f.sent_at = now_s();
        index_[key(f.device, d.epoch, sequence)] = frames_.size();
        frames_.push_back(std::move(f));
        return frames_.size() - 1;
    }

    static std::uint64_t key(std::uint32_t device, std::uint16_t epoch, std::uint16_t sequence) {
        return std::uint64_t{device} << 32 | std::uint64_t{epoch} << 16 | sequence;
    }

    void send_frame(std::uint32_t di) {
        Device& d = devices_[di];
        const std::uint16_t sequence = d.sequence++;
        std::int8_t expected[Out::bytes];
        const auto frame = encode(d, sequence, expected, model_id, d.cut, nullptr, d.format == UplinkFormat::raw);
        auto fragments = fragments_of(frame, d, sequence);
        const std::size_t f = add_frame(d, sequence, fragments.size(), Expect::result, "");
        std::memcpy(frames_[f].expected, expected, Out::bytes);
        std::uniform_real_distribution<double> u(0, 1);
        std::size_t upto = fragments.size();
        const bool restart = fragments.size() >= 2 && u(rng_) < 0.02;
        if (restart) upto = std::uniform_int_distribution<std::size_t>(1, fragments.size() - 1)(rng_);
        std::vector<std::size_t> order(upto);
        for (std::size_t i = 0; i < upto; ++i) order[i] = i;
        if (u(rng_) < 0.3) std::shuffle(order.begin(), order.end(), rng_);
        for (const std::size_t i : order) {
            if (u(rng_) < o_.loss) continue;
            frames_[f].sent[i] = true;
            publish(f, i, d, fragments[i]);
            if (u(rng_) < 0.05) publish(f, i, d, fragments[i]);   // a duplicate (two gateways)
        }
        frames_[f].sent_at = now_s();
        frames_[f].whole = std::count(frames_[f].sent.begin(), frames_[f].sent.end(), true) == static_cast<long>(fragments.size());
        if (restart) {   // its memory is gone: nothing kept to resend
            ++d.epoch;
            d.sequence = 0;
            ++restarts_;
            d.kept_frame = SIZE_MAX;
            d.kept_fragments.clear();
            return;
        }
        d.kept_frame = f;
        d.kept_request = -1;
        if (frames_[f].whole) d.last_fragments = fragments;
        d.kept_fragments = std::move(fragments);
    }

    // A retransmission request from the service: checked (and opened, on a sealed link), then the
    // fragments it lists are sent again if they belong to the frame the device still keeps.
    void request(const std::string& name, std::span<const std::uint8_t> bytes) {
        const auto it = by_name_.find(name);
        if (it == by_name_.end()) return void(++requests_bad_);
        Device& d = devices_[it->second];
        ms::ControlMessage m;
        ms::ControlError e = ms::ControlError::ok;
        if (d.format == UplinkFormat::raw) {
            const auto& k = keys_.at(d.name);
            PsaAead aead{k.algorithm, k.key};
            e = ms::open_control(bytes, d.device_id, aead, m);
        } else {
            e = ms::decode_control(bytes, m);
        }
        if (e != ms::ControlError::ok || m.type != ms::Control::nack) return void(++requests_bad_);
        if (d.kept_frame == SIZE_MAX) return void(++requests_stale_);
        Frame& f = frames_[d.kept_frame];
        if (static_cast<std::uint16_t>(m.epoch) != f.epoch || m.sequence != f.sequence || m.message <= d.kept_request)
            return void(++requests_stale_);
        d.kept_request = m.message;
        ++requests_answered_;
        std::uniform_real_distribution<double> u(0, 1);
        for (std::size_t i = 0; i < (m.n ? m.n : f.count); ++i) {
            const std::size_t fragment = m.n ? m.indices[i] : i;
            if (fragment >= f.count) return void(++requests_bad_);
            ++resent_;
            if (u(rng_) < o_.loss) continue;
            f.sent[fragment] = true;
            publish(d.kept_frame, fragment, d, d.kept_fragments[fragment]);
        }
    }

    // Forged, replayed, unsealed, unknown model / cut frames; returns how many.
    std::size_t inject() {
        std::size_t n = 0;
        for (std::uint32_t di = 0; di < o_.devices && n < 15; ++di) {
            Device& d = devices_[di];
            std::int8_t expected[Out::bytes];
            if (d.format == UplinkFormat::raw && !keys_.empty() && !d.last_fragments.empty()) {
                // a forged frame (another key) and an unsealed one, with fresh sequence numbers
                std::vector<std::uint8_t> wrong(32, 0x5A);
                for (const bool forged : {true, false}) {
                    const auto seq = static_cast<std::uint16_t>(d.sequence + (forged ? 1000 : 2000));
                    const auto frame = encode(d, seq, expected, model_id, d.cut, &wrong, forged);
                    const auto fr = fragments_of(frame, d, seq);
                    const std::size_t f = add_frame(d, seq, fr.size(), Expect::rejection, forged ? "forged" : "not_sealed");
                    for (std::size_t i = 0; i < fr.size(); ++i) frames_[f].sent[i] = true, publish(f, i, d, fr[i]);
                    ++n;
                }
                // a replay of its last delivered frame: must not give a second result
                for (const auto& fr : d.last_fragments) {
                    const int mid = mqtt_.publish(uplink_topic(partition_of(d.name, o_.partitions), d.name, d.format), fr, 1);
                    (void)mid;
                    ++replayed_;
                }
            } else if (d.format != UplinkFormat::raw) {
                // the device itself sends a frame of a model / cut the service does not run
                const bool model = d.format == UplinkFormat::ttn;
                const std::uint16_t seq = d.sequence++;
                const auto frame = encode(d, seq, expected, model ? model_id ^ 0x1u : model_id,
                                          model ? d.cut : std::uint8_t{5}, nullptr, false);
                const auto fr = fragments_of(frame, d, seq);
                const std::size_t f = add_frame(d, seq, fr.size(), Expect::rejection, model ? "unknown_model" : "unknown_cut");
                for (std::size_t i = 0; i < fr.size(); ++i) frames_[f].sent[i] = true, publish(f, i, d, fr[i]);
                ++n;
            }
        }
        injected_ = n;
        return n;
    }

    void receive(const mosquitto_message& m) {
        const std::string topic = m.topic;
        const std::string_view doc(static_cast<const char*>(m.payload), static_cast<std::size_t>(m.payloadlen));
        const auto device = json_find(doc, {"device"});
        const auto epoch = json_find(doc, {"epoch"});
        const auto sequence = json_find(doc, {"sequence"});
        const auto name = device ? json_string(*device, max_device_name) : std::nullopt;
        const auto e = epoch ? json_uint(*epoch, 0xFFFF) : std::nullopt;
        const auto s = sequence ? json_uint(*sequence, 0xFFFF) : std::nullopt;
        const auto slash = topic.rfind('/');
        const std::string kind = topic.substr(0, slash), topic_device = topic.substr(slash + 1);
        if (kind == "mote/partition") return void(partitions_up_.insert(topic_device));
        if (kind == "mote/down") return request(topic_device, std::span(static_cast<const std::uint8_t*>(m.payload), static_cast<std::size_t>(m.payloadlen)));
        std::optional<std::size_t> di;
        if (name && name == topic_device)
            if (const auto d = by_name_.find(*name); d != by_name_.end()) di = d->second;
        const auto it = di && e && s ? index_.find(key(static_cast<std::uint32_t>(*di), static_cast<std::uint16_t>(*e), static_cast<std::uint16_t>(*s)))
                                     : index_.end();
        if (it == index_.end()) {
            ++(kind == "mote/result" ? unknown_results_ : unknown_reports_);
            return;
        }
        Frame& f = frames_[it->second];
        if (kind == "mote/missing") {
            ++f.missing;
            return;
        }
        if (kind == "mote/rejected") {
            const auto reason = json_find(doc, {"reason"});
            const auto r = reason ? json_string(*reason, 64) : std::nullopt;
            ++f.rejected;
            if (!r || *r != f.reason) ++wrong_reasons_;
            return;
        }
        const auto output = json_find(doc, {"output"});
        const auto id = output ? json_string(*output, 64) : std::nullopt;
        if (id && f.results > 0 && *id == f.output) {   // the same output again (QoS 1, a restarted worker)
            ++redelivered_;
            return;
        }
        if (id && f.results == 0) f.output = *id;
        ++f.results;
        (f.whole ? latencies_ : recovered_latencies_).push_back(now_s() - f.sent_at);
        last_result_ = now_s();
        const auto scores = json_find(doc, {"scores"});
        std::int8_t got[Out::bytes];
        std::size_t n = 0;
        if (scores && scores->type == JsonType::array) {
            std::string_view body = scores->raw.substr(1, scores->raw.size() - 2);
            while (!body.empty() && n < Out::bytes) {
                const std::size_t comma = body.find(',');
                got[n++] = static_cast<std::int8_t>(std::stoi(std::string(body.substr(0, comma))));
                body = comma == std::string_view::npos ? std::string_view{} : body.substr(comma + 1);
            }
        }
        if (n != Out::bytes || std::memcmp(got, f.expected, Out::bytes) != 0) ++f.mismatched;
        if (shown_ < o_.show) {
            ++shown_;
            std::fprintf(stderr, "result: %.*s\n", static_cast<int>(doc.size()), doc.data());
        }
    }

    static bool complete(const Frame& f) { return std::all_of(f.acked.begin(), f.acked.end(), [](bool b) { return b; }); }
    static bool heard(const Frame& f) { return std::any_of(f.acked.begin(), f.acked.end(), [](bool b) { return b; }); }
    // sent whole the first time and all of it reached the broker: must give its result
    static bool sure(const Frame& f) { return f.whole && complete(f); }

    // Everything the fleet waits for has arrived.
    bool settled() const {
        if (!pending_.empty()) return false;
        for (const Frame& f : frames_) {
            if (f.expect == Expect::rejection ? f.rejected == 0
                : sure(f)                     ? f.results == 0
                                              : heard(f) && f.results == 0 && f.missing == 0)
                return false;
        }
        return true;
    }

    // What breaks the accounting for one frame (see the top of this file), or nullptr.
    static const char* fault(const Frame& f) {
        if (f.expect == Expect::rejection) return f.results > 0 ? "injection accepted" : f.rejected == 0 ? "injection not rejected" : nullptr;
        if (f.mismatched > 0) return "result differs from the unsplit model";
        if (f.results > 1) return "two results";
        if (f.rejected > 0) return "rejected";
        if (sure(f)) return f.results == 0 ? "no result" : f.missing > 0 ? "reported missing" : nullptr;
        if (f.results == 1 && !complete(f)) return "result before all fragments arrived";
        if (f.results == 0 && heard(f) && f.missing == 0) return "lost without a report";
        return nullptr;
    }

    int account(double start) {
        std::size_t sure_frames = 0, lossy = 0, recovered = 0, late = 0, silent = 0, results = 0, faults = 0,
                    duplicated = 0, mismatched = 0, rejected_ok = 0, forged_accepted = 0, reported = 0;
        int shown = 0;   // a few of the frames that break the accounting, for the log
        for (const Frame& f : frames_) {
            results += static_cast<std::size_t>(f.results);
            mismatched += static_cast<std::size_t>(f.mismatched);
            if (f.expect == Expect::rejection) {
                forged_accepted += static_cast<std::size_t>(f.results);
                rejected_ok += f.rejected > 0;
            } else {
                duplicated += static_cast<std::size_t>(std::max(f.results - 1, 0));
                if (sure(f)) {
                    ++sure_frames;
                } else {
                    ++lossy;
                    recovered += f.results == 1;
                    late += f.results == 1 && f.missing > 0;
                    silent += !heard(f);
                    reported += f.results == 0 && f.missing > 0;
                }
            }
            const char* why = fault(f);
            if (why == nullptr) continue;
            ++faults;
            if (shown++ >= 5) continue;
            std::string acked;
            for (std::size_t i = 0; i < f.count; ++i) acked += f.acked[i] ? '1' : f.sent[i] ? 's' : '0';
            std::fprintf(stderr, "mote-fleet: frame %s epoch %u sequence %u: %s; fragments %s (1 acknowledged, s sent, 0 lost), "
                         "%d result(s), %d missing, %d rejected, %d mismatched\n", devices_[f.device].name.c_str(), f.epoch,
                         f.sequence, why, acked.c_str(), f.results, f.missing, f.rejected, f.mismatched);
        }
        const auto pct = [](std::vector<double>& lat, double p) {
            std::sort(lat.begin(), lat.end());
            return lat.empty() ? 0.0 : lat[static_cast<std::size_t>(p * static_cast<double>(lat.size() - 1))] * 1e3;
        };
        const double span = (last_result_ > start ? last_result_ : now_s()) - start;
        const bool exact = faults == 0 && unknown_results_ == 0 && rejected_ok == injected_ && wrong_reasons_ == 0 &&
                           requests_bad_ == 0 && pending_.empty() && (!o_.inject || injected_ > 0);
        std::fprintf(stderr,
                     "mote-fleet: %u devices, %zu frames (%zu sent whole, %zu with fragments lost: %zu recovered by "
                     "retransmission (%zu after a missing report), %zu reported missing, %zu lost entirely), %zu device "
                     "restarts mid-frame, %zu fragments published, %zu unacknowledged; %zu results; %zu frames break the "
                     "accounting; requests: %zu answered, %zu stale, %zu bad, %zu fragments resent; unknown results %zu, "
                     "unknown reports %zu; injections: %zu rejected of %zu (wrong reason %zu), %zu fragments replayed; %zu "
                     "result messages redelivered (same output)\n",
                     o_.devices, frames_.size(), sure_frames, lossy, recovered, late, reported, silent, restarts_, published_,
                     pending_.size(), results, faults, requests_answered_, requests_stale_, requests_bad_, resent_,
                     unknown_results_, unknown_reports_, rejected_ok, injected_, wrong_reasons_, replayed_, redelivered_);
        std::printf("figures: results/s %.1f, latency p50 %.1f ms p99 %.1f ms, recovered %zu (p50 %.0f ms), lost %zu, "
                    "duplicated %zu (redelivered %zu), misattributed %zu, mismatched %zu, forged accepted %zu -> %s\n",
                    span > 0 ? static_cast<double>(results) / span : 0.0, pct(latencies_, 0.5), pct(latencies_, 0.99),
                    recovered, pct(recovered_latencies_, 0.5), lossy - recovered,
                    duplicated, redelivered_, unknown_results_, mismatched, forged_accepted, exact ? "EXACT" : "NOT EXACT");
        return exact ? 0 : 1;
    }

    Options o_;
    KeyTable keys_;
    std::mt19937_64 rng_;
    MqttClient mqtt_;
    std::vector<Device> devices_;
    std::vector<Frame> frames_;
    std::unordered_map<std::uint64_t, std::size_t> index_;
    std::unordered_map<std::string, std::size_t> by_name_;
    std::unordered_map<int, std::pair<std::size_t, std::size_t>> pending_;   // mid -> (frame, fragment)
    std::vector<double> latencies_, recovered_latencies_;   // frames sent whole; recovered by retransmission
    std::set<std::string> partitions_up_;
    double last_result_ = 0;
    std::uint32_t fcnt_ = 0;
    std::size_t published_ = 0, restarts_ = 0, injected_ = 0, replayed_ = 0, unknown_results_ = 0, unknown_reports_ = 0,
                wrong_reasons_ = 0, redelivered_ = 0, requests_answered_ = 0, requests_stale_ = 0, requests_bad_ = 0,
                resent_ = 0;
    int shown_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
    Fleet::Options o;
    std::string broker, keys_path, make;
    for (int a = 1; a < argc; ++a) {
        const std::string s = argv[a];
        const bool has = a + 1 < argc;
        if (s == "--broker" && has) broker = argv[++a];
        else if (s == "--devices" && has) o.devices = static_cast<std::uint32_t>(std::atol(argv[++a]));
        else if (s == "--seconds" && has) o.seconds = std::atof(argv[++a]);
        else if (s == "--drain-s" && has) o.drain = std::atof(argv[++a]);
        else if (s == "--period-ms" && has) o.period = std::atof(argv[++a]) / 1e3;
        else if (s == "--loss" && has) o.loss = std::atof(argv[++a]);
        else if (s == "--partitions" && has) o.partitions = static_cast<unsigned>(std::atoi(argv[++a]));
        else if (s == "--show" && has) o.show = std::atoi(argv[++a]);
        else if (s == "--seed" && has) o.seed = std::strtoull(argv[++a], nullptr, 0);
        else if (s == "--keys" && has) keys_path = argv[++a];
        else if (s == "--make-keys" && has) make = argv[++a];
        else if (s == "--no-inject") o.inject = false;
        else {
            std::fprintf(stderr, "usage: mote-fleet --make-keys FILE --devices N\n"
                                 "       mote-fleet --broker HOST:PORT --devices N --seconds S [--keys FILE] [--partitions K]\n"
                                 "                  [--period-ms P] [--loss L] [--drain-s D] [--show K] [--seed X] [--no-inject]\n"
                                 "                  (it waits until the K partitions are subscribed)\n");
            return 2;
        }
    }
    if (!make.empty()) return make_keys(make, o.devices);
    KeyTable keys;
    if (!keys_path.empty()) {
        std::string error;
        auto k = read_keys(keys_path, error);
        if (!k) return std::fprintf(stderr, "mote-fleet: %s\n", error.c_str()), 2;
        keys = std::move(*k);
    } else {
        std::fprintf(stderr, "mote-fleet: no --keys: raw-link devices need keys (mote-fleet --make-keys)\n");
        return 2;
    }
    const auto colon = broker.rfind(':');
    if (colon == std::string::npos) return std::fprintf(stderr, "mote-fleet: --broker HOST:PORT\n"), 2;
    Fleet fleet{o, std::move(keys)};
    if (!fleet.connect(broker.substr(0, colon), std::atoi(broker.c_str() + colon + 1)))
        return std::fprintf(stderr, "mote-fleet: cannot reach the broker at %s\n", broker.c_str()), 1;
    return fleet.run();
}
