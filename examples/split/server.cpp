// The server of the split example. Reads fragments from stdin (each as a 2-byte little-endian
// length and the fragment, written by gateway.py), reassembles them (mote/split/reassembly.hpp),
// decodes and validates the frame (model id, cut, shape and quantization must be the tail's),
// runs the tail of the model and prints the result on stderr. Control messages for the device
// go to stdout in the same length-prefixed form (the gateway sends them down the UART).
//
//   server --count N [--no-retransmit] [--idle-ms 400] [--max-rounds 12] [IN.bin...]
//
// ARQ: when fragments of the awaited frame stop arriving for --idle-ms, it asks for the missing
// ones ('N'); after --max-rounds, or at once with --no-retransmit, it reports the inference as
// missing and tells the device to move on ('G'). The inputs, when given (bars: generated), are
// only used to check each result against the unsplit model run here; exit status 0 means every
// inference arrived (or, with --no-retransmit, was reported missing) and every result was
// bit-identical to the unsplit model.
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "mote/split/frame.hpp"
#include "mote/split/reassembly.hpp"
#include "protocol.hpp"
#ifdef MOTE_DEMO_KIND
#include "labels.hpp"
#endif

namespace {

using namespace split_example;
namespace ms = mote::split;
using In = Net::input<0>;
using Out = Net::output;

std::uint32_t now_ms() {
    using namespace std::chrono;
    return static_cast<std::uint32_t>(
        duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
}

void send(const ms::ControlMessage& m) {
    std::uint8_t buf[ms::max_control_bytes];
    const std::size_t n = ms::encode_control(m, buf);
    const std::uint8_t len[2] = {static_cast<std::uint8_t>(n), static_cast<std::uint8_t>(n >> 8)};
    if (write(1, len, 2) != 2 || write(1, buf, n) != static_cast<ssize_t>(n)) std::perror("server: write");
}

// Reads exactly n bytes (blocking); false at end of input.
bool read_exact(std::uint8_t* p, std::size_t n) {
    while (n > 0) {
        const ssize_t r = read(0, p, n);
        if (r <= 0) return false;
        p += r;
        n -= static_cast<std::size_t>(r);
    }
    return true;
}

const char* label(std::size_t cls) {
#ifdef MOTE_DEMO_KIND
    if (cls < sizeof demo::labels / sizeof demo::labels[0]) return demo::labels[cls];
#elif defined(MOTE_SPLIT_BARS)
    if (cls < 2) return bars::class_names[cls];
#endif
    (void)cls;
    return "?";
}

}  // namespace

int main(int argc, char** argv) {
    int count = 0;
    bool retransmit = true;
    std::uint32_t idle_ms = 400;
    int max_rounds = 12;
    std::vector<std::string> inputs;
    for (int a = 1; a < argc; ++a) {
        const std::string s = argv[a];
        if (s == "--count" && a + 1 < argc) count = std::atoi(argv[++a]);
        else if (s == "--no-retransmit") retransmit = false;
        else if (s == "--idle-ms" && a + 1 < argc) idle_ms = static_cast<std::uint32_t>(std::atoi(argv[++a]));
        else if (s == "--max-rounds" && a + 1 < argc) max_rounds = std::atoi(argv[++a]);
        else inputs.push_back(s);
    }
    if (count <= 0) {
        std::fprintf(stderr, "usage: server --count N [--no-retransmit] [--idle-ms MS] [--max-rounds R] [IN.bin...]\n");
        return 2;
    }
    std::fprintf(stderr, "server: %s tail = units [%zu, %zu), model id %08x, cut tensor %dx%dx%d, ARQ %s\n",
                 MOTE_SPLIT_NAME, cut, mote::unit_count<Net>, model_id(), CutTensor::shape.h,
                 CutTensor::shape.w, CutTensor::shape.c, retransmit ? "on" : "off (--no-retransmit)");

    static ms::Reassembler<CutTensor::bytes * 2 + 256, 255, 2> reassembler{0xFFFF'FFFFu};
    static Tail::Arena tail_arena;
    static Net::Arena full_arena;
    static std::uint8_t cut_bytes[CutTensor::bytes];
    ms::Expect expect;
    expect.model_id = model_id();
    expect.cut = static_cast<std::uint8_t>(cut);
    expect.kind = ms::Kind::tensor;

    int awaited = 0, rounds = 0, messages = 0, delivered = 0, identical = 0, missing = 0, rejected = 0;
    std::uint32_t last = now_ms();
    bool heard = false;   // anything of the awaited frame arrived yet
    std::size_t fragments_in = 0, duplicates = 0;

    const auto key = [&] { return ms::frame_key(device_epoch, static_cast<std::uint16_t>(awaited)); };
    const auto control = [&](ms::Control c) {   // numbered per frame (control.hpp)
        ms::ControlMessage m;
        m.type = c;
        m.epoch = device_epoch;
        m.sequence = static_cast<std::uint16_t>(awaited);
        m.message = static_cast<std::uint8_t>(messages++);
        return m;
    };
    const auto move_on = [&](ms::Control c) {
        send(control(c));
        ++awaited;
        rounds = 0;
        messages = 0;
        heard = false;
        last = now_ms();
    };

    for (;;) {
        pollfd p{0, POLLIN, 0};
        const int ready = poll(&p, 1, 20);
        if (ready > 0) {
            std::uint8_t len[2];
            std::uint8_t buf[1600];
            if (!read_exact(len, 2)) break;
            const std::size_t n = len[0] | (std::size_t{len[1]} << 8);
            if (n > sizeof buf || !read_exact(buf, n)) break;
            ++fragments_in;
            const auto ev = reassembler.push(std::span<const std::uint8_t>(buf, n), now_ms());
            duplicates += ev.event == ms::ReassemblyEvent::duplicate || ev.event == ms::ReassemblyEvent::stale;
            if (ev.key == key() && ev.event != ms::ReassemblyEvent::bad_fragment) {
                heard = true;
                last = now_ms();
            }
            if (ev.event == ms::ReassemblyEvent::crc_failed)
                std::fprintf(stderr, "server: seq %u: frame CRC-32C failed after reassembly: dropped\n", ev.key.sequence);
            if (ev.event != ms::ReassemblyEvent::complete) continue;
            const auto d = ms::decode_frame(reassembler.frame(), cut_bytes, expect);
            const bool shape_ok = d.error == ms::FrameError::ok && d.header.h == CutTensor::shape.h &&
                                  d.header.w == CutTensor::shape.w && d.header.c == CutTensor::shape.c &&
                                  d.header.dtype == ms::DType::int8 &&
                                  d.header.scale_bits == CutTensor::scale_bits &&
                                  d.header.zero_point == CutTensor::quant.zero_point;
            if (!shape_ok) {
                std::fprintf(stderr, "server: seq %u: frame rejected (%s)\n", ev.key.sequence,
                             d.error == ms::FrameError::ok ? "not the tail's input tensor" : ms::frame_error_name(d.error));
                ++rejected;
                continue;
            }
            const std::int8_t* out = Tail::run(tail_arena, reinterpret_cast<const std::int8_t*>(cut_bytes));
            std::size_t top = 0;
            for (std::size_t i = 1; i < Out::elements; ++i)
                if (out[i] > out[top]) top = i;
            const char* verdict = "(no input given to check against)";
            const int seq = d.header.sequence;
            alignas(16) static std::int8_t x[In::bytes];
            bool have_input = false;
#ifdef MOTE_SPLIT_BARS
            bars::draw_bar(x, seq % 2 == 0, 2 + seq % 5);
            have_input = true;
#else
            if (seq < static_cast<int>(inputs.size())) {
                std::FILE* f = std::fopen(inputs[static_cast<std::size_t>(seq)].c_str(), "rb");
                have_input = f != nullptr && std::fread(x, 1, sizeof x, f) == sizeof x;
                if (f) std::fclose(f);
            }
#endif
            if (have_input) {
                const std::int8_t* full = Net::run(full_arena, x);
                const bool same = std::memcmp(full, out, Out::bytes) == 0;
                identical += same;
                verdict = same ? "bit-identical to the unsplit model" : "DIFFERS from the unsplit model";
            }
            char hex[128] = "";
            std::size_t at = 0;
            for (std::size_t i = 0; i < Out::elements && i < 16; ++i)
                at += static_cast<std::size_t>(std::snprintf(hex + at, sizeof hex - at, "%s%d", i ? " " : "", out[i]));
            std::fprintf(stderr, "server: seq %d: result class %zu \"%s\" (q = %d) [%s] from a %zu B frame (%s); %s\n",
                         seq, top, label(top), out[top], hex, reassembler.frame().size(),
                         ms::encoding_name(d.header.encoding), verdict);
            ++delivered;
            if (seq == awaited) move_on(ms::Control::ack);
            continue;
        }
        if (ready < 0) break;
        // idle: the awaited frame is not complete and nothing came for a while
        if (awaited >= count) continue;   // done: wait for the gateway to close the link
        // Before anything of a frame arrived, wait longer (the device is still computing).
        const std::uint32_t wait = heard ? idle_ms : 10 * idle_ms;
        if (now_ms() - last < wait) continue;
        std::uint8_t miss[255];
        const ms::MissingList m = reassembler.missing(key(), miss);
        if (!retransmit || rounds >= max_rounds) {
            if (m.active) {
                char lost[1024] = "";
                std::size_t at = 0;
                for (std::size_t k = 0; k < m.listed && at + 8 < sizeof lost; ++k)
                    at += static_cast<std::size_t>(std::snprintf(lost + at, sizeof lost - at, "%s%u", k ? "," : "", miss[k]));
                std::fprintf(stderr, "server: seq %d: MISSING inference: %u of %u fragments arrived (lost: %s); no result%s\n",
                             awaited, m.received, m.count, lost,
                             retransmit ? " after the retransmission rounds" : " (--no-retransmit)");
            } else {
                std::fprintf(stderr, "server: seq %d: MISSING inference: no fragment arrived; no result\n", awaited);
            }
            reassembler.abandon(key());
            ++missing;
            move_on(ms::Control::give_up);
            continue;
        }
        ms::ControlMessage nack = control(ms::Control::nack);
        nack.n = m.active ? static_cast<std::uint8_t>(m.listed) : 0;
        for (std::size_t k = 0; k < nack.n; ++k) nack.indices[k] = miss[k];
        ++rounds;
        if (m.active)
            std::fprintf(stderr, "server: seq %d: round %d: asking for %zu of %u fragments\n", awaited, rounds,
                         m.listed, m.count);
        else
            std::fprintf(stderr, "server: seq %d: round %d: asking for the whole frame\n", awaited, rounds);
        send(nack);
        last = now_ms();
    }
    const bool all_checked = identical == delivered;
    // With ARQ every inference must arrive; without, each one either arrives or is reported.
    const bool ok = all_checked && (retransmit ? identical == count : delivered + missing == count);
    std::fprintf(stderr,
                 "server: %d inference(s): %d delivered, %d bit-identical to the unsplit model, %d missing "
                 "(reported), %d frames rejected; %zu fragments received (%zu duplicate or stale)\n",
                 count, delivered, identical, missing, rejected, fragments_in, duplicates);
    std::fprintf(stderr, "server: %s\n", ok ? "OK" : "FAILED");
    return ok ? 0 : 1;
}
