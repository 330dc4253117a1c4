#pragma once
// One partition of mote-serve, without the network: uplinks in (uplink.hpp), outputs out. A
// partition is the unit of state: its devices, its journal and snapshot (state_store.hpp), its
// broker session; a worker process serves some partitions, and any worker can take one over.
// It keeps the partition's devices in a DeviceTable, authenticates sealed frames of untrusted
// (raw) uplinks, refuses anything delivered before, runs the model's tail for the frame's cut
// and reports each frame exactly once:
//
//   mote/result/{device}    {"device","epoch","sequence","model","cut","class","scores":[...],"latency_us","output"}
//   mote/missing/{device}   {"device","epoch","sequence","received","count","reason"}
//   mote/rejected/{device}  {"device","epoch","sequence","reason"}
//   mote/down/{device}      an ARQ request: a NACK control message (mote/split/control.hpp),
//                           sealed when the device's uplinks are, listing the fragments missing
//
// A frame reported missing may still complete if its fragments come again (a late answer to a
// request): it then has its one result after the report. No frame has two results.
//
// Deterministic: the same uplinks and ticks at the same times give the same outputs in the same
// order, numbered from 0 — which is what lets a restarted worker replay its journal and skip the
// outputs the broker already has (`acknowledged`). A result names its output ("p{k}#index"): one
// that a restarted worker publishes again (the broker had it, the acknowledgement had not been
// journaled) is the same output, which a consumer drops as it drops any QoS 1 redelivery.
// Host only; single-threaded.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "device_table.hpp"
#include "keys.hpp"
#include "model_table.hpp"
#include "snapshot.hpp"
#include "mote/split/control.hpp"
#include "mote/split/reassembly.hpp"
#include "mote/split/sealed.hpp"
#include "uplink.hpp"

namespace mote_serve {

struct PartitionConfig {
    unsigned partition = 0, partitions = 16;   // partition k of K
    std::size_t max_devices = 4096;     // reassemblers held at once (LRU beyond)
    std::uint32_t timeout_ms = 2000;    // a frame in progress idle this long is given up
    std::uint32_t nack_after_ms = 500;  // idle this long: ask for the missing fragments
    std::uint8_t max_requests = 4;      // per frame; 0: no ARQ
};

// A request names at most this many fragments: 9 + 40 + 2 bytes fit LoRaWAN's smallest downlink
// (51 bytes at EU868 DR0); the next request asks for the rest.
inline constexpr std::size_t max_requested_fragments = 40;

// Frames up to the KWS cut after unit 1 sealed (8000 B raw + 52), two in flight per device.
using ServeReassembler = mote::split::Reassembler<8192, 255, 2, 64>;

template <class Model>
class Partition {
public:
    // Called for every output in order with its index; `skip` outputs were acknowledged before
    // (replay) and need not be published.
    std::function<void(std::uint64_t index, const std::string& topic, const std::string& payload)> publish;

    Partition(PartitionConfig config, const KeyTable& keys, std::uint32_t model_id)
        : config_(config), keys_(keys), model_id_(model_id), table_(config.max_devices, config.timeout_ms) {}

    // The outputs already acknowledged by the broker (from the journal): not published again.
    std::unordered_set<std::uint64_t>& acknowledged() { return acknowledged_; }

    void uplink(std::uint32_t now, std::string_view topic, std::span<const std::uint8_t> payload) {
        ++counters_["uplinks"];
        Uplink u;
        if (const UplinkError e = parse_uplink(topic, payload, u); e != UplinkError::ok) {
            ++counters_[std::string("uplink_") + uplink_error_name(e)];
            return;
        }
        if (u.partition != config_.partition || partition_of(u.device, config_.partitions) != u.partition) {
            ++counters_["uplink_wrong_partition"];
            return;
        }
        gone_.clear();
        auto& d = table_.get(u.device, now, gone_);
        const auto trust = u.format == UplinkFormat::raw ? mote::split::Trust::untrusted : mote::split::Trust::authenticated;
        d.sealed_link = trust == mote::split::Trust::untrusted;
        const mote::split::PushResult ev = d.reassembler.push(u.fragment, now, trust);
        ++counters_[std::string("fragment_") + mote::split::reassembly_event_name(ev.event)];
        Table::after_push(d, ev, now, gone_);
        if (ev.event == mote::split::ReassemblyEvent::complete) frame(d, ev.key, trust);
        report_gone();
    }

