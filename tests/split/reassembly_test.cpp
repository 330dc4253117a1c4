// Fragmentation and reassembly: round trips at the LoRaWAN/NB-IoT MTUs, and property tests
// (fixed-seed PRNG) with loss, duplication, reordering and corruption: a frame is handed out
// only complete and intact, missing() names exactly what was lost, memory stays fixed. Then the
// attacks of issue 12 (restart, replay, eviction by forged fragments), each now refused.
#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

#include "mote/split/fragment.hpp"
#include "mote/split/frame.hpp"
#include "mote/split/reassembly.hpp"
#include "mote/split/slip.hpp"
#include "prng.hpp"

using namespace mote::split;
using split_test::Rng;

namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr std::uint16_t epoch0 = 7, epoch1 = 8;

// A real frame (so its trailing CRC-32C is right) of about `tensor` bytes.
Bytes make_frame(Rng& rng, std::uint16_t seq, std::uint16_t tensor, std::uint32_t epoch = epoch0) {
    FrameHeader h;
    h.model_id = 0xABCD'0123u;
    h.epoch = epoch;
    h.sequence = seq;
    h.cut = 1;
    h.h = 1;
    h.w = 1;
    h.c = tensor;
    h.scale_bits = std::bit_cast<std::uint32_t>(0.5f);
    h.zero_point = -128;
    Bytes t(tensor);
    for (auto& b : t) b = rng.chance(0.4) ? rng.byte() : 0x80;
    Bytes out(tensor + frame_overhead);
    const auto r = encode_frame(h, t, out, {Encoding::raw});
    REQUIRE(r.error == FrameError::ok);
    out.resize(r.bytes);
    return out;
}

std::vector<Bytes> fragments(const Bytes& frame, std::uint16_t seq, std::size_t mtu,
                             std::uint16_t epoch = epoch0) {
    std::vector<Bytes> v;
    const std::size_t n = fragment_count(frame.size(), mtu);
    for (std::size_t i = 0; i < n; ++i) {
        Bytes f(mtu);
        const std::size_t m = make_fragment(frame, FrameKey{epoch, seq}, i, mtu, f);
        REQUIRE(m > 0);
        REQUIRE(m <= mtu);
        f.resize(m);
        v.push_back(f);
    }
    return v;
}

}  // namespace

TEST_CASE("fragments: counts and round trip at link MTUs") {
    Rng rng{1};
    REQUIRE(fragment_count(0, 51) == 0);
    REQUIRE(fragment_count(10, 6) == 0);
    REQUIRE(fragment_count(10, 8) == 0);
    REQUIRE(fragment_count(43, 51) == 1);
    REQUIRE(fragment_count(44, 51) == 2);
    REQUIRE(fragment_count(255 * 43, 51) == 255);
    REQUIRE(fragment_count(255 * 43 + 1, 51) == 0);
    for (std::size_t mtu : {9u, 51u, 115u, 222u, 1200u}) {
        const Bytes frame = make_frame(rng, 5, 2000);
        const auto frags = fragments(frame, 5, mtu);
        if (mtu == 9) {
            REQUIRE(frags.empty());   // 2032 bytes need more than 255 fragments of 1 byte
            continue;
        }
        Reassembler<4096> r{100};
        for (std::size_t i = 0; i < frags.size(); ++i) {
            const auto ev = r.push(frags[i], 0);
            REQUIRE(ev.event == (i + 1 == frags.size() ? ReassemblyEvent::complete : ReassemblyEvent::accepted));
        }
        REQUIRE(Bytes(r.frame().begin(), r.frame().end()) == frame);
    }
}

TEST_CASE("fragments: parser rejects damage") {
    Rng rng{2};
    const Bytes frame = make_frame(rng, 9, 100);
    const auto frags = fragments(frame, 9, 51);
    FragmentView v;
    REQUIRE(parse_fragment(frags[0], v) == FragmentError::ok);
    REQUIRE(v.index == 0);
    REQUIRE(v.count == frags.size());
    REQUIRE(v.key == FrameKey{epoch0, 9});
    for (std::size_t i = 0; i < frags[1].size(); ++i) {
        Bytes bad = frags[1];
        bad[i] ^= 0x01;
        REQUIRE(parse_fragment(bad, v) != FragmentError::ok);
    }
    for (std::size_t n = 0; n < frags[1].size(); ++n)
        REQUIRE(parse_fragment(std::span(frags[1]).first(n), v) != FragmentError::ok);
    // index >= count, count 0 (with a valid check)
    Bytes b = frags[0];
    const auto recheck = [](Bytes& x) {
        le::put16(x.data() + x.size() - 2,
                  static_cast<std::uint16_t>(crc32c(std::span(x).first(x.size() - 2))));
    };
    b[4] = b[5];
    recheck(b);
    REQUIRE(parse_fragment(b, v) == FragmentError::bad_index);
    b[5] = 0;
    recheck(b);
    REQUIRE(parse_fragment(b, v) == FragmentError::bad_count);
}

