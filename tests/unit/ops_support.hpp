#pragma once
// Test-only helpers for the op-level golden cases in MOTE_SHARED_DIR/models/ops: a tiny JSON
// reader for cases.json, .bin loading, and byte/float comparison that reports the first
// mismatches. Host-only (std::string, std::vector, stdio); never included by library headers.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mote/core/quant_params.hpp"

namespace mote_test {

// TFLite's QuantizeMultiplier (std::frexp, std::round, the 2^31 carry; a shift below −31 gives
// zero), written out independently of mote/quant for the tests that transcribe TFLM's arithmetic.
struct TfliteMultiplier {
    std::int32_t multiplier;
    int shift;
};
TfliteMultiplier tflite_quantize_multiplier(double real);

struct Json {
    enum class Type { null, boolean, number, string, array, object };
    Type type = Type::null;
    bool boolean = false;
    double number = 0.0;
    std::string string;
    std::vector<Json> array;
    std::vector<std::string> keys;  // object members: keys[k] names values[k]
    std::vector<Json> values;

    const Json* find(std::string_view key) const;  // nullptr if absent or not an object
    const Json& at(std::string_view key) const;    // a null Json if absent
    const Json& at(std::size_t i) const;           // a null Json if out of range
    std::size_t size() const { return type == Type::array ? array.size() : values.size(); }
    int as_int() const { return static_cast<int>(number); }
    float as_float() const { return static_cast<float>(number); }
};

// Returns false (and leaves `out` unspecified) on malformed input.
bool parse_json(std::string_view text, Json& out);

bool read_file(const std::string& path, std::vector<std::uint8_t>& out);

// The op-level case set, loaded once. available == false when the directory or cases.json is
// missing; tests then call skip_if_unavailable(), which WARNs "MOTE_SKIPPED ..." (ctest turns
// that into a visible "Skipped" through SKIP_REGULAR_EXPRESSION).
struct OpsData {
    bool available = false;
    std::string dir;
    std::string problem;
    Json manifest;
    const Json& cases() const { return manifest.at("cases"); }
};
const OpsData& ops_data();

// A loaded sample of one case: the concatenated input bytes and the expected output bytes.
struct Sample {
    std::string label;  // "<case>/<sample kind>"
    std::vector<std::uint8_t> input;
    std::vector<std::uint8_t> output;
};
// All samples of a case (empty + `problem` set if a file is missing).
std::vector<Sample> load_samples(const Json& c, std::string& problem);

// Every case whose "op" equals `op` (single-operator cases only).
std::vector<const Json*> cases_for_op(std::string_view op);

mote::QuantParams quant_of(const Json& tensor);
std::vector<int> shape_of(const Json& tensor);
int elements_of(const Json& tensor);

// int8 views / float views of raw bytes.
const std::int8_t* as_int8(const std::vector<std::uint8_t>& bytes, std::size_t offset = 0);
std::vector<float> as_floats(const std::vector<std::uint8_t>& bytes, std::size_t offset,
                             std::size_t count);

// Number of differing elements; the first few are appended to `report`.
std::size_t compare_int8(const std::int8_t* got, const std::int8_t* expected, std::size_t n,
                         std::string& report);
// Elements where |got − expected| > tol · max(1e-30, max|expected|); first few in `report`.
// Also returns the largest relative difference seen through max_rel.
std::size_t compare_float(const float* got, const float* expected, std::size_t n, double tol,
                          std::string& report, double& max_rel);

}  // namespace mote_test

// Golden tests start with this: a visible skip (never a silent pass) when the data is absent.
#define MOTE_REQUIRE_OPS_DATA()                                                              \
    do {                                                                                     \
        const ::mote_test::OpsData& mote_ops_ = ::mote_test::ops_data();                     \
        if (!mote_ops_.available) {                                                          \
            WARN("MOTE_SKIPPED: op golden data unavailable: " << mote_ops_.problem);         \
            return;                                                                          \
        }                                                                                    \
    } while (false)
