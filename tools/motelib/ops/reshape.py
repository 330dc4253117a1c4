"""RESHAPE, SQUEEZE, EXPAND_DIMS -> mote::Reshape."""
import collections

from .. import emit as em
from . import common as c

BUILTINS = {"RESHAPE": 1, "SQUEEZE": 1, "EXPAND_DIMS": 1}
INPUTS = {"RESHAPE": (1, 2), "SQUEEZE": (1, 1), "EXPAND_DIMS": (2, 2)}

ReshapeParams = collections.namedtuple("ReshapeParams", "shape")


def check_expand_dims(model, op, x, y):
    """EXPAND_DIMS: a constant axis in [-rank - 1, rank] at which y has a new dimension of 1."""
    axis = c.int_values(model, op, op.inputs[1], "axis")
    rank = len(x.shape)
    if len(axis) != 1 or not -rank - 1 <= axis[0] <= rank:
        raise op.fail("axis %s is not one value in [%d, %d]" % (axis, -rank - 1, rank))
    a = axis[0] + rank + 1 if axis[0] < 0 else axis[0]
    expected = list(x.shape[:a]) + [1] + list(x.shape[a:])
    if list(y.shape) != expected:
        raise op.fail("output shape %s is not the expanded %s" % (y.shape, expected))


def parse(model, op):
    x, y = c.unary_setup(model, op, INPUTS[op.name])
    c.check_same_dtype(op, x, y)
    xs, ys = c.hwc(x, op, "input"), c.hwc(y, op, "output")
    if x.elements() != y.elements():
        raise op.fail("reshape from %s to %s changes the element count" % (x.shape, y.shape))
    if op.name == "EXPAND_DIMS":
        check_expand_dims(model, op, x, y)
    if op.name == "RESHAPE" and len(op.inputs) == 2 and op.inputs[1] >= 0:
        if model.tensors[op.inputs[1]].data is None:
            raise op.fail("dynamic reshape (non-constant shape tensor) is not supported")
        vals = c.int_values(model, op, op.inputs[1], "shape")
        if len(vals) != len(y.shape) or any(v not in (-1, d) for v, d in zip(vals, y.shape)):
            raise op.fail("shape tensor %s does not match the output shape %s" % (vals, y.shape))
    if c.is_int8(x):
        c.check_same_quant(op, x, y, "reshape must keep the quantization")
    return c.Parsed("Reshape", [x.index], ReshapeParams(ys),
                    "%s -> %s" % (c.shape_text(xs), c.shape_text(ys)))


def emit(emitter, layer, prefix):
    return em.T("mote::Reshape", ["mote::Shape{%d, %d, %d}" % layer.p.shape])
