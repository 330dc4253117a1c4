#pragma once
// Catch2 assertions over whole outputs for the op golden tests (test-only).
#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "ops_support.hpp"

namespace mote_test {

// Every output byte must equal TFLM's; the first mismatches are printed.
inline void check_int8_output(const Sample& s, const std::vector<std::int8_t>& got) {
    INFO(s.label);
    REQUIRE(s.output.size() == got.size());
    std::string report;
    const std::size_t bad = compare_int8(got.data(), as_int8(s.output), got.size(), report);
    INFO(bad << " of " << got.size() << " int8 outputs differ from TFLM:\n" << report);
    CHECK(bad == 0);
}

// Float outputs: |got − TFLM| ≤ tol · max|TFLM| for every element (first mismatches printed).
inline void check_float_output(const Sample& s, const std::vector<float>& got, double tol) {
    INFO(s.label);
    REQUIRE(s.output.size() == got.size() * sizeof(float));
    const std::vector<float> expected = as_floats(s.output, 0, got.size());
    std::string report;
    double max_rel = 0.0;
    const std::size_t bad = compare_float(got.data(), expected.data(), got.size(), tol, report, max_rel);
    INFO(bad << " of " << got.size() << " float outputs differ from TFLM by more than " << tol
              << " of the largest magnitude (largest relative difference " << max_rel << "):\n"
              << report);
    CHECK(bad == 0);
}

// The samples of a case, or a failed REQUIRE naming the missing file.
inline std::vector<Sample> samples_of(const Json& c) {
    std::string problem;
    std::vector<Sample> v = load_samples(c, problem);
    INFO(problem);
    REQUIRE(!v.empty());
    return v;
}

inline std::size_t input_offset(const Json& c, std::size_t k) {
    return static_cast<std::size_t>(c.at("inputs").at(k).at("byte_offset_in_input_file").number);
}

inline bool is_int8(const Json& tensor) { return tensor.at("dtype").string == "int8"; }

}  // namespace mote_test
