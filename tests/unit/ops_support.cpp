#include "ops_support.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

#ifndef MOTE_SHARED_DIR
#error "MOTE_SHARED_DIR must be defined (tests/unit/CMakeLists.txt sets it)"
#endif

namespace mote_test {

namespace {

const Json null_json{};

struct Parser {
    std::string_view s;
    std::size_t i = 0;
    bool ok = true;

    void ws() {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) ++i;
    }
    bool eat(char c) {
        ws();
        if (i < s.size() && s[i] == c) {
            ++i;
            return true;
        }
        return false;
    }
    bool literal(std::string_view word) {
        if (s.substr(i, word.size()) == word) {
            i += word.size();
            return true;
        }
        return false;
    }
    bool parse_string(std::string& out) {
        ws();
        if (i >= s.size() || s[i] != '"') return false;
        ++i;
        while (i < s.size() && s[i] != '"') {
            char ch = s[i++];
            if (ch == '\\') {
                if (i >= s.size()) return false;
                const char e = s[i++];
                switch (e) {
                    case 'n': ch = '\n'; break;
                    case 't': ch = '\t'; break;
                    case 'r': ch = '\r'; break;
                    case 'b': ch = '\b'; break;
                    case 'f': ch = '\f'; break;
                    case 'u': {
                        // Keep ASCII code points, replace others by '?': names here are ASCII.
                        if (i + 4 > s.size()) return false;
                        const unsigned long cp = std::strtoul(std::string(s.substr(i, 4)).c_str(), nullptr, 16);
                        i += 4;
                        ch = cp < 128 ? static_cast<char>(cp) : '?';
                        break;
                    }
                    default: ch = e; break;
                }
            }
            out.push_back(ch);
        }
        if (i >= s.size()) return false;
        ++i;
        return true;
    }
    bool value(Json& v) {
        ws();
        if (i >= s.size()) return false;
        const char c = s[i];
        if (c == '{') {
            ++i;
            v.type = Json::Type::object;
            if (eat('}')) return true;
            do {
                std::string key;
                if (!parse_string(key) || !eat(':')) return false;
                Json child;
                if (!value(child)) return false;
                v.keys.push_back(std::move(key));
                v.values.push_back(std::move(child));
            } while (eat(','));
            return eat('}');
        }
        if (c == '[') {
            ++i;
            v.type = Json::Type::array;
            if (eat(']')) return true;
            do {
                Json child;
                if (!value(child)) return false;
                v.array.push_back(std::move(child));
            } while (eat(','));
            return eat(']');
        }
        if (c == '"') {
            v.type = Json::Type::string;
            return parse_string(v.string);
        }
        if (literal("true")) {
            v.type = Json::Type::boolean;
            v.boolean = true;
            return true;
        }
        if (literal("false")) {
            v.type = Json::Type::boolean;
            return true;
        }
        if (literal("null")) return true;
        if (literal("NaN")) {
            v.type = Json::Type::number;
            v.number = std::nan("");
            return true;
        }
        std::size_t j = i;
        while (j < s.size() && std::strchr("+-0123456789.eE", s[j]) != nullptr) ++j;
        if (j == i) return false;
        v.type = Json::Type::number;
        v.number = std::strtod(std::string(s.substr(i, j - i)).c_str(), nullptr);
        i = j;
        return true;
    }
};

}  // namespace

const Json* Json::find(std::string_view key) const {
    if (type != Type::object) return nullptr;
    for (std::size_t k = 0; k < keys.size(); ++k)
        if (keys[k] == key) return &values[k];
    return nullptr;
}
const Json& Json::at(std::string_view key) const {
    const Json* j = find(key);
    return j != nullptr ? *j : null_json;
}
const Json& Json::at(std::size_t idx) const {
    return type == Type::array && idx < array.size() ? array[idx] : null_json;
}

bool parse_json(std::string_view text, Json& out) {
    Parser p{text};
    if (!p.value(out)) return false;
    p.ws();
    return p.i == text.size();
}

bool read_file(const std::string& path, std::vector<std::uint8_t>& out) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) return false;
    out.clear();
    std::uint8_t buf[4096];
    std::size_t got = 0;
    while ((got = std::fread(buf, 1, sizeof buf, f)) > 0) out.insert(out.end(), buf, buf + got);
    const bool ok = std::ferror(f) == 0;
    std::fclose(f);
    return ok;
}