TEST_CASE("reassembly property: loss, duplication, reordering; retransmission completes") {
    Rng rng{2024};
    int completed_first_pass = 0, completed_after_arq = 0;
    for (int trial = 0; trial < 300; ++trial) {
        const auto seq = static_cast<std::uint16_t>(trial);
        const auto size = static_cast<std::uint16_t>(1 + rng.below(3000));
        const std::size_t mtu = std::array<std::size_t, 4>{51, 115, 222, 1200}[rng.below(4)];
        const Bytes frame = make_frame(rng, seq, size);
        const auto frags = fragments(frame, seq, mtu);
        const double loss = trial % 3 == 0 ? 0.0 : 0.2;

        // the channel: drop, duplicate, shuffle
        std::vector<std::size_t> sent;
        for (std::size_t i = 0; i < frags.size(); ++i) {
            if (rng.chance(loss)) continue;
            sent.push_back(i);
            if (rng.chance(0.1)) sent.push_back(i);
        }
        for (std::size_t i = sent.size(); i > 1; --i)
            std::swap(sent[i - 1], sent[rng.below(static_cast<std::uint32_t>(i))]);

        Reassembler<4096, 255, 2> r{1000};
        std::vector<bool> got(frags.size(), false);
        bool done = false;
        for (const std::size_t i : sent) {
            const auto ev = r.push(frags[i], 0);
            if (done) {
                REQUIRE(ev.event == ReassemblyEvent::stale);
                continue;
            }
            REQUIRE((ev.event == (got[i] ? ReassemblyEvent::duplicate : ReassemblyEvent::accepted) ||
                     ev.event == ReassemblyEvent::complete));
            got[i] = true;
            if (ev.event == ReassemblyEvent::complete) {
                REQUIRE(std::all_of(got.begin(), got.end(), [](bool g) { return g; }));
                REQUIRE(Bytes(r.frame().begin(), r.frame().end()) == frame);
                done = true;
            }
        }
        if (done) {
            ++completed_first_pass;
            continue;
        }
        // ARQ: the missing list is exactly what never arrived; resending it completes the frame.
        std::array<std::uint8_t, 255> miss{};
        const MissingList m = r.missing({epoch0, seq}, miss);
        std::vector<std::size_t> expect_missing;
        for (std::size_t i = 0; i < got.size(); ++i)
            if (!got[i]) expect_missing.push_back(i);
        if (sent.empty()) {
            REQUIRE_FALSE(m.active);   // nothing arrived: the receiver does not know the frame
            continue;
        }
        REQUIRE(m.active);
        REQUIRE(m.count == frags.size());
        REQUIRE(m.listed == expect_missing.size());
        for (std::size_t k = 0; k < m.listed; ++k) REQUIRE(miss[k] == expect_missing[k]);
        for (std::size_t k = 0; k < m.listed; ++k) {
            const auto ev = r.push(frags[miss[k]], 1);
            REQUIRE(ev.event == (k + 1 == m.listed ? ReassemblyEvent::complete : ReassemblyEvent::accepted));
        }
        REQUIRE(Bytes(r.frame().begin(), r.frame().end()) == frame);
        ++completed_after_arq;
    }
    REQUIRE(completed_first_pass > 50);
    REQUIRE(completed_after_arq > 50);
}

