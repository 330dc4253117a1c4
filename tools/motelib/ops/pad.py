"""PAD (constant paddings, zero / zero-point fill) -> mote::Pad."""
import collections

from .. import emit as em
from . import common as c

BUILTINS = {"PAD": 2}

# pads: (top, bottom, left, right, front, back) of the h, w, c axes.
PadParams = collections.namedtuple("PadParams", "pads")


def parse(model, op):
    x, y = c.unary_setup(model, op, (2, 2))
    c.check_same_dtype(op, x, y)
    vals = c.int_values(model, op, op.inputs[1], "paddings")
    rank = len(x.shape)
    if len(vals) != 2 * rank or len(y.shape) != rank:
        raise op.fail("paddings %s do not match the input rank %d" % (vals, rank))
    pairs = [(vals[2 * i], vals[2 * i + 1]) for i in range(rank)]
    if pairs[0] != (0, 0):
        raise op.fail("padding the batch dimension is not supported")
    for a, b in pairs:
        if a < 0 or b < 0 or a > c.MAX_DIM or b > c.MAX_DIM:
            raise op.fail("paddings %s are not supported" % vals)
    full = [(0, 0)] * (4 - rank) + pairs[1:]
    while len(full) < 3:
        full.insert(0, (0, 0))
    xs, ys = c.hwc(x, op, "input"), c.hwc(y, op, "output")
    exp = tuple(xs[i] + full[i][0] + full[i][1] for i in range(3))
    if exp != ys:
        raise op.fail("output shape %s does not match the padded %s" % (list(ys), list(exp)))
    if c.is_int8(x):
        c.check_same_quant(op, x, y, "PAD must keep the quantization")
    pads = (full[0][0], full[0][1], full[1][0], full[1][1], full[2][0], full[2][1])
    return c.Parsed("Pad", [x.index], PadParams(pads),
                    "%s -> %s" % (c.shape_text(xs), c.shape_text(ys)))


def emit(emitter, layer, prefix):
    return em.T("mote::Pad", ["mote::Pads{%d, %d, %d, %d, %d, %d}" % layer.p.pads])
