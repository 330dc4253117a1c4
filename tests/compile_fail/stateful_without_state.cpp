// run() on a model that keeps state, without its Net::State.
#include "common.hpp"
using namespace mote;
inline constexpr Variable<Shape{8, 8, 1}, std::int8_t> memory{cf::in_q, {}};
using Net = Graph<Input<Shape{8, 8, 1}, cf::in_q>, Node<ReadVariable<memory>>,
                  Node<Add<Activation::none, cf::in_q>, 1, 0>, Node<AssignVariable<memory>, 2>,
                  Outputs<2>>;
void f(Net::Arena& a, const std::int8_t* in) { Net::run(a, in); }
