// mote on an Arduino board: runs the two-layer model of tiny_model.hpp once a second and prints
// its output on Serial ("mote: output -5 (expected -5) ok"). Needs a core whose compiler is
// GCC 10 or newer, with C++20 switched on (docs/packaging.md says how, core by core).
#include <mote.h>  // first: it is what makes the IDE add the mote library to the build

#include "tiny_model.hpp"

tiny_model::Model::Arena arena;  // the only RAM the model uses, sized at compile time

void setup() {
  Serial.begin(115200);
}

void loop() {
  const int8_t* out = tiny_model::Model::run(arena, tiny_model::input);
  Serial.print("mote: output ");
  Serial.print(int{out[0]});
  Serial.print(" (expected ");
  Serial.print(int{tiny_model::expected});
  Serial.println(out[0] == tiny_model::expected ? ") ok" : ") WRONG");
  delay(1000);
}
