"""TRANSPOSE (constant perm, rank 2..4, batch kept in place) -> mote::Transpose."""
import collections

from .. import emit as em
from .. import tflite as tfl
from . import common as c

BUILTINS = {"TRANSPOSE": 2}

# perm: for each mote output axis (h, w, c), the input axis it takes (0, 1, 2).
TransposeParams = collections.namedtuple("TransposeParams", "perm")


def mote_perm(perm):
    """A TFLite perm of rank 2..4 (rank 4 with perm[0] == 0) -> the rank-3 mote permutation:
    the batch dropped, or the identity on the leading axes a lower rank lacks."""
    if len(perm) == 4:
        return tuple(p - 1 for p in perm[1:])
    pad = 3 - len(perm)
    return tuple(list(range(pad)) + [p + pad for p in perm])


def parse(model, op):
    x, y = c.unary_setup(model, op, (2, 2))
    c.check_same_dtype(op, x, y)
    c.options(op, tfl.OPTION_TAGS["TransposeOptions"], required=False)
    rank = len(x.shape)
    if not 2 <= rank <= 4:
        raise op.fail("rank-%d input is not supported (rank 2 to 4)" % rank)
    perm_t = c.const_tensor(model, op, op.inputs[1], "perm")
    perm = c.int_values(model, op, op.inputs[1], "perm")
    if perm_t.type != tfl.INT32:
        raise op.fail("perm tensor must be INT32, not %s" % perm_t.type_name)
    if sorted(perm) != list(range(rank)):
        raise op.fail("perm %s is not a permutation of the %d input axes" % (perm, rank))
    if rank == 4 and perm[0] != 0:
        raise op.fail("perm %s moves the batch axis; mote supports batch 1 in place" % perm)
    expected = [x.shape[p] for p in perm]
    if list(y.shape) != expected:
        raise op.fail("output shape %s is not the transposed %s" % (y.shape, expected))
    xs, ys = c.hwc(x, op, "input"), c.hwc(y, op, "output")
    if c.is_int8(x):
        c.check_same_quant(op, x, y, "TRANSPOSE must keep the quantization")
    p = mote_perm(perm)
    return c.Parsed("Transpose", [x.index], TransposeParams(p),
                    "%s -> %s (%s)" % (c.shape_text(xs), c.shape_text(ys),
                                       ", ".join(c.AXES[a] for a in p)))


def emit(emitter, layer, prefix):
    return em.T("mote::Transpose", ["mote::Permutation{%s}" % ", ".join(
        "mote::Axis::" + c.AXES[a] for a in layer.p.perm)])
