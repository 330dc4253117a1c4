// What a project that uses mote builds: a hand-written model and, with mote's shared data, a
// converted one through the C++ API and through its C interface (tests/target/c_api.c), each
// checked byte for byte. The same source runs on the host and as firmware.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <mote/mote.hpp>

#include "handwritten.hpp"

#ifdef MOTE_CONSUMER_CONVERTED
#include "c_api_golden.h"
#include "c_model.hpp"
extern "C" int mote_c_api_check(void);
#endif

#ifdef MOTE_BOARD_NAME
#include "mote_board.hpp"
static void say(const char* text) { mote::board::write(text); }
#else
#include <cstdio>
static void say(const char* text) { std::fputs(text, stdout); }
#endif

namespace {

handwritten::Model::Arena hand_arena;

bool hand_written_model() {
    const std::int8_t* out = handwritten::Model::run(hand_arena, handwritten::input);
    return std::memcmp(out, handwritten::expected, sizeof handwritten::expected) == 0;
}

#ifdef MOTE_CONSUMER_CONVERTED
c_model::Model::Arena converted_arena;

bool converted_model() {
    alignas(16) std::int8_t in[sizeof c_model_in];
    std::memcpy(in, c_model_in, sizeof in);
    const std::int8_t* out = c_model::Model::run(converted_arena, in);
    static_assert(c_model::Model::output_bytes == sizeof c_model_want);
    return std::memcmp(out, c_model_want, sizeof c_model_want) == 0;
}
#endif

}  // namespace

int main() {
    int failures = 0;
    const bool hand = hand_written_model();
    say(hand ? "consumer: hand-written model ok\n" : "consumer: hand-written model FAILED\n");
    failures += !hand;
#ifdef MOTE_CONSUMER_CONVERTED
    const bool converted = converted_model();
    say(converted ? "consumer: converted model bit-exact (C++ API)\n"
                  : "consumer: converted model FAILED (C++ API)\n");
    failures += !converted;
    failures += mote_c_api_check();
#else
    say("consumer: no shared data: the converted model and the C interface are not built\n");
#endif
    say(failures == 0 ? "consumer: all checks passed (" MOTE_CONSUMER_WAY ")\n"
                      : "consumer: FAILED (" MOTE_CONSUMER_WAY ")\n");
    return failures == 0 ? 0 : 1;
}
