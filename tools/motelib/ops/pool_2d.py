"""AVERAGE_POOL_2D, MAX_POOL_2D -> mote::AveragePool2D, mote::MaxPool2D."""
import collections

from .. import emit as em
from .. import tflite as tfl
from . import common as c

BUILTINS = {"AVERAGE_POOL_2D": 2, "MAX_POOL_2D": 2}
KINDS = {"AVERAGE_POOL_2D": "AveragePool2D", "MAX_POOL_2D": "MaxPool2D"}

Pool2DParams = collections.namedtuple("Pool2DParams", "kernel stride padding act")


def parse(model, op):
    x, y = c.unary_setup(model, op)
    c.check_same_dtype(op, x, y)
    o = c.options(op, tfl.OPT_POOL2D)
    padding = c.padding(op, o.scalar(0, "i8", 0))
    sw, sh = o.scalar(1, "i32", 0), o.scalar(2, "i32", 0)
    fw, fh = o.scalar(3, "i32", 0), o.scalar(4, "i32", 0)
    act = c.activation(op, o.scalar(5, "i8", 0))
    c.check_range(op, [(v, "window/stride") for v in (sw, sh, fw, fh)], 1, c.MAX_DIM)
    if len(x.shape) != 4 or len(y.shape) != 4:
        raise op.fail("input and output must be 4-D NHWC")
    xs, ys = c.hwc(x, op, "input"), c.hwc(y, op, "output")
    exp = (c.out_size(op, xs[0], fh, sh, 1, padding), c.out_size(op, xs[1], fw, sw, 1, padding),
           xs[2])
    if exp != ys:
        raise op.fail("output shape %s does not match the computed %s" % (list(ys), list(exp)))
    if c.is_int8(x):
        c.check_same_quant(op, x, y, "int8 pooling must keep the input quantization")
        c.activation_range(op, act, c.act_quant(y, op, "output"))
    summary = "%s -> %s, %dx%d stride %dx%d %s %s" % (
        c.shape_text(xs), c.shape_text(ys), fh, fw, sh, sw, padding.upper(), act.upper())
    return c.Parsed(KINDS[op.name], [x.index], Pool2DParams((fh, fw), (sh, sw), padding, act),
                    summary)


def emit(emitter, layer, prefix):
    p = layer.p
    args = ["mote::Kernel{%d, %d}" % p.kernel, "mote::Stride{%d, %d}" % p.stride,
            "mote::Padding::" + p.padding]
    if p.act != "none":
        args.append(em.activation(p.act))
    return em.T("mote::" + layer.kind, args)
