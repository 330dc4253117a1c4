// The audio front end against TFLite Micro's microfrontend (MOTE_SHARED_DIR/models/frontend,
// README there): every entry of the tables TFLM populates (tables_*.json) for the three presets,
// and every feature frame of the 30 reference stems, uint16 and int8 model input, byte for byte,
// from the whole PCM and from chunks of 160, 1, 7 and 333 samples. Skipped visibly without data.
#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mote/audio.hpp"
#include "ops_support.hpp"

#ifndef MOTE_SHARED_DIR
#error "MOTE_SHARED_DIR must be defined (tests/unit/CMakeLists.txt sets it)"
#endif

namespace {

using namespace mote::audio;
using mote_test::Json;

const std::string data_dir = std::string(MOTE_SHARED_DIR) + "/models/frontend";

#define MOTE_REQUIRE_FRONTEND_DATA()                                               \
    do {                                                                           \
        std::vector<std::uint8_t> probe_;                                          \
        if (!mote_test::read_file(data_dir + "/tables_mww.json", probe_)) {        \
            WARN("MOTE_SKIPPED: no microfrontend reference data in " << data_dir); \
            return;                                                                \
        }                                                                          \
    } while (false)

std::vector<std::uint8_t> load(const std::string& name) {
    std::vector<std::uint8_t> bytes;
    INFO("reading " << data_dir << "/" << name);
    REQUIRE(mote_test::read_file(data_dir + "/" + name, bytes));
    return bytes;
}

// Mismatching entries of `ours` against a JSON array (or a length mismatch), the first few named.
template <class Range>
std::size_t compare(const Json& expected, const Range& ours, std::string_view what,
                    std::string& report) {
    std::size_t bad = 0;
    std::size_t n = 0;
    for (const auto v : ours) {
        if (n >= expected.size() || expected.at(n).number != static_cast<double>(v)) {
            if (++bad <= 5)
                report += std::string(what) + "[" + std::to_string(n) + "] = " + std::to_string(v) +
                          ", TFLM " +
                          (n < expected.size() ? std::to_string(expected.at(n).as_int()) : "(none)") +
                          "\n";
        }
        ++n;
    }
    if (n != expected.size()) {
        ++bad;
        report += std::string(what) + ": " + std::to_string(n) + " entries, TFLM " +
                  std::to_string(expected.size()) + "\n";
    }
    return bad;
}

// TFLM's padded layout of the filterbank (filterbank_util.c), rebuilt from our unpadded bands:
// each band starts at its first bin rounded down to even and spans a multiple of 4 bins
// (zero-weighted padding); an empty band reads 4 zero weights placed first, once.
struct TflmFilterbank {
    std::vector<int> frequency_starts, weight_starts, widths;
    std::vector<int> weights, unweights;
};
template <std::size_t C, std::size_t B>
TflmFilterbank tflm_layout(const FilterbankTables<C, B>& t) {
    TflmFilterbank l;
    int next_weight = 0;
    bool zeros_placed = false;
    for (std::size_t band = 0; band <= C; ++band) {
        const int start = t.band_start[band];
        const int width = t.band_start[band + 1] - start;
        if (width == 0) {
            l.frequency_starts.push_back(0);
            l.weight_starts.push_back(0);
            l.widths.push_back(4);
            if (!zeros_placed) {
                zeros_placed = true;
                for (int& w : l.weight_starts) w += 4;
                l.weight_starts.back() = 0;
                next_weight += 4;
            }
            continue;
        }
        const int aligned = start / 2 * 2;
        const int padded = ((start - aligned + width - 1) / 4 + 1) * 4;
        l.frequency_starts.push_back(aligned);
        l.weight_starts.push_back(next_weight);
        l.widths.push_back(padded);
        next_weight += padded;
    }
    l.weights.assign(static_cast<std::size_t>(next_weight), 0);
    l.unweights.assign(static_cast<std::size_t>(next_weight), 0);
    for (std::size_t band = 0; band <= C; ++band) {
        for (int bin = t.band_start[band]; bin < t.band_start[band + 1]; ++bin) {
            const auto at = static_cast<std::size_t>(l.weight_starts[band] + bin -
                                                     l.frequency_starts[band]);
            const auto j = static_cast<std::size_t>(bin - t.band_start[0]);
            l.weights[at] = t.weights[j];
            l.unweights[at] = t.unweights[j];
        }
    }
    return l;
}

template <const FrontendConfig& C>
void check_tables(const std::string& name) {
    const std::vector<std::uint8_t> text = load("tables_" + name + ".json");
    Json j;
    REQUIRE(mote_test::parse_json(
        std::string_view(reinterpret_cast<const char*>(text.data()), text.size()), j));
    const auto& fb = filterbank_table<C>;
    const TflmFilterbank layout = tflm_layout(fb);
    const NoiseReduction& nr = noise_reduction_table<C>;
    const Pcan& pcan = pcan_table<C>;
    std::string report;
    std::size_t bad = 0;
    const auto scalar = [&](std::string_view key, long long ours) {
        if (j.at(key).number != static_cast<double>(ours)) {
            ++bad;
            report += std::string(key) + " = " + std::to_string(ours) + ", TFLM " +
                      std::to_string(j.at(key).as_int()) + "\n";
        }
    };
    scalar("window_size", static_cast<long long>(window_samples(C)));
    scalar("window_step", static_cast<long long>(step_samples(C)));
    scalar("fft_size", static_cast<long long>(fft_size(C)));
    bad += compare(j.at("window_coefficients"), window_table<C>, "window", report);
    scalar("filterbank_num_channels", C.channels);
    scalar("filterbank_start_index", fb.band_start.front());
    scalar("filterbank_end_index", fb.band_start.back());
    scalar("filterbank_num_weights", static_cast<long long>(layout.weights.size()));
    bad += compare(j.at("filterbank_channel_frequency_starts"), layout.frequency_starts,
                   "frequency_starts", report);
    bad += compare(j.at("filterbank_channel_weight_starts"), layout.weight_starts, "weight_starts",
                   report);
    bad += compare(j.at("filterbank_channel_widths"), layout.widths, "widths", report);
    bad += compare(j.at("filterbank_weights"), layout.weights, "weights", report);
    bad += compare(j.at("filterbank_unweights"), layout.unweights, "unweights", report);
    scalar("noise_reduction_smoothing_bits", nr.smoothing_bits);
    scalar("noise_reduction_even_smoothing", nr.even_smoothing);
    scalar("noise_reduction_odd_smoothing", nr.odd_smoothing);
    scalar("noise_reduction_min_signal_remaining", nr.min_signal_remaining);
    scalar("pcan_enable", C.pcan_enabled);
    scalar("pcan_snr_shift", pcan.snr_shift);
    bad += compare(j.at("pcan_gain_lut"), pcan.gain_lut, "gain_lut", report);
    scalar("log_scale_enable", C.log_enabled);
    scalar("log_scale_shift", C.log_scale_shift);
    INFO(name << ": " << report);
    REQUIRE(bad == 0);
}

std::vector<std::int16_t> pcm_of(const std::vector<std::uint8_t>& bytes) {
    std::vector<std::int16_t> pcm(bytes.size() / 2);
    for (std::size_t i = 0; i < pcm.size(); ++i)
        pcm[i] = static_cast<std::int16_t>(bytes[2 * i] | (bytes[2 * i + 1] << 8));
    return pcm;
}

// Features of `pcm` fed `chunk` samples at a time: uint16 LE bytes and int8 model input bytes.
template <const FrontendConfig& C>
void features(const std::vector<std::int16_t>& pcm, std::size_t chunk, std::vector<std::uint8_t>& u16,
              std::vector<std::uint8_t>& i8) {
    static Frontend<C> frontend;
    frontend.reset();
    u16.clear();
    i8.clear();
    const auto on_frame = [&](typename Frontend<C>::Frame frame) {
        std::array<std::int8_t, Frontend<C>::channels> input{};
        micro_features_to_int8(frame, input);
        for (std::size_t c = 0; c < frame.size(); ++c) {
            u16.push_back(static_cast<std::uint8_t>(frame[c] & 0xFF));
            u16.push_back(static_cast<std::uint8_t>(frame[c] >> 8));
            i8.push_back(static_cast<std::uint8_t>(input[c]));
        }
    };
    for (std::size_t at = 0; at < pcm.size(); at += chunk)
        frontend.feed(std::span(pcm).subspan(at, std::min(chunk, pcm.size() - at)), on_frame);
}

// "" when equal; else how many values differ and where the first one is (frame, channel).
std::string difference(const std::vector<std::uint8_t>& got, const std::vector<std::uint8_t>& expected,
                       std::size_t value_bytes) {
    if (got.size() != expected.size())
        return std::to_string(got.size() / value_bytes / 40) + " frames, TFLM " +
               std::to_string(expected.size() / value_bytes / 40);
    std::size_t differ = 0;
    std::string first;
    for (std::size_t v = 0; v < got.size() / value_bytes; ++v) {
        long long a = 0, b = 0;
        for (std::size_t k = value_bytes; k-- > 0;) {
            a = a << 8 | got[v * value_bytes + k];
            b = b << 8 | expected[v * value_bytes + k];
        }
        if (value_bytes == 1) {
            a = static_cast<std::int8_t>(a);
            b = static_cast<std::int8_t>(b);
        }
        if (a != b && differ++ == 0)
            first = "frame " + std::to_string(v / 40) + " channel " + std::to_string(v % 40) + ": " +
                    std::to_string(a) + ", TFLM " + std::to_string(b);
    }
    return differ == 0 ? "" : std::to_string(differ) + " values differ, first at " + first;
}

template <const FrontendConfig& C>
void check_stems(const std::string& config, std::size_t frames) {
    for (const char* input : {"lcg_seed1", "lcg_seed2", "lcglow_seed1", "lcglow_seed2", "chirp",
                              "zeros", "wav_yes", "wav_no", "wav_noise", "wav_silence"}) {
        const std::string stem = config + "_" + input;
        const std::vector<std::int16_t> pcm = pcm_of(load(stem + ".pcm"));
        const std::vector<std::uint8_t> u16 = load(stem + ".features.u16");
        const std::vector<std::uint8_t> i8 = load(stem + ".features.i8");
        REQUIRE(u16.size() == frames * 40 * 2);
        std::vector<std::uint8_t> got_u16, got_i8;
        for (const std::size_t chunk :
             {pcm.size(), std::size_t{160}, std::size_t{1}, std::size_t{7}, std::size_t{333}}) {
            features<C>(pcm, chunk, got_u16, got_i8);
            INFO(stem << ", chunks of " << chunk << " samples");
            const std::string u16_difference = difference(got_u16, u16, 2);
            const std::string i8_difference = difference(got_i8, i8, 1);
            INFO("uint16: " << u16_difference);
            INFO("int8: " << i8_difference);
            REQUIRE(u16_difference.empty());
            REQUIRE(i8_difference.empty());
        }
    }
}

}  // namespace

TEST_CASE("audio: set-up tables equal TFLM's for every preset (tables_*.json)", "[audio][reference]") {
    MOTE_REQUIRE_FRONTEND_DATA();
    check_tables<presets::microwakeword>("mww");
    check_tables<presets::micro_speech>("microspeech");
    check_tables<presets::micro_speech_pre2296>("microspeech_pre2296");
}

TEST_CASE("audio: features of the 10 mww stems, whole and chunked", "[audio][reference]") {
    MOTE_REQUIRE_FRONTEND_DATA();
    check_stems<presets::microwakeword>("mww", 98);
}

TEST_CASE("audio: features of the 10 microspeech stems, whole and chunked", "[audio][reference]") {
    MOTE_REQUIRE_FRONTEND_DATA();
    check_stems<presets::micro_speech>("microspeech", 49);
}

TEST_CASE("audio: features of the 10 microspeech_pre2296 stems, whole and chunked",
          "[audio][reference]") {
    MOTE_REQUIRE_FRONTEND_DATA();
    check_stems<presets::micro_speech_pre2296>("microspeech_pre2296", 49);
}
