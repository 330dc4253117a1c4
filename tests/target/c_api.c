/* The C interface of converted models (mote-convert --c-api) called from C11: a convolution
 * (stateless) and an accumulator over a resource variable (stateful), against TFLite Micro's
 * outputs, every byte; and the -1 answers to null or misaligned buffers. On the host (ctest
 * c_api.host), on the target (target.c_api) and from the consumer projects (tests/consumers),
 * which call mote_c_api_check() from their own main (MOTE_C_API_NO_MAIN).
 *
 * Models and data (tests/target/c_api.cmake): c_model.h, c_state.h and c_api_golden.h. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "c_api_golden.h"
#include "c_model.h"
#include "c_state.h"

#ifdef MOTE_BOARD_NAME
void mote_board_write(const char* text);
static void say(const char* text) { mote_board_write(text); }
#else
#include <stdio.h>
static void say(const char* text) { fputs(text, stdout); }
#endif

int mote_c_api_check(void);

/* C cannot size a static array by an extern const: a buffer of a fixed capacity, checked. */
enum { arena_capacity = 8192, state_capacity = 256 };
static _Alignas(16) unsigned char arena[arena_capacity + 1];
static _Alignas(16) unsigned char state[state_capacity + 1];
static _Alignas(16) int8_t output[c_model_output_bytes];
static int failures;

static void check(int ok, const char* what) {
    if (!ok) {
        say("FAIL ");
        say(what);
        say("\n");
        ++failures;
    }
}

static void check_stateless(void) {
    check(c_model_arena_bytes <= arena_capacity, "c_model_arena_bytes fits the static arena");
    check(sizeof c_model_in == c_model_input_bytes, "c_model_input_bytes = the reference input");
    check(sizeof c_model_want == c_model_output_bytes, "c_model_output_bytes = its output");
    check(c_model_input_elements == c_model_input_h * c_model_input_w * c_model_input_c,
          "c_model input shape");
    check(c_model_input_scale > 0.0f && c_model_input_zero_point == -74, "c_model input quant");
    check(c_model_run(arena, c_model_in, output) == 0, "c_model_run returns 0");
    check(memcmp(output, c_model_want, sizeof c_model_want) == 0,
          "c_model_run bit-exact to TFLite Micro");
    check(c_model_run(arena + 1, c_model_in, output) == -1, "misaligned arena -> -1");
    check(c_model_run(NULL, c_model_in, output) == -1, "null arena -> -1");
    check(c_model_run(arena, NULL, output) == -1, "null input -> -1");
    check(c_model_run(arena, c_model_in, NULL) == -1, "null output -> -1");
}

/* Frame k of the stream, after k earlier frames on one state. */
static int stream_bit_exact(int frames) {
    int8_t out[c_state_output_bytes];
    for (int k = 0; k < frames; ++k) {
        if (c_state_run(arena, state, c_state_in + k * c_state_input_bytes, out) != 0 ||
            memcmp(out, c_state_want + k * c_state_output_bytes, sizeof out) != 0)
            return 0;
    }
    return 1;
}

static void check_stateful(void) {
    enum { frames = sizeof c_state_in / c_state_input_bytes };
    check(c_state_arena_bytes <= arena_capacity && c_state_state_bytes <= state_capacity,
          "c_state arena and state fit the static buffers");
    check(frames > 1 && sizeof c_state_want == frames * c_state_output_bytes,
          "c_state reference: several frames");
    check(c_state_reset(state) == 0, "c_state_reset returns 0");
    check(stream_bit_exact(frames), "c_state stream bit-exact to TFLite Micro");
    check(c_state_reset(state) == 0 && stream_bit_exact(1), "c_state_reset restarts the stream");
    check(c_state_reset(state + 1) == -1, "misaligned state -> -1");
    check(c_state_run(arena, state + 1, c_state_in, output) == -1, "misaligned state -> -1");
    check(c_state_run(arena, NULL, c_state_in, output) == -1, "null state -> -1");
}

int mote_c_api_check(void) {
    failures = 0;
    check_stateless();
    check_stateful();
    say(failures == 0 ? "c_api: C11 calls of a stateless and a stateful model bit-exact\n"
                      : "c_api: FAILED\n");
    return failures;
}

#ifndef MOTE_C_API_NO_MAIN
int main(void) { return mote_c_api_check() == 0 ? 0 : 1; }
#endif
