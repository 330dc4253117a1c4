// A Graph node that reads a value defined after it.
#include "common.hpp"
using namespace mote;
using Net = Graph<Input<Shape{8, 8, 1}, cf::in_q>, Node<ReLU6, 2>, Node<ReLU6, 0>, Outputs<2>>;
static_assert(Net::arena_bytes > 0);
