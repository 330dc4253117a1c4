"""FULLY_CONNECTED -> mote::Dense."""
import collections

from .. import emit as em
from .. import tflite as tfl
from . import common as c

BUILTINS = {"FULLY_CONNECTED": 5}

DenseParams = collections.namedtuple("DenseParams", "units act weights")


def parse(model, op):
    c.check_io_count(op, 2, 3)
    x, y = c.unary_setup(model, op, (2, 3))
    o = c.options(op, tfl.OPT_FULLY_CONNECTED)
    act = c.activation(op, o.scalar(0, "i8", 0))
    if o.scalar(1, "i8", 0) != 0:
        raise op.fail("shuffled weights format is not supported")
    keep = o.scalar(2, "bool", 0)
    if o.scalar(4, "i8", 0) not in (0, tfl.INT32):
        raise op.fail("quantized_bias_type other than INT32 is not supported")
    xs, ys = c.hwc(x, op, "input"), c.hwc(y, op, "output")
    w, bias = c.weights(model, op, x, y, op.inputs[1], c.optional_input(op, 2))
    if len(w.shape) != 2:
        raise op.fail("weights shape %s is not [O, I]" % (w.shape,))
    units, n_in = w.shape
    if x.elements() != n_in:
        raise op.fail("input has %d elements but the weights expect %d (batched fully "
                      "connected is not supported)" % (x.elements(), n_in))
    if y.elements() != units or ys != (1, 1, units):
        raise op.fail("output shape %s is not [1, %d]" % (y.shape, units))
    if keep and len(y.shape) not in (2, 4):
        raise op.fail("keep_num_dims output shape %s is not supported" % (y.shape,))
    wq = c.weight_quant(op, x, y, w, bias, units, 0)
    if wq.scales is not None:
        c.check_fold_cost(op, "Dense", w.elements(), units)
        c.check_int8_weighted(op, wq, act, c.row_sums(w, units, n_in))
        c.check_compaction(op, "Dense", w, units, n_in)
    return c.Parsed("Dense", [x.index], DenseParams(units, act, wq),
                    "%d -> %d %s" % (n_in, units, act.upper()))


def emit(emitter, layer, prefix):
    p = layer.p
    return em.T("mote::Dense", [str(p.units), em.activation(p.act),
                                emitter.weights(p.weights, prefix)])
