// mote in an ESP-IDF application: runs the two-layer model of tiny_model.hpp once and logs its
// output ("I (...) mote: output -5 (expected -5) ok").
#include "esp_log.h"
#include "tiny_model.hpp"

namespace {
tiny_model::Model::Arena arena;  // the only RAM the model uses, sized at compile time
constexpr const char* tag = "mote";
}  // namespace

extern "C" void app_main(void) {
    const std::int8_t* out = tiny_model::Model::run(arena, tiny_model::input);
    ESP_LOGI(tag, "output %d (expected %d) %s", out[0], tiny_model::expected,
             out[0] == tiny_model::expected ? "ok" : "WRONG");
}
