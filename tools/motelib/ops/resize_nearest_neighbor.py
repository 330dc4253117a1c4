"""RESIZE_NEAREST_NEIGHBOR (constant size, 4-D NHWC) -> mote::ResizeNearestNeighbor."""
import collections

from .. import emit as em
from .. import tflite as tfl
from . import common as c

BUILTINS = {"RESIZE_NEAREST_NEIGHBOR": 4}

ResizeParams = collections.namedtuple("ResizeParams", "height width align_corners "
                                                      "half_pixel_centers")


def parse(model, op):
    x, y = c.unary_setup(model, op, (2, 2))
    c.check_same_dtype(op, x, y)
    if len(x.shape) != 4 or len(y.shape) != 4:
        raise op.fail("input and output must be 4-D NHWC (shapes %s and %s)" % (x.shape, y.shape))
    xs = c.hwc(x, op, "input")
    size_t = c.const_tensor(model, op, op.inputs[1], "size")
    size = c.int_values(model, op, op.inputs[1], "size")
    if size_t.type != tfl.INT32 or len(size) != 2:
        raise op.fail("size must be two INT32 values [height, width] (tensor %d holds %d %s)"
                      % (size_t.index, len(size), size_t.type_name))
    expected = [1, size[0], size[1], xs[2]]
    if list(y.shape) != expected:
        raise op.fail("output shape %s is not the resized %s" % (y.shape, expected))
    ys = c.hwc(y, op, "output")
    o = c.options(op, tfl.OPTION_TAGS["ResizeNearestNeighborOptions"], required=False)
    align = bool(o.scalar(0, "bool", 0)) if o is not None else False
    half = bool(o.scalar(1, "bool", 0)) if o is not None else False
    if c.is_int8(x):
        c.check_same_quant(op, x, y, "RESIZE_NEAREST_NEIGHBOR must keep the quantization")
    return c.Parsed("ResizeNearestNeighbor", [x.index], ResizeParams(ys[0], ys[1], align, half),
                    "%s -> %s%s%s" % (c.shape_text(xs), c.shape_text(ys),
                                      ", align_corners" if align else "",
                                      ", half_pixel_centers" if half else ""))


def emit(emitter, layer, prefix):
    p = layer.p
    args = [str(p.height), str(p.width)]
    if p.align_corners or p.half_pixel_centers:
        args.append("true" if p.align_corners else "false")
    if p.half_pixel_centers:
        args.append("true")
    return em.T("mote::ResizeNearestNeighbor", args)
