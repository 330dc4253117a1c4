// Compression of real cut tensors: for every cut K of a converted model, runs head<Net, K> on
// each reference input given on the command line and prints a markdown row with the mean raw,
// fill_rle, fill_bitmap and best-per-frame payload sizes (and the whole frame's size), checking
// that every encoding round-trips through a frame. Built per model with MOTE_MODEL_HEADER /
// MOTE_MODEL_NAMESPACE (tests/split/CMakeLists.txt); docs/split.md quotes its output.
#include <bit>
#include <cstdio>
#include <cstring>
#include <utility>
#include <vector>

#include "mote/split/frame.hpp"
#include MOTE_MODEL_HEADER

namespace {

using Net = MOTE_MODEL_NAMESPACE::Model;
using In = Net::input<0>::value_type;

std::vector<std::vector<unsigned char>> inputs;
bool ok = true;

template <std::size_t K>
void measure() {
    using Head = mote::head<Net, K>;
    using Out = typename Head::output;
    static typename Head::Arena arena;
    std::uint8_t fill = 0;
    if constexpr (mote::Int8TensorType<Out>) fill = static_cast<std::uint8_t>(Out::quant.zero_point);
    double raw = 0, rle = 0, bitmap = 0, best = 0, fills = 0;
    std::vector<std::uint8_t> frame(Out::bytes * 2 + 64), back(Out::bytes);
    for (const auto& in : inputs) {
        const auto* out = Head::run(arena, reinterpret_cast<const In*>(in.data()));
        const std::span<const std::uint8_t> t(reinterpret_cast<const std::uint8_t*>(out), Out::bytes);
        raw += static_cast<double>(t.size());
        rle += static_cast<double>(mote::split::encoded_size(mote::split::Encoding::fill_rle, t, fill));
        bitmap += static_cast<double>(mote::split::encoded_size(mote::split::Encoding::fill_bitmap, t, fill));
        for (auto b : t) fills += b == fill;
        mote::split::FrameHeader h;
        h.cut = static_cast<std::uint8_t>(K);
        h.h = static_cast<std::uint16_t>(Out::shape.h);
        h.w = static_cast<std::uint16_t>(Out::shape.w);
        h.c = static_cast<std::uint16_t>(Out::shape.c);
        if constexpr (mote::Int8TensorType<Out>) {
            h.scale_bits = Out::scale_bits;
            h.zero_point = static_cast<std::int8_t>(Out::quant.zero_point);
        } else {
            h.dtype = mote::split::DType::float32;
        }
        for (auto e : {mote::split::Encoding::raw, mote::split::Encoding::fill_rle,
                       mote::split::Encoding::fill_bitmap}) {
            const auto r = mote::split::encode_frame(h, t, frame, {e});
            const auto d = mote::split::decode_frame(std::span(frame).first(r.bytes), back);
            if (r.error != mote::split::FrameError::ok || d.error != mote::split::FrameError::ok ||
                std::memcmp(back.data(), t.data(), t.size()) != 0) {
                std::printf("cut %zu: %s does not round-trip\n", K, mote::split::encoding_name(e));
                ok = false;
            }
        }
        best += static_cast<double>(mote::split::encode_frame(h, t, frame).bytes - mote::split::frame_overhead);
    }
    const double n = static_cast<double>(inputs.size());
    std::printf("| %zu | %dx%dx%d | %.0f | %.1f %% | %.0f | %.0f | %.0f | %.2f | %.0f |\n", K,
                Out::shape.h, Out::shape.w, Out::shape.c, raw / n, 100.0 * fills / raw, rle / n,
                bitmap / n, best / n, raw / best, best / n + static_cast<double>(mote::split::frame_overhead));
}

}  // namespace

int main(int argc, char** argv) {
    for (int a = 1; a < argc; ++a) {
        std::vector<unsigned char> buf(Net::input_bytes);
        std::FILE* f = std::fopen(argv[a], "rb");
        if (f == nullptr || std::fread(buf.data(), 1, buf.size(), f) != buf.size()) {
            std::printf("cannot read %zu bytes from %s\n", buf.size(), argv[a]);
            return 2;
        }
        std::fclose(f);
        inputs.push_back(std::move(buf));
    }
    if (inputs.empty()) {
        std::printf("usage: %s INPUT.bin...\n", argv[0]);
        return 2;
    }
    std::printf("%s, %zu input(s); sizes in bytes, means over the inputs\n\n", MOTE_MODEL_NAME, inputs.size());
    std::printf("| K | cut shape | raw | fill bytes | fill_rle | fill_bitmap | best | raw/best | frame |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|\n");
    []<std::size_t... K>(std::index_sequence<K...>) {
        (measure<K + 1>(), ...);
    }(std::make_index_sequence<mote::unit_count<Net> - 1>{});
    return ok ? 0 : 1;
}
