#pragma once
// One partition served over MQTT (docs/cloud.md, "Scaling"): its state machine (partition.hpp),
// its state files (state_store.hpp) and a broker session of its own — client id
// `mote-serve-p{k}-of-{K}`, persistent — so whichever worker process serves the partition next
// finds the uplinks the broker queued meanwhile. Uplinks are journaled before the partition takes
// them; outputs are published QoS 1 in index order, and forgotten (journaled as acknowledged)
// at their PUBACK. Driven by the caller's thread: loop() after polling socket(), tick() every
// 100 ms.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <string>
#include <unordered_map>

#include "mqtt_client.hpp"
#include "partition.hpp"
#include "state_store.hpp"

namespace mote_serve {

template <class Model>
class PartitionSession {
public:
    PartitionSession(const PartitionConfig& config, const KeyTable& keys, std::uint32_t model_id,
                     const std::string& state_dir, std::uint64_t compact_bytes)
        : name_("mote-serve-p" + std::to_string(config.partition) + "-of-" + std::to_string(config.partitions)),
          topic_("mote/up/" + std::to_string(config.partition) + "/+/+"),
          partition_(config, keys, model_id),
          store_(state_dir, name_, partition_),
          mqtt_(name_, /*persistent_session*/ true),
          compact_bytes_(compact_bytes),
          compact_at_(compact_bytes) {
        partition_.publish = [this](std::uint64_t index, const std::string& topic, const std::string& payload) {
            store_.unacknowledged[index] = {topic, payload};
            outbox_.push_back(index);
        };
        mqtt_.on_connect = [this, k = config.partition] {
            mqtt_.subscribe(topic_, 1);
            // after the subscription on the same connection: whoever sees it knows it is in place
            publish_text("mote/partition/" + std::to_string(k), "subscribed", true);
        };
        mqtt_.on_message = [this](const mosquitto_message& m) {
            const std::uint32_t t = now_ms();
            const std::span<const std::uint8_t> payload(static_cast<const std::uint8_t*>(m.payload),
                                                        static_cast<std::size_t>(m.payloadlen));
            if (!store_.journal().uplink(t, m.topic, payload)) return;   // too large to journal: not taken
            partition_.uplink(t, m.topic, payload);
        };
        mqtt_.on_acknowledged = [this](int mid) {
            if (auto it = in_flight_.find(mid); it != in_flight_.end()) {
                store_.acknowledged(it->second);
                in_flight_.erase(it);
            }
        };
    }
    PartitionSession(const PartitionSession&) = delete;
    PartitionSession& operator=(const PartitionSession&) = delete;

    // Restores the state files; empty on success, else why not. Then everything not yet
    // acknowledged is queued in order: the snapshot's outputs, then the replay's.
    std::string load() {
        if (!mqtt_.valid()) return "libmosquitto failed";
        std::string error = store_.load();
        outbox_.clear();
        for (const auto& [index, output] : store_.unacknowledged) outbox_.push_back(index);
        return error;
    }

    bool connect(const std::string& host, int port) { return mqtt_.connect(host, port, std::chrono::seconds(10)); }
    int socket() const { return mqtt_.socket(); }
    bool wants_write() const { return mqtt_.wants_write() || (!outbox_.empty() && mqtt_.connected()); }

    // Network I/O without waiting, then the outputs queued.
    void loop() {
        mqtt_.loop(0);
        while (mqtt_.connected() && !outbox_.empty()) {
            const auto& o = store_.unacknowledged.at(outbox_.front());
            const int mid = publish_text(o.topic, o.payload, false);
            if (mid < 0) break;
            in_flight_[mid] = outbox_.front();
            outbox_.pop_front();
        }
    }

    // Expiry and retransmission requests; a snapshot once the journal has outgrown both
    // --compact-bytes and the last snapshot (which bounds the snapshots' disk traffic by the
    // journal's).
    void tick(std::uint32_t now) {
        if (partition_.tick(now)) store_.journal().tick(now);
        if (store_.journal().bytes() < std::max(compact_at_, store_.snapshot_bytes())) return;
        if (store_.compact()) {
            compact_at_ = compact_bytes_;
        } else {
            compact_at_ = store_.journal().bytes() + compact_bytes_;
            std::fprintf(stderr, "mote-serve %s: cannot write a snapshot; the journal keeps growing\n", name_.c_str());
        }
    }

    bool settled() const { return in_flight_.empty() && outbox_.empty(); }
    const Partition<Model>& partition() const { return partition_; }
    const StateStore<Partition<Model>>& store() const { return store_; }

    static std::uint32_t now_ms() {
        using namespace std::chrono;
        // steady_clock is CLOCK_MONOTONIC: the same clock in a restarted process (journal times)
        return static_cast<std::uint32_t>(duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
    }

private:
    int publish_text(const std::string& topic, const std::string& text, bool retain) {
        return mqtt_.publish(topic, std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()), 1, retain);
    }

    std::string name_, topic_;
    Partition<Model> partition_;
    StateStore<Partition<Model>> store_;
    MqttClient mqtt_;
    std::deque<std::uint64_t> outbox_;                  // outputs to publish, by index
    std::unordered_map<int, std::uint64_t> in_flight_;  // message id -> output index
    std::uint64_t compact_bytes_, compact_at_;
};

}  // namespace mote_serve
