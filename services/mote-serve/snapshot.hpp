#pragma once
// A partition's state (partition.hpp) written to a file, so its journal can start again empty (journal.hpp,
// docs/cloud.md "Restarts"): little-endian fields, strings and byte blocks length-prefixed.
// The file is the magic, the version, the body and a CRC-32C of the body; it is written beside
// its name, flushed to disk and renamed over it (the directory flushed too), so a crash or a
// power failure leaves the old one or the new one.
// A snapshot is ours, but a disk can be damaged: the file is read with a size limit and its CRC
// checked before any of it is used, and the reader checks every length against what is left.
#include <fcntl.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "mote/split/crc32c.hpp"
#include "mote/split/le.hpp"

namespace mote_serve {

inline constexpr char snapshot_magic[8] = {'m', 'o', 't', 'e', 's', 'n', 'a', 'p'};
inline constexpr std::uint32_t snapshot_version = 1;
inline constexpr std::size_t max_snapshot_string = 64 * 1024;
inline constexpr std::size_t max_snapshot_bytes = std::size_t{1} << 30;

class SnapshotWriter {
public:
    void u8(std::uint8_t v) { bytes_.push_back(v); }
    void u32(std::uint32_t v) {
        std::uint8_t b[4];
        mote::split::le::put32(b, v);
        bytes_.insert(bytes_.end(), b, b + 4);
    }
    void u64(std::uint64_t v) {
        u32(static_cast<std::uint32_t>(v));
        u32(static_cast<std::uint32_t>(v >> 32));
    }
    void bytes(std::span<const std::uint8_t> b) { bytes_.insert(bytes_.end(), b.begin(), b.end()); }
    void string(const std::string& s) {
        u32(static_cast<std::uint32_t>(s.size()));
        bytes(std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
    }
    const std::vector<std::uint8_t>& data() const { return bytes_; }

private:
    std::vector<std::uint8_t> bytes_;
};

class SnapshotReader {
public:
    explicit SnapshotReader(std::span<const std::uint8_t> in) : in_(in) {}

    bool u8(std::uint8_t& v) {
        if (!have(1)) return false;
        v = in_[at_++];
        return true;
    }
    bool u32(std::uint32_t& v) {
        if (!have(4)) return false;
        v = mote::split::le::get32(in_.data() + at_);
        at_ += 4;
        return true;
    }
    bool u64(std::uint64_t& v) {
        std::uint32_t lo = 0, hi = 0;
        if (!u32(lo) || !u32(hi)) return false;
        v = lo | std::uint64_t{hi} << 32;
        return true;
    }
    bool bytes(std::span<std::uint8_t> out) {
        if (!have(out.size())) return false;
        for (std::size_t i = 0; i < out.size(); ++i) out[i] = in_[at_ + i];
        at_ += out.size();
        return true;
    }
    bool string(std::string& s, std::size_t limit = max_snapshot_string) {
        std::uint32_t n = 0;
        if (!u32(n) || n > limit || !have(n)) return false;
        s.assign(reinterpret_cast<const char*>(in_.data() + at_), n);
        at_ += n;
        return true;
    }
    // A count of items, each at least `item_bytes` long: refused when the rest cannot hold them.
    bool count(std::uint64_t& n, std::size_t item_bytes) {
        return u64(n) && n <= (in_.size() - at_) / (item_bytes ? item_bytes : 1);
    }
    bool at_end() const { return at_ == in_.size(); }

private:
    bool have(std::size_t n) const { return n <= in_.size() - at_; }
    std::span<const std::uint8_t> in_;
    std::size_t at_ = 0;
};

inline bool write_snapshot_file(const std::string& path, const SnapshotWriter& w) {
    const std::vector<std::uint8_t>& body = w.data();
    std::uint8_t head[12], tail[4];
    std::memcpy(head, snapshot_magic, 8);
    mote::split::le::put32(head + 8, snapshot_version);
    mote::split::le::put32(tail, mote::split::crc32c(std::span<const std::uint8_t>(body)));
    const std::string tmp = path + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return false;
    const auto all = [&](const std::uint8_t* p, std::size_t n) {
        while (n > 0) {
            const ssize_t k = ::write(fd, p, n);
            if (k <= 0) return false;
            p += k, n -= static_cast<std::size_t>(k);
        }
        return true;
    };
    const bool ok = all(head, sizeof head) && all(body.data(), body.size()) && all(tail, sizeof tail) && ::fsync(fd) == 0;
    if (::close(fd) != 0 || !ok || std::rename(tmp.c_str(), path.c_str()) != 0) return false;
    // the rename itself must reach the disk before the journal it replaces is removed
    const std::size_t slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    const int d = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    const bool synced = d >= 0 && ::fsync(d) == 0;
    if (d >= 0) ::close(d);
    return synced;
}

enum class SnapshotRead : std::uint8_t { ok, none, damaged };

// The body of the snapshot at `path`, checked: `none` when there is no file.
inline SnapshotRead read_snapshot_file(const std::string& path, std::vector<std::uint8_t>& body) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) return SnapshotRead::none;
    std::vector<std::uint8_t> all;
    std::uint8_t chunk[65536];
    std::size_t n = 0;
    while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0 && all.size() <= max_snapshot_bytes) all.insert(all.end(), chunk, chunk + n);
    std::fclose(f);
    if (all.size() > max_snapshot_bytes || all.size() < 16 || std::memcmp(all.data(), snapshot_magic, 8) != 0 ||
        mote::split::le::get32(all.data() + 8) != snapshot_version)
        return SnapshotRead::damaged;
    body.assign(all.begin() + 12, all.end() - 4);
    return mote::split::crc32c(std::span<const std::uint8_t>(body)) == mote::split::le::get32(all.data() + all.size() - 4)
               ? SnapshotRead::ok
               : SnapshotRead::damaged;
}

}  // namespace mote_serve
