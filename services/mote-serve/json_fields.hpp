#pragma once
// Reading a few fields out of an uplink's JSON (The Things Stack, ChirpStack) without a JSON
// library: json_find validates the whole document (RFC 8259 grammar, nesting at most
// max_json_depth, at most max_json_bytes) and returns the value at a path of object keys, raw
// (a string with its quotes, a number's text, ...). A document that is not valid JSON, or that
// has the path twice (duplicate keys: two readers could disagree on which one counts), yields
// nothing. json_string / json_uint turn a raw value into a bounded string / an integer.
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace mote_serve {

inline constexpr std::size_t max_json_bytes = 64 * 1024;
inline constexpr std::size_t max_json_depth = 32;
inline constexpr std::size_t max_json_path = 4;

enum class JsonType : std::uint8_t { object, array, string, number, boolean, null };

struct JsonValue {
    JsonType type = JsonType::null;
    std::string_view raw;   // points into the document
};

namespace detail {

class JsonScanner {
public:
    JsonScanner(std::string_view doc, std::initializer_list<std::string_view> path) : doc_(doc) {
        for (std::string_view k : path) path_[path_size_++] = k;
    }

    // The whole document is one value; false when it is not valid JSON.
    bool run() {
        skip_space();
        if (!value(0, true)) return false;
        skip_space();
        return at_ == doc_.size();
    }
    int matches() const { return matches_; }
    JsonValue found() const { return found_; }

private:
    // `on_path`: every key from the root to this value is the path's (depth = keys matched).
    bool value(std::size_t depth, bool on_path) {
        if (depth >= max_json_depth || at_ >= doc_.size()) return false;
        const std::size_t start = at_;
        JsonType type;
        bool ok;
        switch (doc_[at_]) {
        case '{': type = JsonType::object; ok = object(depth, on_path); break;
        case '[': type = JsonType::array; ok = array(depth); break;
        case '"': type = JsonType::string; ok = string(); break;
        case 't': type = JsonType::boolean; ok = literal("true"); break;
        case 'f': type = JsonType::boolean; ok = literal("false"); break;
        case 'n': type = JsonType::null; ok = literal("null"); break;
        default: type = JsonType::number; ok = number(); break;
        }
        if (ok && on_path && depth == path_size_) {
            ++matches_;
            found_ = {type, doc_.substr(start, at_ - start)};
        }
        return ok;
    }

    bool object(std::size_t depth, bool on_path) {
        ++at_;
        skip_space();
        if (peek('}')) return ++at_, true;
        for (;;) {
            skip_space();
            const std::size_t key_start = at_;
            if (!peek('"') || !string()) return false;
            // keys are compared as written: a path key never needs escapes
            const std::string_view key = doc_.substr(key_start + 1, at_ - key_start - 2);
            skip_space();
            if (!peek(':')) return false;
            ++at_;
            skip_space();
            const bool next = on_path && depth < path_size_ && key == path_[depth];
            if (!value(depth + 1, next)) return false;
            skip_space();
            if (peek('}')) return ++at_, true;
            if (!peek(',')) return false;
            ++at_;
        }
    }

    bool array(std::size_t depth) {
        ++at_;
        skip_space();
        if (peek(']')) return ++at_, true;
        for (;;) {
            skip_space();
            if (!value(depth + 1, false)) return false;
            skip_space();
            if (peek(']')) return ++at_, true;
            if (!peek(',')) return false;
            ++at_;
        }
    }

    bool string() {
        ++at_;
        while (at_ < doc_.size()) {
            const auto c = static_cast<unsigned char>(doc_[at_++]);
            if (c == '"') return true;
            if (c < 0x20) return false;
            if (c != '\\') continue;
            if (at_ >= doc_.size()) return false;
            const char e = doc_[at_++];
            if (e == 'u') {
                for (int i = 0; i < 4; ++i, ++at_)
                    if (at_ >= doc_.size() || !is_hex(doc_[at_])) return false;
            } else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
                return false;
            }
        }
        return false;
    }

    bool number() {
        const std::size_t start = at_;
        if (peek('-')) ++at_;
        if (peek('0')) {
            ++at_;
        } else if (!digits()) {
            return false;
        }
        if (peek('.')) {
            ++at_;
            if (!digits()) return false;
        }
        if (peek('e') || peek('E')) {
            ++at_;
            if (peek('+') || peek('-')) ++at_;
            if (!digits()) return false;
        }
        return at_ > start;
    }

    bool digits() {
        const std::size_t start = at_;
        while (at_ < doc_.size() && doc_[at_] >= '0' && doc_[at_] <= '9') ++at_;
        return at_ > start;
    }

    bool literal(std::string_view word) {
        if (doc_.substr(at_, word.size()) != word) return false;
        at_ += word.size();
        return true;
    }

    bool peek(char c) const { return at_ < doc_.size() && doc_[at_] == c; }
    static bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
    void skip_space() {
        while (at_ < doc_.size() && (doc_[at_] == ' ' || doc_[at_] == '\t' || doc_[at_] == '\n' || doc_[at_] == '\r'))
            ++at_;
    }

    std::string_view doc_;
    std::string_view path_[max_json_path];
    std::size_t path_size_ = 0;
    std::size_t at_ = 0;
    int matches_ = 0;
    JsonValue found_;
};

}  // namespace detail

// The value at `path` (object keys from the root; at most max_json_path), or nothing when the
// document is invalid, too large or too deep, or holds the path zero or several times.
inline std::optional<JsonValue> json_find(std::string_view doc, std::initializer_list<std::string_view> path) {
    if (doc.size() > max_json_bytes || path.size() > max_json_path) return std::nullopt;
    detail::JsonScanner s{doc, path};
    if (!s.run() || s.matches() != 1) return std::nullopt;
    return s.found();
}

// A string value's text, when it has no escapes other than \" \\ \/ and is at most `max` bytes
// (identifiers and base64 never need more).
inline std::optional<std::string> json_string(const JsonValue& v, std::size_t max) {
    if (v.type != JsonType::string) return std::nullopt;
    const std::string_view body = v.raw.substr(1, v.raw.size() - 2);
    std::string s;
    for (std::size_t i = 0; i < body.size(); ++i) {
        char c = body[i];
        if (c == '\\') {
            c = body[++i];   // the scanner guarantees a character follows
            if (c != '"' && c != '\\' && c != '/') return std::nullopt;
        }
        if (s.size() == max) return std::nullopt;
        s.push_back(c);
    }
    return s;
}

// A number value that is a non-negative integer no larger than `max`.
inline std::optional<std::uint64_t> json_uint(const JsonValue& v, std::uint64_t max) {
    if (v.type != JsonType::number || v.raw.empty()) return std::nullopt;
    std::uint64_t n = 0;
    for (const char c : v.raw) {
        if (c < '0' || c > '9') return std::nullopt;
        const auto d = static_cast<std::uint64_t>(c - '0');
        if (d > max || n > (max - d) / 10) return std::nullopt;
        n = n * 10 + d;
    }
    return n;
}

}  // namespace mote_serve
