// mote in a Zephyr application: runs the two-layer model of tiny_model.hpp once and prints its
// output with printk ("mote: output -5 (expected -5) ok").
#include <zephyr/kernel.h>

#include "tiny_model.hpp"

namespace {
tiny_model::Model::Arena arena;  // the only RAM the model uses, sized at compile time
}  // namespace

int main() {
    const std::int8_t* out = tiny_model::Model::run(arena, tiny_model::input);
    printk("mote: output %d (expected %d) %s\n", out[0], tiny_model::expected,
           out[0] == tiny_model::expected ? "ok" : "WRONG");
    return 0;
}