    // Gives up on frames idle for the timeout and asks for the missing fragments of those idle
    // for nack_after; true when it published anything (the caller journals the tick then).
    bool tick(std::uint32_t now) {
        const std::uint64_t before = next_output_;
        gone_.clear();
        table_.expire(now, gone_);
        report_gone();
        table_.requests_due(now, config_.nack_after_ms, config_.max_requests,
                            [&](Table::Device& d, const Table::Device::InFlight& f) { request(d, f); });
        return next_output_ != before;
    }

    // Its whole state (snapshot.hpp): the outputs numbered so far, counters, the per-device
    // replay windows and the device table. Outputs not yet acknowledged are the caller's to keep.
    void save(SnapshotWriter& w) const {
        static_assert(std::is_trivially_copyable_v<Window>);
        w.u64(next_output_);
        w.u64(counters_.size());
        for (const auto& [name, n] : counters_) w.string(name), w.u64(n);
        w.u64(delivered_.size());
        for (const auto& [device, window] : delivered_) {
            w.string(device);
            w.bytes(std::span(reinterpret_cast<const std::uint8_t*>(&window), sizeof window));
        }
        table_.save(w);
    }

    // Into a partition that has taken nothing yet; false on a malformed snapshot.
    bool restore(SnapshotReader& r) {
        std::uint64_t counters = 0, windows = 0;
        if (next_output_ != 0 || !r.u64(next_output_) || !r.count(counters, 12)) return false;
        for (std::uint64_t i = 0; i < counters; ++i) {
            std::string name;
            std::uint64_t n = 0;
            if (!r.string(name, 64) || !r.u64(n)) return false;
            counters_[name] = n;
        }
        if (!r.count(windows, sizeof(Window))) return false;
        for (std::uint64_t i = 0; i < windows; ++i) {
            std::string device;
            Window window;
            if (!r.string(device, max_device_name) ||
                !r.bytes(std::span(reinterpret_cast<std::uint8_t*>(&window), sizeof window)))
                return false;
            delivered_[device] = window;
        }
        return table_.restore(r) && r.at_end();
    }

    const std::map<std::string, std::uint64_t>& counters() const { return counters_; }
    std::size_t devices() const { return table_.devices(); }
    std::size_t evictions() const { return table_.evictions(); }
    static constexpr std::size_t bytes_per_device() {
        return DeviceTable<ServeReassembler>::bytes_per_device() + sizeof(Window);
    }

private:
    using Table = DeviceTable<ServeReassembler>;
    using Window = mote::split::ReplayWindow<64>;

    void frame(Table::Device& d, mote::split::FrameKey key, mote::split::Trust trust) {
        const auto started = std::chrono::steady_clock::now();
        const auto bytes = d.reassembler.frame();
        buf_.assign(bytes.begin(), bytes.end());
        std::span<const std::uint8_t> plain(buf_);
        if (trust == mote::split::Trust::untrusted) {
            const auto k = keys_.find(d.name);
            if (k == keys_.end()) return reject(d.name, key, "no_key");
            PsaAead aead{k->second.algorithm, k->second.key};
            const mote::split::OpenResult o = mote::split::open_frame(std::span<std::uint8_t>(buf_), k->second.device_id, aead);
            if (o.error != mote::split::FrameError::ok) return reject(d.name, key, mote::split::frame_error_name(o.error));
            d.reassembler.deliver(key);   // authentic: its fragments are stale from now on
            plain = plain.first(o.bytes);
        }
        const mote::split::DecodeResult h = mote::split::decode_frame(plain, {}, {std::nullopt, std::nullopt, mote::split::Kind::tensor});
        if (h.error != mote::split::FrameError::ok) return reject(d.name, key, mote::split::frame_error_name(h.error));
        // exactly once, whatever the reassembler forgot (an evicted device, a replay after 64 frames)
        if (!delivered_[d.name].accept(h.header.epoch, h.header.sequence)) return reject(d.name, key, "replayed");
        if (h.header.model_id != model_id_) return reject(d.name, key, "unknown_model");
        const TailSpec* tail = Model::find(h.header.cut);
        if (tail == nullptr) return reject(d.name, key, "unknown_cut");
        if (!Model::matches(*tail, h.header)) return reject(d.name, key, "wrong_tensor");

        const std::uint64_t index = next_output_++;
        ++counters_["results"];
        if (acknowledged_.count(index)) return;
        tensor_.resize(tail->input_bytes / 16 + 1);
        auto* in = reinterpret_cast<std::uint8_t*>(tensor_.data());
        mote::split::decode_frame(plain, std::span<std::uint8_t>(in, tail->input_bytes));
        const std::int8_t* out = tail->run(reinterpret_cast<const std::int8_t*>(in));
        std::size_t top = 0;
        for (std::size_t i = 1; i < Model::output::elements; ++i)
            if (out[i] > out[top]) top = i;
        const auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
        std::string json = "{\"device\":\"" + d.name + "\",\"epoch\":" + std::to_string(h.header.epoch) +
                           ",\"sequence\":" + std::to_string(h.header.sequence) + ",\"model\":\"" + hex32(model_id_) +
                           "\",\"cut\":" + std::to_string(h.header.cut) + ",\"class\":" + std::to_string(top) + ",\"scores\":[";
        for (std::size_t i = 0; i < Model::output::elements; ++i) json += (i ? "," : "") + std::to_string(out[i]);
        // the output's identity: a replayed worker that publishes it again sends the same one
        json += "],\"latency_us\":" + std::to_string(us) + ",\"output\":\"p" + std::to_string(config_.partition) + "#" +
                std::to_string(index) + "\"}";
        publish(index, "mote/result/" + d.name, json);
    }

