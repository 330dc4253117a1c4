"""CONV_2D -> mote::Conv2D."""
import collections

from .. import emit as em
from .. import tflite as tfl
from . import common as c

BUILTINS = {"CONV_2D": 3}

Conv2DParams = collections.namedtuple(
    "Conv2DParams", "filters kernel stride padding act dilation weights")


def parse(model, op):
    c.check_io_count(op, 2, 3)
    x, y = c.unary_setup(model, op, (2, 3))
    o = c.options(op, tfl.OPT_CONV2D)
    padding = c.padding(op, o.scalar(0, "i8", 0))
    sw, sh = o.scalar(1, "i32", 0), o.scalar(2, "i32", 0)
    act = c.activation(op, o.scalar(3, "i8", 0))
    dw, dh = o.scalar(4, "i32", 1), o.scalar(5, "i32", 1)
    if o.scalar(6, "i8", 0) not in (0, tfl.INT32):
        raise op.fail("quantized_bias_type other than INT32 is not supported")
    c.check_range(op, ((sw, "stride"), (sh, "stride"), (dw, "dilation"), (dh, "dilation")), 1, 64)
    xs, ys = c.hwc(x, op, "input"), c.hwc(y, op, "output")
    w, bias = c.weights(model, op, x, y, op.inputs[1], c.optional_input(op, 2))
    if len(w.shape) != 4:
        raise op.fail("filter shape %s is not [O, KH, KW, I]" % (w.shape,))
    oc, kh, kw, ic = w.shape
    if ic != xs[2]:
        raise op.fail("filter has %d input channels but the input has %d (grouped "
                      "convolution is not supported)" % (ic, xs[2]))
    exp = (c.out_size(op, xs[0], kh, sh, dh, padding), c.out_size(op, xs[1], kw, sw, dw, padding),
           oc)
    if len(x.shape) != 4 or len(y.shape) != 4:
        raise op.fail("input and output must be 4-D NHWC")
    if exp != ys:
        raise op.fail("output shape %s does not match the computed %s" % (list(ys), list(exp)))
    wq = c.weight_quant(op, x, y, w, bias, oc, 0)
    if wq.scales is not None:
        pointwise = (kh, kw, sh, sw) == (1, 1, 1, 1)   # kernels::is_pointwise: compacted
        c.check_fold_cost(op, "Conv2D 1x1" if pointwise else "Conv2D", w.elements(), oc)
        c.check_int8_weighted(op, wq, act, c.row_sums(w, oc, kh * kw * ic))
        if pointwise:
            c.check_compaction(op, "Conv2D", w, oc, ic)
    params = Conv2DParams(oc, (kh, kw), (sh, sw), padding, act, (dh, dw), wq)
    summary = "%s -> %s, %dx%d stride %dx%d %s %s" % (
        c.shape_text(xs), c.shape_text(ys), kh, kw, sh, sw, padding.upper(), act.upper())
    return c.Parsed("Conv2D", [x.index], params, summary)


def window_args(emitter, p, first, prefix):
    """Conv2D / DepthwiseConv2D template arguments after the first one."""
    args = [first, "mote::Kernel{%d, %d}" % p.kernel, "mote::Stride{%d, %d}" % p.stride,
            "mote::Padding::" + p.padding, em.activation(p.act),
            emitter.weights(p.weights, prefix)]
    if p.dilation != (1, 1):
        args.append("mote::Dilation{%d, %d}" % p.dilation)
    return args


def emit(emitter, layer, prefix):
    return em.T("mote::Conv2D", window_args(emitter, layer.p, str(layer.p.filters), prefix))
