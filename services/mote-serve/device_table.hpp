#pragma once
// Per-device reassembly state in bounded memory: at most `capacity` devices hold a Reassembler
// (mote/split/reassembly.hpp) at once; admitting one more evicts the least recently active.
// Every frame that leaves a reassembler without completing — expired, pushed out of its slot,
// dropped because the device restarted (a newer epoch was delivered), failed its CRC, or lost
// with an evicted device — is reported once through `FrameGone`, so the service can say which
// frames are missing. It also says which frames are due a retransmission request (ARQ): in
// progress, idle for `nack_after` since their last fragment or request, fewer than `max_rounds`
// requests so far. Host only (heap: one allocation per pool entry, reused after eviction).
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "mote/split/reassembly.hpp"
#include "snapshot.hpp"
#include "uplink.hpp"

namespace mote_serve {

struct FrameGone {
    std::string device;
    mote::split::FrameKey key;
    std::uint8_t received = 0;   // fragments that had arrived
    std::uint8_t count = 0;
    const char* reason = "";     // expired, superseded, slot_evicted, crc_failed, device_evicted
};

template <class R>
class DeviceTable {
public:
    struct Device {
        std::string name;
        R reassembler;
        struct InFlight {
            mote::split::FrameKey key;
            std::uint8_t received = 0, count = 0;
            std::uint8_t requests = 0;   // retransmission requests sent
            std::uint32_t last = 0;      // its last fragment or request
        };
        std::vector<InFlight> in_flight;   // mirrors the reassembler's frames in progress
        std::uint32_t last_active = 0;
        bool sealed_link = false;          // its uplinks come sealed: so must its downlinks
        explicit Device(std::uint32_t timeout) : reassembler(timeout) {}
    };

    DeviceTable(std::size_t capacity, std::uint32_t timeout) : capacity_(capacity), timeout_(timeout) {}

    // The device's state, admitting it (and evicting the least recently active device when
    // the pool is full: its frames in progress are appended to `gone`).
    Device& get(const std::string& name, std::uint32_t now, std::vector<FrameGone>& gone) {
        if (auto it = index_.find(name); it != index_.end()) {
            lru_.splice(lru_.begin(), lru_, it->second);
            (*it->second)->last_active = now;
            return **it->second;
        }
        std::unique_ptr<Device> d;
        if (index_.size() >= capacity_) {
            d = std::move(lru_.back());
            lru_.pop_back();
            index_.erase(d->name);
            for (const auto& f : d->in_flight) gone.push_back({d->name, f.key, f.received, f.count, "device_evicted"});
            ++evictions_;
            d->reassembler = R{timeout_};
            d->in_flight.clear();
        } else {
            d = std::make_unique<Device>(timeout_);
        }
        d->name = name;
        d->last_active = now;
        lru_.push_front(std::move(d));
        index_[name] = lru_.begin();
        return *lru_.front();
    }

    // After a push: updates the mirror of frames in progress and reports those that left the
    // reassembler without completing.
    static void after_push(Device& d, const mote::split::PushResult& ev, std::uint32_t now, std::vector<FrameGone>& gone) {
        using mote::split::ReassemblyEvent;
        if (ev.event == ReassemblyEvent::accepted || ev.event == ReassemblyEvent::duplicate) {
            const mote::split::MissingList m = d.reassembler.missing(ev.key, {});
            if (m.active) {
                auto* f = find(d, ev.key);
                if (f == nullptr) f = &d.in_flight.emplace_back(typename Device::InFlight{ev.key});
                f->received = m.received;
                f->count = m.count;
                f->last = now;
            }
        }
        for (std::size_t i = 0; i < d.in_flight.size();) {
            const auto& f = d.in_flight[i];
            if (d.reassembler.in_progress(f.key)) {
                ++i;
                continue;
            }
            const bool completed = ev.event == ReassemblyEvent::complete && f.key == ev.key;
            if (!completed) {
                const char* why = ev.event == ReassemblyEvent::crc_failed && f.key == ev.key ? "crc_failed"
                                  : ev.evicted && f.key == ev.evicted_key                ? "slot_evicted"
                                                                                          : "superseded";
                gone.push_back({d.name, f.key, f.received, f.count, why});
            }
            d.in_flight.erase(d.in_flight.begin() + static_cast<std::ptrdiff_t>(i));
        }
    }