    void request(const Table::Device& d, const Table::Device::InFlight& f) {
        mote::split::ControlMessage m;
        m.type = mote::split::Control::nack;
        m.epoch = f.key.epoch;
        m.sequence = f.key.sequence;
        m.message = f.requests;
        m.n = static_cast<std::uint8_t>(d.reassembler.missing(f.key, std::span(m.indices, max_requested_fragments)).listed);
        std::uint8_t bytes[mote::split::max_control_bytes];
        std::size_t n = 0;
        if (d.sealed_link) {
            const auto k = keys_.find(d.name);
            if (k == keys_.end()) return void(++counters_["request_no_key"]);
            PsaAead aead{k->second.algorithm, k->second.key};
            n = mote::split::seal_control(m, k->second.device_id, aead, bytes);
        } else {
            n = mote::split::encode_control(m, bytes);
        }
        if (n == 0) return void(++counters_["request_not_encoded"]);
        ++counters_["requests"];
        emit(downlink_topic(d.name), std::string(reinterpret_cast<const char*>(bytes), n));
    }

    void reject(const std::string& device, mote::split::FrameKey key, const char* reason) {
        ++counters_[std::string("rejected_") + reason];
        emit("mote/rejected/" + device, "{\"device\":\"" + device + "\",\"epoch\":" + std::to_string(key.epoch) +
                                            ",\"sequence\":" + std::to_string(key.sequence) + ",\"reason\":\"" + reason + "\"}");
    }

    void report_gone() {
        for (const FrameGone& g : gone_) {
            ++counters_[std::string("missing_") + g.reason];
            emit("mote/missing/" + g.device,
                 "{\"device\":\"" + g.device + "\",\"epoch\":" + std::to_string(g.key.epoch) + ",\"sequence\":" +
                     std::to_string(g.key.sequence) + ",\"received\":" + std::to_string(g.received) +
                     ",\"count\":" + std::to_string(g.count) + ",\"reason\":\"" + g.reason + "\"}");
        }
    }

    void emit(const std::string& topic, const std::string& payload) {
        const std::uint64_t index = next_output_++;
        if (!acknowledged_.count(index)) publish(index, topic, payload);
    }

    static std::string hex32(std::uint32_t v) {
        char s[9];
        std::snprintf(s, sizeof s, "%08x", v);
        return s;
    }

    PartitionConfig config_;
    const KeyTable& keys_;
    std::uint32_t model_id_;
    Table table_;
    std::unordered_map<std::string, Window> delivered_;
    std::unordered_set<std::uint64_t> acknowledged_;
    std::uint64_t next_output_ = 0;
    std::vector<FrameGone> gone_;
    std::vector<std::uint8_t> buf_;
    struct alignas(16) Block { std::uint8_t b[16]; };
    std::vector<Block> tensor_;
    std::map<std::string, std::uint64_t> counters_;
};

}  // namespace mote_serve
