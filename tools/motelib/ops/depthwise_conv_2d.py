"""DEPTHWISE_CONV_2D -> mote::DepthwiseConv2D."""
import collections
import struct

from .. import emit as em
from .. import tflite as tfl
from . import common as c
from .conv_2d import window_args

BUILTINS = {"DEPTHWISE_CONV_2D": 3}

DepthwiseConv2DParams = collections.namedtuple(
    "DepthwiseConv2DParams", "mult kernel stride padding act dilation weights")


def parse(model, op):
    c.check_io_count(op, 2, 3)
    x, y = c.unary_setup(model, op, (2, 3))
    o = c.options(op, tfl.OPT_DEPTHWISE_CONV2D)
    padding = c.padding(op, o.scalar(0, "i8", 0))
    sw, sh = o.scalar(1, "i32", 0), o.scalar(2, "i32", 0)
    mult_opt = o.scalar(3, "i32", 0)
    act = c.activation(op, o.scalar(4, "i8", 0))
    dw, dh = o.scalar(5, "i32", 1), o.scalar(6, "i32", 1)
    c.check_range(op, ((sw, "stride"), (sh, "stride"), (dw, "dilation"), (dh, "dilation")), 1, 64)
    xs, ys = c.hwc(x, op, "input"), c.hwc(y, op, "output")
    if len(x.shape) != 4 or len(y.shape) != 4:
        raise op.fail("input and output must be 4-D NHWC")
    w, bias = c.weights(model, op, x, y, op.inputs[1], c.optional_input(op, 2))
    if len(w.shape) != 4 or w.shape[0] != 1:
        raise op.fail("filter shape %s is not [1, KH, KW, C*M]" % (w.shape,))
    _, kh, kw, oc = w.shape
    if oc % xs[2] != 0:
        raise op.fail("filter channels %d are not a multiple of the input channels %d"
                      % (oc, xs[2]))
    mult = oc // xs[2]
    if mult_opt not in (0, mult):
        raise op.fail("depth_multiplier %d does not match the filter (%d)" % (mult_opt, mult))
    exp = (c.out_size(op, xs[0], kh, sh, dh, padding), c.out_size(op, xs[1], kw, sw, dw, padding),
           oc)
    if exp != ys:
        raise op.fail("output shape %s does not match the computed %s" % (list(ys), list(exp)))
    wq = c.weight_quant(op, x, y, w, bias, oc, 3)
    if wq.scales is not None:
        c.check_fold_cost(op, "DepthwiseConv2D", w.elements(), oc)
        vals = struct.unpack("<%db" % w.elements(), w.data)
        c.check_int8_weighted(op, wq, act,
                              [sum(vals[o::oc]) for o in range(oc)])
    params = DepthwiseConv2DParams(mult, (kh, kw), (sh, sw), padding, act, (dh, dw), wq)
    summary = "%s -> %s, %dx%d stride %dx%d %s %s, multiplier %d" % (
        c.shape_text(xs), c.shape_text(ys), kh, kw, sh, sw, padding.upper(), act.upper(), mult)
    return c.Parsed("DepthwiseConv2D", [x.index], params, summary)


def emit(emitter, layer, prefix):
    return em.T("mote::DepthwiseConv2D", window_args(emitter, layer.p, str(layer.p.mult), prefix))
