// Writes the seed corpus in tests/fuzz/corpus/<target>/ (committed; re-run to regenerate):
//   c++ -std=c++20 -I include -I tests/split tests/fuzz/gen_corpus.cpp -o /tmp/gen && /tmp/gen tests/fuzz/corpus
// Every seed is made by mote's own encoders from small synthetic tensors (no third-party data).
#include <bit>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "mote/split/fragment.hpp"
#include "mote/split/control.hpp"
#include "mote/split/frame.hpp"
#include "mote/split/result.hpp"
#include "mote/split/sealed.hpp"
#include "mote/split/slip.hpp"
#include "toy_aead.hpp"

using namespace mote::split;
using Bytes = std::vector<std::uint8_t>;

namespace {

std::filesystem::path root;

void write(const std::string& dir, const std::string& name, const Bytes& b) {
    std::filesystem::create_directories(root / dir);
    std::FILE* f = std::fopen((root / dir / name).string().c_str(), "wb");
    if (f == nullptr) return;
    std::fwrite(b.data(), 1, b.size(), f);
    std::fclose(f);
}

Bytes relu_like(std::size_t n, unsigned seed, std::uint8_t fill) {
    Bytes t(n, fill);
    std::uint32_t x = seed;
    for (auto& b : t) {
        x = x * 1664525u + 1013904223u;
        if ((x >> 24) < 100) b = static_cast<std::uint8_t>(x >> 16);
    }
    return t;
}

Bytes frame(const FrameHeader& h, const Bytes& t, Encoding e) {
    Bytes out(t.size() * 2 + 64);
    const auto r = encode_frame(h, t, out, {e});
    out.resize(r.bytes);
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) return 2;
    root = argv[1];
    FrameHeader h;
    h.model_id = 0x3A5B'1C2Du;
    h.epoch = 1;
    h.sequence = 3;
    h.cut = 1;
    h.h = 5;
    h.w = 3;
    h.c = 8;
    h.scale_bits = std::bit_cast<std::uint32_t>(0.046875f);
    h.zero_point = -128;
    const Bytes t = relu_like(120, 1, 0x80);
    const char* names[] = {"raw", "rle", "bitmap"};
    int k = 0;
    std::vector<Bytes> frames;
    for (const Encoding e : {Encoding::raw, Encoding::fill_rle, Encoding::fill_bitmap}) {
        frames.push_back(frame(h, t, e));
        write("frame", std::string("int8_") + names[k++] + "", frames.back());
    }
    FrameHeader f = h;
    f.kind = Kind::result;
    f.dtype = DType::float32;
    f.scale_bits = 0;
    f.zero_point = 0;
    f.h = 1;
    f.w = 1;
    f.c = 4;
    write("frame", "float32_result", frame(f, Bytes(16, 0), Encoding::fill_rle));

    k = 0;
    for (const Encoding e : {Encoding::raw, Encoding::fill_rle, Encoding::fill_bitmap}) {
        for (unsigned seed : {1u, 2u}) {
            const Bytes x = relu_like(seed * 50, seed, 0x80);
            Bytes enc(x.size() * 2 + 8);
            enc.resize(encode_payload(e, x, 0x80, enc));
            Bytes rec{static_cast<std::uint8_t>(e), 0x80, static_cast<std::uint8_t>(x.size()),
                      static_cast<std::uint8_t>(x.size() >> 8)};
            rec.insert(rec.end(), enc.begin(), enc.end());
            write("payload", std::string(names[k]) + "_" + std::to_string(seed) + "", rec);
        }
        ++k;
    }

