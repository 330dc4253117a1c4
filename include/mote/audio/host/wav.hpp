#pragma once
// Host only (std::vector, std::string): reads the 16-bit PCM mono samples of a RIFF/WAVE file,
// for host tools and examples that feed the front end from a file. Every problem is reported
// as one line of text, never half-read samples.
//
// Accepted: a RIFF/WAVE file with a 'fmt ' chunk (format tag 1, or WAVE_FORMAT_EXTENSIBLE with
// the PCM sub-format) of 1 channel, 16 bits, the expected rate, followed by a 'data' chunk of
// whole samples; other chunks are skipped. The RIFF size field is not trusted (streaming
// writers leave it wrong), the chunk sizes are.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace mote::audio::host {

struct WavSamples {
    std::vector<std::int16_t> samples;
    std::string error;  // empty when the samples are valid
};

// True when the bytes start like a RIFF file (the caller then reads it as WAV).
inline bool has_riff_header(std::span<const std::uint8_t> bytes) {
    return bytes.size() >= 4 && bytes[0] == 'R' && bytes[1] == 'I' && bytes[2] == 'F' &&
           bytes[3] == 'F';
}

inline WavSamples read_wav(std::span<const std::uint8_t> bytes, std::uint32_t expected_rate_hz) {
    WavSamples out;
    const auto u16 = [&](std::size_t at) {
        return static_cast<std::uint16_t>(bytes[at] | (bytes[at + 1] << 8));
    };
    const auto u32 = [&](std::size_t at) {
        return static_cast<std::uint32_t>(bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16)) |
               (static_cast<std::uint32_t>(bytes[at + 3]) << 24);
    };
    const auto id_is = [&](std::size_t at, const char* id) {
        return bytes[at] == id[0] && bytes[at + 1] == id[1] && bytes[at + 2] == id[2] &&
               bytes[at + 3] == id[3];
    };
    const auto fail = [&](std::string why) {
        out.samples.clear();
        out.error = std::move(why);
        return out;
    };
    if (bytes.size() < 12 || !id_is(0, "RIFF") || !id_is(8, "WAVE"))
        return fail("not a RIFF/WAVE file");
    bool have_format = false;
    for (std::size_t at = 12; at + 8 <= bytes.size();) {
        const std::string id(reinterpret_cast<const char*>(bytes.data() + at), 4);
        const std::uint32_t size = u32(at + 4);
        const std::size_t body = at + 8;
        if (size > bytes.size() - body)
            return fail("truncated '" + id + "' chunk: " + std::to_string(size) + " bytes declared, " +
                        std::to_string(bytes.size() - body) + " present");
        if (id == "fmt ") {
            if (size < 16) return fail("'fmt ' chunk too short (" + std::to_string(size) + " bytes)");
            std::uint16_t tag = u16(body);
            // WAVE_FORMAT_EXTENSIBLE names the real format in the first two bytes of its GUID.
            if (tag == 0xFFFE && size >= 40) tag = u16(body + 24);
            const std::uint16_t channels = u16(body + 2);
            const std::uint32_t rate = u32(body + 4);
            const std::uint16_t bits = u16(body + 14);
            if (tag != 1)
                return fail("not PCM (format tag " + std::to_string(tag) + "); need 16-bit PCM");
            if (bits != 16) return fail(std::to_string(bits) + "-bit samples; need 16-bit PCM");
            if (channels != 1) return fail(std::to_string(channels) + " channels; need mono");
            if (rate != expected_rate_hz)
                return fail("sample rate " + std::to_string(rate) + " Hz; need " +
                            std::to_string(expected_rate_hz) + " Hz");
            have_format = true;
        } else if (id == "data") {
            if (!have_format) return fail("'data' chunk before any 'fmt ' chunk");
            if (size % 2 != 0)
                return fail("'data' chunk holds a partial sample (" + std::to_string(size) + " bytes)");
            out.samples.resize(size / 2);
            for (std::size_t i = 0; i < out.samples.size(); ++i)
                out.samples[i] = static_cast<std::int16_t>(u16(body + 2 * i));
            return out;
        }
        at = body + size + (size % 2);  // chunks are padded to even sizes
    }
    return fail(have_format ? "no 'data' chunk" : "no 'fmt ' chunk");
}

}  // namespace mote::audio::host
