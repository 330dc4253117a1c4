// Must not link: 2 MiB of constants exceed the flash every board's linker script declares.
#include <cstdint>

alignas(4) const std::uint8_t oversized[2 * 1024 * 1024] = {1};

int main() {
    const volatile std::uint8_t* p = oversized;
    return p[12345];
}