    // reassembly: [op][len][fragment] records, in order, reversed, with duplicates
    for (std::size_t mtu : {40u, 70u}) {
        const Bytes& fr = frames[0];
        std::vector<Bytes> frags;
        for (std::size_t i = 0; i < fragment_count(fr.size(), mtu); ++i) {
            Bytes x(mtu);
            x.resize(make_fragment(fr, FrameKey{1, 3}, i, mtu, x));
            frags.push_back(x);
        }
        Bytes inorder, reversed;
        for (std::size_t i = 0; i < frags.size(); ++i) {
            const Bytes& a = frags[i];
            const Bytes& b = frags[frags.size() - 1 - i];
            inorder.push_back(0x11);
            inorder.push_back(static_cast<std::uint8_t>(a.size()));
            inorder.insert(inorder.end(), a.begin(), a.end());
            for (int rep = 0; rep < (i == 0 ? 2 : 1); ++rep) {
                reversed.push_back(0x20);
                reversed.push_back(static_cast<std::uint8_t>(b.size()));
                reversed.insert(reversed.end(), b.begin(), b.end());
            }
        }
        write("reassembly", "inorder_" + std::to_string(mtu) + "", inorder);
        write("reassembly", "reversed_dup_" + std::to_string(mtu) + "", reversed);
    }
    // three frames interleaved (eviction when trusted, busy when untrusted), then a restart
    for (const std::uint8_t op : {std::uint8_t{0x13}, std::uint8_t{0x1E}}) {
        Bytes mixed;
        std::vector<std::vector<Bytes>> all;
        for (std::uint16_t seq = 0; seq < 3; ++seq) {
            FrameHeader g = h;
            g.sequence = seq;
            const Bytes fr = frame(g, relu_like(60, seq + 5u, 0x80), Encoding::raw);
            all.emplace_back();
            for (std::size_t i = 0; i < fragment_count(fr.size(), 40); ++i) {
                Bytes x(40);
                x.resize(make_fragment(fr, FrameKey{static_cast<std::uint16_t>(seq == 2 ? 2 : 1), seq}, i, 40, x));
                all.back().push_back(x);
            }
        }
        for (std::size_t i = 0; i < all[0].size(); ++i)
            for (const auto& f : all) {
                if (i >= f.size()) continue;
                mixed.push_back(op);
                mixed.push_back(static_cast<std::uint8_t>(f[i].size()));
                mixed.insert(mixed.end(), f[i].begin(), f[i].end());
            }
        write("reassembly", op == 0x13 ? "interleaved_trusted" : "interleaved_untrusted_deliver", mixed);
    }

    // ten frames in order, a replay, a restart (epoch 2), a fragment of the old epoch, then the
    // same with untrusted fragments delivered by the caller
    for (const std::uint8_t op : {std::uint8_t{0x11}, std::uint8_t{0x1C}}) {
        Bytes seq_run;
        const auto add = [&](std::uint16_t epoch, std::uint16_t seq, bool first_only) {
            FrameHeader g = h;
            g.epoch = epoch;
            g.sequence = seq;
            const Bytes fr = frame(g, relu_like(40, seq + 1u, 0x80), Encoding::fill_bitmap);
            for (std::size_t i = 0; i < fragment_count(fr.size(), 60); ++i) {
                Bytes x(60);
                x.resize(make_fragment(fr, FrameKey{epoch, seq}, i, 60, x));
                seq_run.push_back(op);
                seq_run.push_back(static_cast<std::uint8_t>(x.size()));
                seq_run.insert(seq_run.end(), x.begin(), x.end());
                if (first_only) break;
            }
        };
        for (std::uint16_t seq = 0; seq < 10; ++seq) add(1, seq, false);
        add(1, 0, true);
        add(2, 0, false);
        add(1, 9, true);
        write("reassembly", op == 0x11 ? "sequence_restart" : "sequence_restart_untrusted", seq_run);
    }

    // sealed frames (the stand-in AEAD of the tests; fuzz_sealed opens with the same device id)
    k = 0;
    for (const Encoding e : {Encoding::raw, Encoding::fill_rle, Encoding::fill_bitmap}) {
        Bytes s = frame(h, t, e);
        const std::size_t plain = s.size();
        s.resize(plain + frame_tag_bytes);
        split_test::ToyAead aead;
        s.resize(seal_frame(s, plain, 0x4445'5631u, aead).bytes);
        write("sealed", std::string("sealed_") + names[k++], s);
    }

    // control messages, plain and sealed (fuzz_sealed tries every input as one)
    ControlMessage c;
    c.type = Control::nack;
    c.epoch = 1;
    c.sequence = 3;
    c.message = 1;
    c.n = 2;
    c.indices[0] = 0;
    c.indices[1] = 4;
    Bytes cb(max_control_bytes);
    cb.resize(encode_control(c, cb));
    write("sealed", "control_plain", cb);
    split_test::ToyAead control_aead;
    cb.resize(max_control_bytes);
    cb.resize(seal_control(c, 0x4445'5631u, control_aead, cb));
    write("sealed", "control_sealed", cb);

    ResultFrame r;
    r.model_id = 0x3A5B'1C2Du;
    r.sequence = 7;
    r.k = 3;
    r.top[0] = {5, 127};
    r.top[1] = {2, -100};
    r.top[2] = {0, -128};
    Bytes rb(64);
    rb.resize(encode_result(r, rb));
    write("result_slip", "result_top3", rb);
    Bytes wire;
    slip::encode(rb, [&](std::uint8_t b) { wire.push_back(b); });
    slip::encode(Bytes{0xC0, 0xDB, 1, 2}, [&](std::uint8_t b) { wire.push_back(b); });
    write("result_slip", "slip_two_packets", wire);
    std::printf("corpus written to %s\n", root.string().c_str());
    return 0;
}
