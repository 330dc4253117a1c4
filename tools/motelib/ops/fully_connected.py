"""FULLY_CONNECTED -> mote::Dense."""
import collections

from .. import emit as em
from .. import tflite as tfl
from . import common as c

BUILTINS = {"FULLY_CONNECTED": 5}

DenseParams = collections.namedtuple("DenseParams", "units act weights")


def dense_output_shape(xs, rows, n_in, units):
    """mote::Dense's output shape (layers/dense.hpp, DenseBound): one row, rows along the last
    axis keeping the leading ones, or a plain batch of rows."""
    if rows == 1:
        return (1, 1, units)
    if xs[2] == n_in:
        return (xs[0], xs[1], units)
    return (1, rows, units)


def parse(model, op):
    c.check_io_count(op, 2, 3)
    x, y = c.unary_setup(model, op, (2, 3))
    o = c.options(op, tfl.OPT_FULLY_CONNECTED)
    act = c.activation(op, o.scalar(0, "i8", 0))
    if o.scalar(1, "i8", 0) != 0:
        raise op.fail("shuffled weights format is not supported")
    if o.scalar(4, "i8", 0) not in (0, tfl.INT32):
        raise op.fail("quantized_bias_type other than INT32 is not supported")
    xs, ys = c.hwc(x, op, "input"), c.hwc(y, op, "output")
    w, bias = c.weights(model, op, x, y, op.inputs[1], c.optional_input(op, 2))
    if len(w.shape) != 2:
        raise op.fail("weights shape %s is not [O, I]" % (w.shape,))
    units, n_in = w.shape
    if n_in == 0 or x.elements() % n_in:
        raise op.fail("input has %d elements, not a whole number of rows of the weights' %d"
                      % (x.elements(), n_in))
    rows = x.elements() // n_in
    expected = dense_output_shape(xs, rows, n_in, units)
    if y.elements() != rows * units:
        raise op.fail("output shape %s is not %d rows of %d" % (y.shape, rows, units))
    if ys != expected:
        raise op.fail("output shape %s does not keep the input's leading dimensions %s (mote's "
                      "batched Dense gives %s)" % (y.shape, x.shape[:-1], c.shape_text(expected)))
    wq = c.weight_quant(op, x, y, w, bias, units, 0)
    if wq.scales is not None:
        c.check_fold_cost(op, "Dense", w.elements(), units)
        c.check_int8_weighted(op, wq, act, c.row_sums(w, units, n_in))
        c.check_compaction(op, "Dense", w, units, n_in)
    batch = "" if rows == 1 else "%d x " % rows
    return c.Parsed("Dense", [x.index], DenseParams(units, act, wq),
                    "%s%d -> %d %s" % (batch, n_in, units, act.upper()))


def emit(emitter, layer, prefix):
    p = layer.p
    return em.T("mote::Dense", [str(p.units), em.activation(p.act),
                                emitter.weights(p.weights, prefix)])
