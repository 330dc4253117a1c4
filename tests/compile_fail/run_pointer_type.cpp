// run() given a float input for an int8 model.
#include "common.hpp"
using namespace mote;
using Net = Sequential<Input<Shape{8, 8, 1}, cf::in_q>,
                       Conv2D<4, Kernel{3, 3}, Stride{1, 1}, Padding::same, Activation::none, cf::conv4>>;
void f(Net::Arena& a, const float* in) { Net::run(a, in); }
