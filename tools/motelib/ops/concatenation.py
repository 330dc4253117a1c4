"""CONCATENATION (along height, width or channels) -> mote::Concatenate."""
import collections

from .. import emit as em
from .. import tflite as tfl
from . import common as c
from .add_mul import join_tensors

BUILTINS = {"CONCATENATION": 2}
JOIN = True

ConcatParams = collections.namedtuple("ConcatParams", "axis")


def parse(model, op):
    if len(op.inputs) < 2:
        raise op.fail("needs at least 2 inputs")
    xs, y, shapes, ys = join_tensors(model, op, 16)
    o = c.options(op, tfl.OPT_CONCATENATION)
    rank = len(y.shape)
    for x in xs:
        if len(x.shape) != rank:
            raise op.fail("inputs of different rank are not supported")
    axis = c.mote_axis(y, o.scalar(0, "i32", 0), op)
    if o.scalar(1, "i8", 0) != tfl.ACT_NONE:
        raise op.fail("fused activation on CONCATENATION is not supported")
    others = [a for a in range(3) if a != axis]
    if any(tuple(s[a] for a in others) != tuple(ys[a] for a in others) for s in shapes) or \
            sum(s[axis] for s in shapes) != ys[axis]:
        raise op.fail("input shapes %s do not concatenate to %s along %s"
                      % ([list(s) for s in shapes], list(ys), c.AXES[axis]))
    if c.is_int8(y):
        for x in xs:
            c.check_same_quant(op, x, y, "int8 concatenation inputs must share the output "
                                         "quantization")
    return c.Parsed("Concatenate", [x.index for x in xs], ConcatParams(axis),
                    "%s -> %s along %s" % (" + ".join(c.shape_text(s) for s in shapes),
                                           c.shape_text(ys), c.AXES[axis]))


def emit(emitter, layer, prefix):
    if layer.p.axis == 2:
        return em.T("mote::Concatenate", [])
    return em.T("mote::Concatenate", ["mote::Axis::" + c.AXES[layer.p.axis]])