TEST_CASE("reassembly property: interleaved frames, corruption never yields a bad frame") {
    Rng rng{99};
    Reassembler<2048, 64, 3> r{50};
    std::uint32_t now = 0;
    int complete = 0, crc_failed = 0;
    for (int round = 0; round < 200; ++round) {
        // three frames interleaved, some fragments damaged *after* their own check was computed
        // with the damage (so only the frame CRC can tell)
        std::vector<Bytes> frames;
        std::vector<std::pair<std::size_t, Bytes>> wire;
        std::vector<bool> poisoned(3, false);
        for (int k = 0; k < 3; ++k) {
            const auto seq = static_cast<std::uint16_t>(round * 3 + k);
            frames.push_back(make_frame(rng, seq, static_cast<std::uint16_t>(1 + rng.below(1500))));
            Bytes damaged = frames.back();
            if (rng.chance(0.3)) {
                damaged[rng.below(static_cast<std::uint32_t>(damaged.size()))] ^= 0x10;
                poisoned[k] = true;
            }
            for (auto& f : fragments(damaged, seq, 51)) wire.push_back({static_cast<std::size_t>(k), f});
        }
        for (std::size_t i = wire.size(); i > 1; --i)
            std::swap(wire[i - 1], wire[rng.below(static_cast<std::uint32_t>(i))]);
        for (auto& [k, f] : wire) {
            const auto ev = r.push(f, ++now);
            REQUIRE(ev.event != ReassemblyEvent::bad_fragment);
            if (ev.event == ReassemblyEvent::complete) {
                REQUIRE_FALSE(poisoned[k]);
                REQUIRE(Bytes(r.frame().begin(), r.frame().end()) == frames[k]);
                ++complete;
            }
            if (ev.event == ReassemblyEvent::crc_failed) {
                REQUIRE(poisoned[k]);
                ++crc_failed;
            }
        }
        REQUIRE(r.frames_in_progress() == 0);
    }
    REQUIRE(complete > 300);
    REQUIRE(crc_failed > 100);
}

TEST_CASE("reassembly: bounded memory, eviction, expiry, limits") {
    using Small = Reassembler<512, 16, 2, 64>;
    // fixed footprint: slots of (512 data + 2 bitmap + bookkeeping) and an 8-byte window
    static_assert(sizeof(Small) < 2 * (512 + 2 + 48) + 8 + 64);
    Rng rng{5};
    Small r{10};
    const Bytes a = make_frame(rng, 1, 200), b = make_frame(rng, 2, 200), c = make_frame(rng, 3, 200);
    const auto fa = fragments(a, 1, 51), fb = fragments(b, 2, 51), fc = fragments(c, 3, 51);
    REQUIRE(r.push(fa[0], 0).event == ReassemblyEvent::accepted);
    REQUIRE(r.push(fb[0], 1).event == ReassemblyEvent::accepted);
    // an authenticated third frame evicts the least recently active one (frame 1) ...
    const auto ev = r.push(fc[0], 2);
    REQUIRE(ev.event == ReassemblyEvent::accepted);
    REQUIRE(ev.evicted);
    REQUIRE(ev.evicted_key == FrameKey{epoch0, 1});
    REQUIRE(r.frames_in_progress() == 2);
    // ... which is not remembered: when it comes again it starts over (evicting frame 2)
    const auto again = r.push(fa[1], 3);
    REQUIRE(again.event == ReassemblyEvent::accepted);
    REQUIRE(again.evicted_key == FrameKey{epoch0, 2});
    // expiry: frame 3 idle since t=2, frame 1 since t=3
    std::vector<FrameKey> expired;
    REQUIRE(r.expire(12, [&](FrameKey k, std::uint8_t, std::uint8_t) { expired.push_back(k); }) == 1);
    REQUIRE(expired == std::vector<FrameKey>{{epoch0, 3}});
    REQUIRE(r.push(fc[1], 12).event == ReassemblyEvent::accepted);   // starts over, not stale
    r.abandon({epoch0, 3});
    REQUIRE_FALSE(r.in_progress({epoch0, 3}));
    REQUIRE(r.frames_in_progress() == 1);
    // too many fragments / too large a frame
    const Bytes big = make_frame(rng, 4, 1200);
    REQUIRE(r.push(fragments(big, 4, 222)[0], 13).event == ReassemblyEvent::too_large);
    REQUIRE(r.push(fragments(big, 4, 30)[0], 13).event == ReassemblyEvent::too_large);   // 55 fragments > 16
    REQUIRE(r.frames_in_progress() == 1);
    // inconsistent sizes: a non-last fragment shorter than the others
    Reassembler<4096> q{10};
    const Bytes d = make_frame(rng, 5, 300);
    auto fd = fragments(d, 5, 51);
    REQUIRE(q.push(fd[0], 0).event == ReassemblyEvent::accepted);
    Bytes shorter(fd[1].begin(), fd[1].end() - 3);
    le::put16(shorter.data() + shorter.size() - 2,
              static_cast<std::uint16_t>(crc32c(std::span(shorter).first(shorter.size() - 2))));
    REQUIRE(q.push(shorter, 0).event == ReassemblyEvent::inconsistent);
    // a fragment of the same sequence with another count
    Bytes recount = fd[1];
    recount[5] = static_cast<std::uint8_t>(recount[5] + 1);
    le::put16(recount.data() + recount.size() - 2,
              static_cast<std::uint16_t>(crc32c(std::span(recount).first(recount.size() - 2))));
    REQUIRE(q.push(recount, 0).event == ReassemblyEvent::inconsistent);
    // the last fragment first (parked), then the rest
    REQUIRE(q.push(fd.back(), 0).event == ReassemblyEvent::accepted);
    for (std::size_t i = 1; i + 1 < fd.size(); ++i) {
        const auto e = q.push(fd[i], 0).event;
        REQUIRE(e == (i + 2 == fd.size() ? ReassemblyEvent::complete : ReassemblyEvent::accepted));
    }
    REQUIRE(Bytes(q.frame().begin(), q.frame().end()) == d);
}