const OpsData& ops_data() {
    static const OpsData data = [] {
        OpsData d;
        d.dir = std::string(MOTE_SHARED_DIR) + "/models/ops";
        std::vector<std::uint8_t> bytes;
        if (!read_file(d.dir + "/cases.json", bytes)) {
            d.problem = "cannot read " + d.dir + "/cases.json";
            return d;
        }
        const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
        if (!parse_json(text, d.manifest) || d.manifest.at("cases").type != Json::Type::array) {
            d.problem = d.dir + "/cases.json is not the expected JSON manifest";
            return d;
        }
        d.available = true;
        return d;
    }();
    return data;
}

std::vector<Sample> load_samples(const Json& c, std::string& problem) {
    std::vector<Sample> out;
    const std::string& dir = ops_data().dir;
    const Json& samples = c.at("samples");
    for (std::size_t k = 0; k < samples.size(); ++k) {
        const Json& s = samples.at(k);
        Sample smp;
        smp.label = c.at("name").string + "/" + s.at("kind").string;
        if (!read_file(dir + "/" + s.at("input").string, smp.input) ||
            !read_file(dir + "/" + s.at("output").string, smp.output)) {
            problem = "missing sample file for " + smp.label;
            return {};
        }
        out.push_back(std::move(smp));
    }
    return out;
}

std::vector<const Json*> cases_for_op(std::string_view op) {
    std::vector<const Json*> out;
    const Json& cases = ops_data().cases();
    for (std::size_t k = 0; k < cases.size(); ++k)
        if (cases.at(k).at("op").string == op) out.push_back(&cases.at(k));
    return out;
}

mote::QuantParams quant_of(const Json& tensor) {
    return {tensor.at("scale").as_float(), tensor.at("zero_point").as_int()};
}

std::vector<int> shape_of(const Json& tensor) {
    std::vector<int> dims;
    const Json& s = tensor.at("shape");
    for (std::size_t k = 0; k < s.size(); ++k) dims.push_back(s.at(k).as_int());
    return dims;
}

int elements_of(const Json& tensor) {
    int n = 1;
    for (int d : shape_of(tensor)) n *= d;
    return n;
}

const std::int8_t* as_int8(const std::vector<std::uint8_t>& bytes, std::size_t offset) {
    return reinterpret_cast<const std::int8_t*>(bytes.data() + offset);
}

std::vector<float> as_floats(const std::vector<std::uint8_t>& bytes, std::size_t offset,
                             std::size_t count) {
    std::vector<float> v(count);
    if (offset + count * sizeof(float) <= bytes.size())
        std::memcpy(v.data(), bytes.data() + offset, count * sizeof(float));
    return v;
}

std::size_t compare_int8(const std::int8_t* got, const std::int8_t* expected, std::size_t n,
                         std::string& report) {
    std::size_t bad = 0;
    for (std::size_t k = 0; k < n; ++k) {
        if (got[k] == expected[k]) continue;
        if (bad < 8) {
            char line[96];
            std::snprintf(line, sizeof line, "  [%zu] got %d, TFLM %d\n", k, got[k], expected[k]);
            report += line;
        }
        ++bad;
    }
    return bad;
}

std::size_t compare_float(const float* got, const float* expected, std::size_t n, double tol,
                          std::string& report, double& max_rel) {
    double scale = 1e-30;
    for (std::size_t k = 0; k < n; ++k) scale = std::fmax(scale, std::fabs(static_cast<double>(expected[k])));
    std::size_t bad = 0;
    max_rel = 0.0;
    for (std::size_t k = 0; k < n; ++k) {
        const double rel = std::fabs(static_cast<double>(got[k]) - static_cast<double>(expected[k])) / scale;
        max_rel = std::fmax(max_rel, rel);
        if (!(rel <= tol)) {
            if (bad < 8) {
                char line[128];
                std::snprintf(line, sizeof line, "  [%zu] got %.9g, TFLM %.9g\n", k,
                              static_cast<double>(got[k]), static_cast<double>(expected[k]));
                report += line;
            }
            ++bad;
        }
    }
    return bad;
}

TfliteMultiplier tflite_quantize_multiplier(double real) {
    if (real == 0.0) return {0, 0};
    int shift = 0;
    const double q = std::frexp(real, &shift);
    auto fixed = static_cast<std::int64_t>(std::round(q * static_cast<double>(1LL << 31)));
    if (fixed == (1LL << 31)) {
        fixed /= 2;
        ++shift;
    }
    if (shift < -31) return {0, 0};
    return {static_cast<std::int32_t>(fixed), shift};
}

}  // namespace mote_test
