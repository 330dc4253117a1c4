// The host's kernel paths (kernel_paths.hpp): every check is a static_assert.
#include "kernel_paths.hpp"

int main() {}