TEST_CASE("slip: round trip, escapes, resynchronisation after noise and overflow") {
    Rng rng{8};
    mote::split::slip::Decoder<300> dec;
    for (int trial = 0; trial < 200; ++trial) {
        Bytes packet(1 + rng.below(300));
        for (auto& b : packet) b = rng.chance(0.2) ? (rng.chance(0.5) ? 0xC0 : 0xDB) : rng.byte();
        Bytes wire;
        // line noise before the packet comes out as a packet of its own (the fragment check
        // rejects it); the real packet follows intact
        for (int i = 0; i < 5; ++i) wire.push_back(0x41);
        mote::split::slip::encode(packet, [&](std::uint8_t b) { wire.push_back(b); });
        std::vector<Bytes> got;
        for (const std::uint8_t b : wire)
            if (dec.feed(b) == mote::split::slip::Status::packet)
                got.emplace_back(dec.packet().begin(), dec.packet().end());
        REQUIRE(got.size() == 2);
        REQUIRE(got[0] == Bytes(5, 0x41));
        REQUIRE(got[1] == packet);
    }
    // over-long packet: reported, then the next one decodes
    Bytes wire;
    mote::split::slip::encode(Bytes(301, 1), [&](std::uint8_t b) { wire.push_back(b); });
    mote::split::slip::encode(Bytes(3, 2), [&](std::uint8_t b) { wire.push_back(b); });
    int overflow = 0, packets = 0;
    for (const std::uint8_t b : wire) {
        const auto s = dec.feed(b);
        overflow += s == mote::split::slip::Status::overflow;
        if (s == mote::split::slip::Status::packet) {
            ++packets;
            REQUIRE(Bytes(dec.packet().begin(), dec.packet().end()) == Bytes(3, 2));
        }
    }
    REQUIRE(overflow == 1);
    REQUIRE(packets == 1);
    // bad escape
    for (const std::uint8_t b : Bytes{0xC0, 0xDB, 0x01, 0x05, 0xC0}) REQUIRE(dec.feed(b) != mote::split::slip::Status::packet);
}

// The attacks of issue 12, built by hand against the version-1 reassembler, now fail.
TEST_CASE("reassembly: a device restart (new epoch, sequence 0 again) is not taken for old frames") {
    Rng rng{21};
    Reassembler<1024, 32, 2> r{100};
    for (std::uint16_t seq = 0; seq < 16; ++seq) {
        const auto f = fragments(make_frame(rng, seq, 300), seq, 115);
        for (const Bytes& x : f) r.push(x, seq);
        REQUIRE(r.stale({epoch0, seq}));
    }
    // restart: epoch + 1, sequences from 0: all 16 new frames complete
    int completed = 0;
    for (std::uint16_t seq = 0; seq < 16; ++seq) {
        const Bytes frame = make_frame(rng, seq, 300, epoch1);
        for (const Bytes& x : fragments(frame, seq, 115, epoch1)) {
            const auto ev = r.push(x, 100 + seq);
            REQUIRE(ev.event != ReassemblyEvent::stale);
            if (ev.event == ReassemblyEvent::complete) {
                REQUIRE(Bytes(r.frame().begin(), r.frame().end()) == frame);
                ++completed;
            }
        }
    }
    REQUIRE(completed == 16);
    // and the old epoch's frames are now stale, every one of them
    for (std::uint16_t seq = 0; seq < 100; ++seq) REQUIRE(r.stale({epoch0, seq}));
}

