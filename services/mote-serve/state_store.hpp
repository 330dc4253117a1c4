#pragma once
// A partition's durable state in the --state directory (docs/cloud.md, "Restarts"):
//
//   {name}.snapshot     the partition's state at some point, with the outputs the broker had not
//                       acknowledged then (snapshot.hpp), and the journal generation after it
//   {name}.journal.{g}  everything since: uplinks, ticks, acknowledgements (journal.hpp)
//
// load() rebuilds the partition from both; compact() writes a new snapshot and starts generation
// g+1 empty, so the journal and the time to replay it stay bounded. The snapshot's rename is the
// commit point: a crash before it leaves the old snapshot and journal, after it the new ones.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "journal.hpp"
#include "snapshot.hpp"

namespace mote_serve {

template <class P>
class StateStore {
public:
    struct Output {
        std::string topic, payload;
    };
    // Outputs published but not yet acknowledged by the broker, by index.
    std::map<std::uint64_t, Output> unacknowledged;

    StateStore(const std::string& dir, const std::string& name, P& partition) : base_(dir + "/" + name), partition_(partition) {}

    // Restores the snapshot (if any) and replays its journal into the partition; the partition's
    // outputs during the replay reach its `publish` as usual. Empty on success, else why not.
    std::string load() {
        std::vector<std::uint8_t> body;
        const SnapshotRead read = read_snapshot_file(base_ + ".snapshot", body);
        if (read == SnapshotRead::damaged) return base_ + ".snapshot: damaged";
        if (read == SnapshotRead::ok) {
            snapshot_bytes_ = body.size();
            SnapshotReader r{body};
            std::uint64_t outputs = 0;
            if (!r.u64(generation_) || !r.count(outputs, 16)) return base_ + ".snapshot: malformed";
            for (std::uint64_t i = 0; i < outputs; ++i) {
                std::uint64_t index = 0;
                Output o;
                if (!r.u64(index) || !r.string(o.topic) || !r.string(o.payload)) return base_ + ".snapshot: malformed";
                unacknowledged[index] = std::move(o);
            }
            if (!partition_.restore(r)) return base_ + ".snapshot: malformed partition state";
        }
        journal_ = std::make_unique<Journal>(journal_path(generation_));
        // pass 1: what the broker already has; pass 2: rebuild the state, queueing what it lacks
        replayed_ = journal_->replay({[](auto, auto, auto) {}, [](auto) {}, [&](std::uint64_t i) {
                                          partition_.acknowledged().insert(i);
                                          unacknowledged.erase(i);
                                      }});
        if (replayed_ > 0)
            replayed_ = journal_->replay({[&](std::uint32_t t, std::string_view topic, std::span<const std::uint8_t> p) {
                                              partition_.uplink(t, topic, p);
                                          },
                                          [&](std::uint32_t t) { partition_.tick(t); }, [](std::uint64_t) {}});
        if (replayed_ < 0) return journal_path(generation_) + ": malformed";
        if (!journal_->open_for_append(false)) return "cannot write " + journal_path(generation_);
        std::error_code ignored;   // left by a crash between a snapshot's rename and this removal
        if (generation_ > 0) std::filesystem::remove(journal_path(generation_ - 1), ignored);
        return {};
    }

    Journal& journal() { return *journal_; }
    std::uint64_t snapshot_bytes() const { return snapshot_bytes_; }
    long replayed() const { return replayed_; }
    std::uint64_t generation() const { return generation_; }

    void acknowledged(std::uint64_t index) {
        journal_->acknowledged(index);
        unacknowledged.erase(index);
    }

    // A snapshot of the partition now, and an empty journal after it; false (nothing changed) when
    // the snapshot could not be written.
    bool compact() {
        SnapshotWriter w;
        w.u64(generation_ + 1);
        w.u64(unacknowledged.size());
        for (const auto& [index, o] : unacknowledged) w.u64(index), w.string(o.topic), w.string(o.payload);
        partition_.save(w);
        auto next = std::make_unique<Journal>(journal_path(generation_ + 1));
        std::error_code ignored;
        if (!next->open_for_append(true)) return false;
        if (!write_snapshot_file(base_ + ".snapshot", w)) {
            std::filesystem::remove(journal_path(generation_ + 1), ignored);
            return false;
        }
        std::filesystem::remove(journal_path(generation_), ignored);
        journal_ = std::move(next);
        ++generation_;
        snapshot_bytes_ = w.data().size();
        return true;
    }

private:
    std::string journal_path(std::uint64_t g) const { return base_ + ".journal." + std::to_string(g); }

    std::string base_;
    P& partition_;
    std::unique_ptr<Journal> journal_;
    std::uint64_t generation_ = 0, snapshot_bytes_ = 0;
    long replayed_ = 0;
};

}  // namespace mote_serve