    // Gives up on frames idle for the timeout, in every device.
    void expire(std::uint32_t now, std::vector<FrameGone>& gone) {
        for (auto& d : lru_) {
            if (d->in_flight.empty()) continue;
            d->reassembler.expire(now, [&](mote::split::FrameKey key, std::uint8_t received, std::uint8_t count) {
                gone.push_back({d->name, key, received, count, "expired"});
                if (auto* f = find(*d, key)) d->in_flight.erase(d->in_flight.begin() + (f - d->in_flight.data()));
            });
        }
    }

    // Calls request(device, frame) for every frame due a retransmission request, and counts the
    // request as sent.
    template <class F>
    void requests_due(std::uint32_t now, std::uint32_t nack_after, std::uint8_t max_rounds, F&& request) {
        for (auto& d : lru_)
            for (auto& f : d->in_flight)
                if (f.requests < max_rounds && now - f.last >= nack_after) {
                    request(*d, f);
                    ++f.requests;
                    f.last = now;
                }
    }

    // Writes every device, least recently active first (restore() admits them in that order,
    // which rebuilds the same order). A reassembler is fixed-size, trivially copyable state.
    void save(SnapshotWriter& w) const {
        static_assert(std::is_trivially_copyable_v<R>);
        w.u64(evictions_);
        w.u64(lru_.size());
        for (auto it = lru_.rbegin(); it != lru_.rend(); ++it) {
            const Device& d = **it;
            w.string(d.name);
            w.u32(d.last_active);
            w.u8(d.sealed_link);
            w.bytes(std::span(reinterpret_cast<const std::uint8_t*>(&d.reassembler), sizeof(R)));
            w.u64(d.in_flight.size());
            for (const auto& f : d.in_flight) {
                w.u32(std::uint32_t{f.key.epoch} << 16 | f.key.sequence);
                w.u8(f.received), w.u8(f.count), w.u8(f.requests), w.u32(f.last);
            }
        }
    }

    // Into an empty table; false on a malformed snapshot, or more devices than the capacity.
    bool restore(SnapshotReader& r) {
        std::uint64_t devices = 0, evictions = 0;
        if (!lru_.empty() || !r.u64(evictions) || !r.count(devices, sizeof(R)) || devices > capacity_) return false;
        std::vector<FrameGone> none;
        for (std::uint64_t i = 0; i < devices; ++i) {
            std::string name;
            std::uint32_t last_active = 0;
            std::uint8_t sealed = 0;
            std::uint64_t flights = 0;
            if (!r.string(name, max_device_name) || index_.count(name) || !r.u32(last_active) || !r.u8(sealed)) return false;
            Device& d = get(name, last_active, none);
            d.sealed_link = sealed != 0;
            if (!r.bytes(std::span(reinterpret_cast<std::uint8_t*>(&d.reassembler), sizeof(R))) ||
                !r.count(flights, 8) || flights > R::slots)
                return false;
            for (std::uint64_t k = 0; k < flights; ++k) {
                typename Device::InFlight f;
                std::uint32_t key = 0;
                if (!r.u32(key) || !r.u8(f.received) || !r.u8(f.count) || !r.u8(f.requests) || !r.u32(f.last)) return false;
                f.key = {static_cast<std::uint16_t>(key >> 16), static_cast<std::uint16_t>(key)};
                d.in_flight.push_back(f);
            }
        }
        evictions_ = static_cast<std::size_t>(evictions);
        return true;
    }

    std::size_t devices() const { return index_.size(); }
    std::size_t evictions() const { return evictions_; }
    static constexpr std::size_t bytes_per_device() { return sizeof(Device); }

private:
    static typename Device::InFlight* find(Device& d, mote::split::FrameKey key) {
        for (auto& f : d.in_flight)
            if (f.key == key) return &f;
        return nullptr;
    }

    std::size_t capacity_;
    std::uint32_t timeout_;
    std::list<std::unique_ptr<Device>> lru_;   // most recently active first
    std::unordered_map<std::string, typename std::list<std::unique_ptr<Device>>::iterator> index_;
    std::size_t evictions_ = 0;
};

}  // namespace mote_serve
