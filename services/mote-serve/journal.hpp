#pragma once
// A partition's write-ahead journal: every uplink it takes from the broker (before acting on
// it), every tick that published something (gave up on a frame, asked for fragments), and the
// index of every output the broker acknowledged. A partition is a deterministic function of its
// snapshot and journal (state_store.hpp), so a restarted worker replays them to rebuild its reassembly
// state exactly and publishes only the outputs not yet acknowledged (docs/cloud.md, "Restarts").
// Records are appended with one write(2) each (a killed process loses nothing the kernel has); a
// torn last record is ignored.
//
//   'F' time:u32 topic_len:u16 payload_len:u32 topic payload     an uplink
//   'T' time:u32                                                 a tick
//   'P' output:u64                                               output acknowledged
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mote/split/le.hpp"
#include "uplink.hpp"

namespace mote_serve {

inline constexpr std::size_t max_journal_topic = 256;
inline constexpr std::size_t max_journal_payload = max_json_bytes;

struct JournalReader {
    std::function<void(std::uint32_t time, std::string_view topic, std::span<const std::uint8_t> payload)> uplink;
    std::function<void(std::uint32_t time)> tick;
    std::function<void(std::uint64_t output)> acknowledged;
};

class Journal {
public:
    explicit Journal(std::string path) : path_(std::move(path)) {}
    Journal(const Journal&) = delete;
    Journal& operator=(const Journal&) = delete;
    ~Journal() {
        if (fd_ >= 0) close(fd_);
    }

    // Reads the existing journal (if any) through `r`; returns the records read, or -1 when the
    // file holds a malformed record before its end.
    long replay(const JournalReader& r) const {
        std::FILE* f = std::fopen(path_.c_str(), "rb");
        if (f == nullptr) return 0;
        long records = 0;
        std::vector<std::uint8_t> buf;
        for (;;) {
            std::uint8_t head[11];
            if (std::fread(head, 1, 1, f) != 1) break;
            if (head[0] == 'F') {
                if (std::fread(head + 1, 1, 10, f) != 10) break;
                const std::uint32_t time = mote::split::le::get32(head + 1);
                const std::size_t tn = mote::split::le::get16(head + 5), pn = mote::split::le::get32(head + 7);
                if (tn > max_journal_topic || pn > max_journal_payload) return std::fclose(f), -1;
                buf.resize(tn + pn);
                if (std::fread(buf.data(), 1, buf.size(), f) != buf.size()) break;
                r.uplink(time, std::string_view(reinterpret_cast<const char*>(buf.data()), tn),
                         std::span<const std::uint8_t>(buf.data() + tn, pn));
            } else if (head[0] == 'T') {
                if (std::fread(head + 1, 1, 4, f) != 4) break;
                r.tick(mote::split::le::get32(head + 1));
            } else if (head[0] == 'P') {
                if (std::fread(head + 1, 1, 8, f) != 8) break;
                r.acknowledged(mote::split::le::get32(head + 1) | std::uint64_t{mote::split::le::get32(head + 5)} << 32);
            } else {
                return std::fclose(f), -1;
            }
            ++records;
        }
        std::fclose(f);
        return records;
    }

    // Opens the file for appending (emptied first when `truncate`).
    bool open_for_append(bool truncate) {
        fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0), 0600);
        struct stat st{};
        if (fd_ < 0 || ::fstat(fd_, &st) != 0) return false;
        bytes_ = static_cast<std::uint64_t>(st.st_size);
        return true;
    }

    // The file's size: what a replay would read.
    std::uint64_t bytes() const { return bytes_; }

    bool uplink(std::uint32_t time, std::string_view topic, std::span<const std::uint8_t> payload) {
        if (topic.size() > max_journal_topic || payload.size() > max_journal_payload) return false;
        record_.assign(11, 0);
        record_[0] = 'F';
        mote::split::le::put32(record_.data() + 1, time);
        mote::split::le::put16(record_.data() + 5, static_cast<std::uint16_t>(topic.size()));
        mote::split::le::put32(record_.data() + 7, static_cast<std::uint32_t>(payload.size()));
        record_.insert(record_.end(), topic.begin(), topic.end());
        record_.insert(record_.end(), payload.begin(), payload.end());
        return append();
    }
    bool tick(std::uint32_t time) {
        record_.assign(5, 'T');
        mote::split::le::put32(record_.data() + 1, time);
        return append();
    }
    bool acknowledged(std::uint64_t output) {
        record_.assign(9, 'P');
        mote::split::le::put32(record_.data() + 1, static_cast<std::uint32_t>(output));
        mote::split::le::put32(record_.data() + 5, static_cast<std::uint32_t>(output >> 32));
        return append();
    }

private:
    bool append() {
        if (fd_ < 0 || ::write(fd_, record_.data(), record_.size()) != static_cast<ssize_t>(record_.size())) return false;
        bytes_ += record_.size();
        return true;
    }
    std::string path_;
    int fd_ = -1;
    std::uint64_t bytes_ = 0;
    std::vector<std::uint8_t> record_;
};

}  // namespace mote_serve