TEST_CASE("reassembly: a delivered frame replayed after any number of newer ones is stale") {
    Rng rng{22};
    Reassembler<512, 16, 2, 64> r{100};
    const Bytes first = make_frame(rng, 0, 60);
    const auto replay = fragments(first, 0, 222);
    REQUIRE(r.push(replay[0], 0).event == ReassemblyEvent::complete);
    for (std::uint16_t seq = 1; seq <= 1000; ++seq) {
        for (const Bytes& x : fragments(make_frame(rng, seq, 60), seq, 222))
            REQUIRE(r.push(x, seq).event == ReassemblyEvent::complete);
        if (seq == 16 || seq == 63 || seq == 64 || seq == 1000)
            REQUIRE(r.push(replay[0], seq).event == ReassemblyEvent::stale);
    }
    // the window: within it, an undelivered sequence is still welcome; 65536 later wraps around
    REQUIRE(r.stale({epoch0, 990}));
    REQUIRE_FALSE(r.stale({epoch0, 1001}));
    Reassembler<512, 16, 2, 64> gaps{100};
    for (const std::uint16_t seq : std::initializer_list<std::uint16_t>{0, 2, 4}) gaps.deliver({epoch0, seq});
    REQUIRE(gaps.stale({epoch0, 2}));
    REQUIRE_FALSE(gaps.stale({epoch0, 3}));
    gaps.deliver({epoch0, 3});
    REQUIRE(gaps.stale({epoch0, 3}));
    gaps.deliver({epoch0, 68});   // slides the window over 5..68
    REQUIRE(gaps.stale({epoch0, 4}));   // behind the window now
    REQUIRE_FALSE(gaps.stale({epoch0, 67}));
    // exactly half-way round the 16-bit sequence counts as behind, for stale() and deliver() alike
    REQUIRE(gaps.stale({epoch0, static_cast<std::uint16_t>(68 + 32768)}));
    gaps.deliver({epoch0, static_cast<std::uint16_t>(68 + 32768)});
    REQUIRE(gaps.stale({epoch0, static_cast<std::uint16_t>(68 + 32768)}));
    REQUIRE(gaps.stale({epoch0, 68}));
}

TEST_CASE("reassembly: untrusted fragments never evict a frame in flight") {
    Rng rng{23};
    Reassembler<1024, 32, 2> r{1000};
    const Bytes real = make_frame(rng, 40, 200), other = make_frame(rng, 41, 200);
    const auto fr = fragments(real, 40, 51), fo = fragments(other, 41, 51);
    REQUIRE(r.push(fr[0], 0, Trust::untrusted).event == ReassemblyEvent::accepted);
    REQUIRE(r.push(fo[0], 0, Trust::untrusted).event == ReassemblyEvent::accepted);
    // two forged fragments with new sequence numbers and a valid check: busy, nothing evicted
    for (const std::uint16_t seq : std::initializer_list<std::uint16_t>{500, 501}) {
        const auto forged = fragments(make_frame(rng, seq, 200), seq, 51);
        const auto ev = r.push(forged[0], 1, Trust::untrusted);
        REQUIRE(ev.event == ReassemblyEvent::busy);
        REQUIRE_FALSE(ev.evicted);
    }
    // the real frame completes; untrusted, it is remembered only when the caller delivers it
    for (std::size_t i = 1; i < fr.size(); ++i) {
        const auto ev = r.push(fr[i], 2, Trust::untrusted);
        REQUIRE(ev.event == (i + 1 == fr.size() ? ReassemblyEvent::complete : ReassemblyEvent::accepted));
    }
    REQUIRE(Bytes(r.frame().begin(), r.frame().end()) == real);
    REQUIRE_FALSE(r.stale({epoch0, 40}));
    r.deliver({epoch0, 40});
    REQUIRE(r.push(fr[0], 3, Trust::untrusted).event == ReassemblyEvent::stale);
    // a forged completed frame that fails authentication is simply not delivered: the real one
    // (same key) can still complete afterwards
    Bytes forged_frame = make_frame(rng, 42, 100);
    const Bytes genuine = make_frame(rng, 42, 100);
    for (const Bytes& x : fragments(forged_frame, 42, 222)) r.push(x, 4, Trust::untrusted);
    REQUIRE_FALSE(r.stale({epoch0, 42}));
    REQUIRE(r.push(fragments(genuine, 42, 222)[0], 5, Trust::untrusted).event == ReassemblyEvent::complete);
    REQUIRE(Bytes(r.frame().begin(), r.frame().end()) == genuine);
    // delivering a frame of a newer epoch drops frames in flight of the old one
    REQUIRE(r.push(fo[1], 6, Trust::untrusted).event == ReassemblyEvent::accepted);
    REQUIRE(r.in_progress({epoch0, 41}));
    r.deliver({epoch1, 0});
    REQUIRE_FALSE(r.in_progress({epoch0, 41}));
    REQUIRE(r.stale({epoch0, 41}));
}
