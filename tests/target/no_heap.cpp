// Must not link: device code has no heap (cmake/baremetal/no_heap.cpp).
#include <cstdlib>

int main() {
    void* p = std::malloc(16);
    return p != nullptr;
}
