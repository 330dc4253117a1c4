// The microcontroller of the split example (QEMU mps2-an386, Cortex-M4F): for each input, runs
// the head of the model (units [0, K)), packs the cut tensor into a frame (mote/split/frame.hpp,
// smallest of raw / fill_rle / fill_bitmap), fragments it to the link MTU and writes the
// fragments, SLIP-framed, to UART0 — as it would to a LoRa / NB-IoT modem. Then it listens on
// the same UART for the server's verdict: 'A' (delivered), 'N' (resend these fragments, or all),
// 'G' (given up); after 'A' or 'G' it moves to the next input.
//
//   -append "MTU IN0.bin [IN1.bin ...]"    (bars model: -append "MTU COUNT", inputs drawn here)
//
// Device-safe: no heap, no exceptions; inputs come from the host through semihosting only
// because a microphone is hard to emulate.
#include <cstddef>
#include <cstdint>
#include <span>

#include "mote/split/fragment.hpp"
#include "mote/split/frame.hpp"
#include "mote/split/slip.hpp"
#include "mote_board.hpp"
#include "protocol.hpp"
#include "uart.hpp"

namespace {

using namespace split_example;
namespace ms = mote::split;
using In = Net::input<0>;

alignas(16) std::int8_t input[In::bytes];
Head::Arena arena;
std::uint8_t frame[CutTensor::bytes + ms::frame_overhead];
std::uint8_t fragment[1500];
ms::slip::Decoder<300> downlink;

void send_fragment(std::span<const std::uint8_t> f, std::uint16_t seq, std::size_t index, std::size_t mtu) {
    const std::size_t n = ms::make_fragment(f, ms::frame_key(device_epoch, seq), index, mtu, fragment);
    ms::slip::encode(std::span<const std::uint8_t>(fragment, n), [](std::uint8_t b) { uart::put(b); });
}

ms::ControlMessage next_control() {
    for (;;) {
        if (downlink.feed(uart::get()) != ms::slip::Status::packet) continue;
        ms::ControlMessage m;
        if (ms::decode_control(downlink.packet(), m) == ms::ControlError::ok) return m;
        mote::board::print("device: ignored a damaged control packet\n");
    }
}

std::size_t parse_size(const char* s) {
    std::size_t v = 0;
    for (; *s >= '0' && *s <= '9'; ++s) v = v * 10 + static_cast<std::size_t>(*s - '0');
    return v;
}

}  // namespace

int main() {
    using mote::board::print;
    static char storage[2048];
    const char* argv[24];
    const int argc = mote::board::arguments(storage, argv);
    if (argc < 3) {
        print("usage: -append \"MTU IN.bin...\"\n");
        return 2;
    }
    const std::size_t mtu = parse_size(argv[1]);
    if (mtu <= ms::fragment_overhead || mtu > sizeof fragment) {
        print("device: bad MTU ", argv[1], "\n");
        return 2;
    }
#ifdef MOTE_SPLIT_BARS
    const int inputs = static_cast<int>(parse_size(argv[2]));
#else
    const int inputs = argc - 2;
#endif
    uart::init();
    print("device: ", MOTE_SPLIT_NAME, " head = units [0, ", cut, ") of ", mote::unit_count<Net>,
          ", model id ", mote::board::Hex{model_id()}, ", MTU ", mtu, " B\n");

    for (int i = 0; i < inputs; ++i) {
        const auto seq = static_cast<std::uint16_t>(i);
#ifdef MOTE_SPLIT_BARS
        bars::draw_bar(input, i % 2 == 0, 2 + i % 5);
#else
        const long got = mote::board::read_file(
            argv[2 + i], std::span<std::byte>(reinterpret_cast<std::byte*>(input), sizeof input));
        if (got != static_cast<long>(In::bytes)) {
            print("device: cannot read ", In::bytes, " B from ", argv[2 + i], "\n");
            return 2;
        }
#endif
        const auto start = mote::board::instructions();
        const std::int8_t* cut_tensor = Head::run(arena, input);
        const auto head_instructions = mote::board::instructions() - start;

        ms::FrameHeader h;
        h.kind = ms::Kind::tensor;
        h.model_id = model_id();
        h.epoch = device_epoch;
        h.sequence = seq;
        h.cut = static_cast<std::uint8_t>(cut);
        h.dtype = ms::DType::int8;
        h.h = static_cast<std::uint16_t>(CutTensor::shape.h);
        h.w = static_cast<std::uint16_t>(CutTensor::shape.w);
        h.c = static_cast<std::uint16_t>(CutTensor::shape.c);
        h.scale_bits = CutTensor::scale_bits;
        h.zero_point = static_cast<std::int8_t>(CutTensor::quant.zero_point);
        const auto enc_start = mote::board::instructions();
        const auto r = ms::encode_frame(
            h, std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(cut_tensor), CutTensor::bytes),
            frame);
        const auto enc_instructions = mote::board::instructions() - enc_start;
        if (r.error != ms::FrameError::ok) {
            print("device: frame encoding failed: ", ms::frame_error_name(r.error), "\n");
            return 1;
        }
        const std::span<const std::uint8_t> f(frame, r.bytes);
        const std::size_t count = ms::fragment_count(r.bytes, mtu);
        if (count == 0) {
            print("device: a ", r.bytes, " B frame needs more than 255 fragments at MTU ", mtu, "\n");
            return 1;
        }
        print("device: seq ", i, ": head ", head_instructions, " instructions; cut ", CutTensor::shape.h,
              "x", CutTensor::shape.w, "x", CutTensor::shape.c, " = ", CutTensor::bytes, " B -> frame ",
              r.bytes, " B (", ms::encoding_name(r.encoding), ", ", enc_instructions,
              " instructions) -> ", count, " fragments\n");
        for (std::size_t k = 0; k < count; ++k) send_fragment(f, seq, k, mtu);

        int rounds = 0;
        int last_message = -1;
        std::size_t resent = 0;
        for (;;) {
            const ms::ControlMessage m = next_control();
            // a late message about an earlier frame, or one not newer than the last taken
            if (m.sequence != seq || m.epoch != device_epoch || m.message <= last_message) continue;
            last_message = m.message;
            if (m.type == ms::Control::ack) {
                print("device: seq ", i, ": delivered (", rounds, " retransmission rounds, ", resent,
                      " fragments resent)\n");
                break;
            }
            if (m.type == ms::Control::give_up) {
                print("device: seq ", i, ": the server gave up on it\n");
                break;
            }
            ++rounds;
            if (m.n == 0) {
                for (std::size_t k = 0; k < count; ++k) send_fragment(f, seq, k, mtu);
                resent += count;
            } else {
                for (std::size_t k = 0; k < m.n; ++k)
                    if (m.indices[k] < count) send_fragment(f, seq, m.indices[k], mtu);
                resent += m.n;
            }
        }
    }
    print("device: done\n");
    return 0;
}
