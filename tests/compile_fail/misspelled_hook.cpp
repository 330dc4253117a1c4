// A primitive set that declares a capability without its hook (here dot_1x4 misspelled) is not
// a PrimitiveSet: the declaration cannot silently fall back to the slow path.
#include <mote/mote.hpp>

struct Misspelled : mote::kernels::portable::Primitives {
    static constexpr mote::kernels::Capabilities capabilities{.four_row_dot = true};
    static void dot_1x4_(const col_t*, const weight_t*, int, std::int32_t*) {}
};
static_assert(mote::kernels::PrimitiveSet<Misspelled>, "Misspelled is not a primitive set");

int main() {}
