#pragma once
// Reference-file paths of the target tests, built without the heap: prefix + name + suffix.
#include <cstddef>
#include <span>

namespace target_test {

// prefix + name + suffix into out (NUL-terminated); false when too long.
inline bool join(std::span<char> out, const char* prefix, const char* name, const char* suffix) {
    std::size_t n = 0;
    for (const char* part : {prefix, name, suffix}) {
        for (const char* p = part; *p != '\0'; ++p) {
            if (n + 1 >= out.size()) return false;
            out[n++] = *p;
        }
    }
    out[n] = '\0';
    return true;
}

}  // namespace target_test
