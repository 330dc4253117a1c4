"""STRIDED_SLICE, SLICE (constant bounds, positive strides) -> mote::StridedSlice."""
import collections

from .. import emit as em
from .. import tflite as tfl
from . import common as c

BUILTINS = {"STRIDED_SLICE": 2, "SLICE": 2}

# offsets, strides, shape: (h, w, c) triples in the input's mote axes.
SliceParams = collections.namedtuple("SliceParams", "offsets strides shape")

# StridedSliceOptions fields
BEGIN_MASK, END_MASK, ELLIPSIS_MASK, NEW_AXIS_MASK, SHRINK_AXIS_MASK, OFFSET = range(6)


def slice_params(x, starts, steps, counts):
    """Per-dimension (start, step, count) over TFLite input x -> SliceParams.  A rank-4 batch
    of 1 (hwc() has checked it) is always taken whole by a non-empty slice; lower ranks get the
    identity (offset 0, stride 1, the whole extent 1) on the axes they lack.  A step along an
    axis taken once does not matter and is written as 1."""
    if len(x.shape) == 4:
        starts, steps, counts = starts[1:], steps[1:], counts[1:]
    pad = 3 - len(starts)
    steps = [s if n > 1 else 1 for s, n in zip(steps, counts)]
    return SliceParams(tuple([0] * pad + list(starts)), tuple([1] * pad + steps),
                       tuple([1] * pad + list(counts)))


def summary(xs, p):
    return "%s -> %s from (%d, %d, %d) step (%d, %d, %d)" % (
        (c.shape_text(xs), c.shape_text(p.shape)) + p.offsets + p.strides)


def _bounds(model, op, slot, what, rank, types):
    t = c.const_tensor(model, op, op.inputs[slot], what)
    if t.type not in types:
        raise op.fail("%s tensor must be %s, not %s"
                      % (what, " or ".join(tfl.TENSOR_TYPE_NAMES[k] for k in types),
                         t.type_name))
    vals = c.int_values(model, op, op.inputs[slot], what)
    if len(t.shape) != 1 or len(vals) != rank:
        raise op.fail("%s tensor has shape %s; expected [%d] for the rank-%d input"
                      % (what, t.shape, rank, rank))
    return vals


def _strided_slice(model, op, x):
    """TFLite's begin / end / stride resolution (strided_slice_logic.h, stride > 0):
    (starts, steps, counts, shrunk axes)."""
    rank = len(x.shape)
    begin = _bounds(model, op, 1, "begin", rank, (tfl.INT32,))
    end = _bounds(model, op, 2, "end", rank, (tfl.INT32,))
    steps = _bounds(model, op, 3, "strides", rank, (tfl.INT32,))
    o = c.options(op, tfl.OPTION_TAGS["StridedSliceOptions"], required=False)

    def option(fid, kind):
        return o.scalar(fid, kind, 0) if o is not None else 0
    if option(ELLIPSIS_MASK, "i32") or option(NEW_AXIS_MASK, "i32"):
        raise op.fail("ellipsis_mask and new_axis_mask are not supported")
    if option(OFFSET, "bool"):
        raise op.fail("offset=true (end relative to begin) is not supported")
    begin_mask, end_mask, shrink_mask = (option(BEGIN_MASK, "i32"), option(END_MASK, "i32"),
                                         option(SHRINK_AXIS_MASK, "i32"))
    if any(s <= 0 for s in steps):
        raise op.fail("strides %s are not supported (positive strides only)" % steps)
    starts, counts, shrunk = [], [], []
    for a, size in enumerate(x.shape):
        start = 0 if begin_mask >> a & 1 else min(max(begin[a] + size if begin[a] < 0
                                                      else begin[a], 0), size)
        if shrink_mask >> a & 1:
            stop = min(start + 1, size)
            shrunk.append(a)
        elif end_mask >> a & 1:
            stop = size
        else:
            stop = min(max(end[a] + size if end[a] < 0 else end[a], 0), size)
        starts.append(start)
        counts.append(max(0, -(-(stop - start) // steps[a])))
    return starts, steps, counts, shrunk


def _slice(model, op, x):
    """TFLite SLICE's begin / size (size -1: to the end): (starts, steps, counts, [])."""
    rank = len(x.shape)
    begin = _bounds(model, op, 1, "begin", rank, (tfl.INT32, tfl.INT64))
    size = _bounds(model, op, 2, "size", rank, (tfl.INT32, tfl.INT64))
    if model.tensors[op.inputs[1]].type != model.tensors[op.inputs[2]].type:
        raise op.fail("begin and size tensors must have one type")
    counts = []
    for a, dim in enumerate(x.shape):
        n = dim - begin[a] if size[a] == -1 else size[a]
        if not 0 <= begin[a] <= dim or not 0 <= n <= dim - begin[a]:
            raise op.fail("begin %s and size %s do not fit the input shape %s"
                          % (begin, size, x.shape))
        counts.append(n)
    return begin, [1] * rank, counts, []


def parse(model, op):
    strided = op.name == "STRIDED_SLICE"
    x, y = c.unary_setup(model, op, (4, 4) if strided else (3, 3))
    c.check_same_dtype(op, x, y)
    xs = c.hwc(x, op, "input")
    if strided:
        starts, steps, counts, shrunk = _strided_slice(model, op, x)
    else:
        c.options(op, tfl.OPTION_TAGS["SliceOptions"], required=False)
        starts, steps, counts, shrunk = _slice(model, op, x)
    if 0 in counts:
        raise op.fail("the slice of %s is empty (%s elements per dimension)"
                      % (x.shape, counts))
    kept = [n for a, n in enumerate(counts) if a not in shrunk]
    if kept != list(y.shape):
        raise op.fail("output shape %s is not the sliced shape %s" % (y.shape, kept))
    p = slice_params(x, starts, steps, counts)
    ys = c.hwc(y, op, "output")
    if ys != p.shape:
        raise op.fail("shrink_axis_mask drops axes so that the output (%s in mote's h, w, c) "
                      "is not laid out as the slice (%s)"
                      % (c.shape_text(ys), c.shape_text(p.shape)))
    if c.is_int8(x):
        c.check_same_quant(op, x, y, "%s must keep the quantization" % op.name)
    return c.Parsed("StridedSlice", [x.index], p, summary(xs, p))


def emit(emitter, layer, prefix):
    p = layer.p
    return em.T("mote::StridedSlice", ["mote::Offsets{%d, %d, %d}" % p.offsets,
                                       "mote::Strides{%d, %d, %d}" % p.strides,
                                       "mote::Shape{%d, %d, %d}" % p.shape])
