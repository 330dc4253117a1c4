"""MEAN over height and width -> mote::Mean."""
import collections

from .. import tflite as tfl
from . import common as c

BUILTINS = {"MEAN": 2}

# out_q: the int8 output quantization, None for float32.
MeanParams = collections.namedtuple("MeanParams", "out_q")


def parse(model, op):
    x, y = c.unary_setup(model, op, (2, 2))
    c.check_same_dtype(op, x, y)
    o = c.options(op, tfl.OPT_REDUCER, required=False)
    keep = o.scalar(0, "bool", 0) if o is not None else 0
    axes = c.int_values(model, op, op.inputs[1], "axis")
    if len(x.shape) != 4:
        raise op.fail("MEAN input must be 4-D NHWC")
    norm = sorted(set(a + 4 if a < 0 else a for a in axes))
    if norm != [1, 2] or len(axes) != 2:
        raise op.fail("MEAN over axes %s is not supported (height and width only)" % axes)
    xs, ys = c.hwc(x, op, "input"), c.hwc(y, op, "output")
    if ys != (1, 1, xs[2]) or (keep and len(y.shape) != 4):
        raise op.fail("output shape %s is not [1, 1, 1, %d]" % (y.shape, xs[2]))
    if not keep and len(y.shape) != 2:
        raise op.fail("output shape %s is not [1, %d]" % (y.shape, xs[2]))
    out_q = None
    if c.is_int8(x):
        c.act_quant(x, op, "input")
        out_q = c.act_quant(y, op, "output")
        c.check_mean_extent(op, xs[0], xs[1])
    return c.Parsed("Mean", [x.index], MeanParams(out_q),
                    "%s -> %s" % (c.shape_text(xs), c.shape_text(ys)))


def emit(emitter, layer, prefix):
    return emitter.out_q_layer(layer, prefix, layer.p.out_q)
