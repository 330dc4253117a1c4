"""SPLIT, SPLIT_V (constant axis and sizes) -> one mote::StridedSlice per output."""
from .. import tflite as tfl
from . import common as c
from .strided_slice import emit, slice_params, summary  # noqa: F401  (emit: each output's)

BUILTINS = {"SPLIT": 2, "SPLIT_V": 2}


def _axis(model, op, slot, x):
    t = c.const_tensor(model, op, op.inputs[slot], "axis")
    vals = c.int_values(model, op, op.inputs[slot], "axis")
    if t.type != tfl.INT32 or len(vals) != 1:
        raise op.fail("axis must be one INT32 value (tensor %d holds %d %s)"
                      % (t.index, len(vals), t.type_name))
    c.mote_axis(x, vals[0], op)
    return vals[0] + len(x.shape) if vals[0] < 0 else vals[0]


def _sizes(model, op, x, axis, n):
    """The extent of each of the n outputs along axis."""
    extent = x.shape[axis]
    if op.name == "SPLIT":
        if extent % n:
            raise op.fail("dimension %d of size %d does not split into %d equal parts"
                          % (axis, extent, n))
        return [extent // n] * n
    sizes = c.int_values(model, op, op.inputs[1], "size_splits")
    if len(sizes) != n:
        raise op.fail("size_splits %s has %d entries for %d outputs" % (sizes, len(sizes), n))
    known = [s for s in sizes if s != -1]
    if len(known) < n - 1 or any(s < 0 for s in known) or sum(known) > extent:
        raise op.fail("size_splits %s do not split dimension %d of size %d"
                      % (sizes, axis, extent))
    sizes = [extent - sum(known) if s == -1 else s for s in sizes]
    if sum(sizes) != extent:
        raise op.fail("size_splits %s do not add up to dimension %d of size %d"
                      % (sizes, axis, extent))
    return sizes


def parse_outputs(model, op):
    split_v = op.name == "SPLIT_V"
    o = c.options(op, tfl.OPTION_TAGS["SplitVOptions" if split_v else "SplitOptions"],
                  required=False)
    n = o.scalar(0, "i32", 0) if o is not None else len(op.outputs)
    if n < 1 or n != len(op.outputs):
        raise op.fail("num_splits %d does not match its %d outputs" % (n, len(op.outputs)))
    c.check_io_count(op, 3 if split_v else 2, 3 if split_v else 2, n)
    x_slot = 0 if split_v else 1
    x = c.activation_input(model, op, x_slot)
    c.check_dtype(op, x, "input")
    xs = c.hwc(x, op, "input")
    axis = _axis(model, op, 2 if split_v else 0, x)
    sizes = _sizes(model, op, x, axis, n)
    if 0 in sizes:
        raise op.fail("size_splits %s make an empty output" % sizes)
    parsed = []
    offset = 0
    for k, size in enumerate(sizes):
        y = model.tensors[op.outputs[k]]
        c.check_same_dtype(op, x, y)
        counts = list(x.shape)
        counts[axis] = size
        if list(y.shape) != counts:
            raise op.fail("output %d has shape %s, expected %s" % (k, y.shape, counts))
        if c.is_int8(x):
            c.check_same_quant(op, x, y, "%s outputs must keep the quantization" % op.name)
        starts = [0] * len(counts)
        starts[axis] = offset
        p = slice_params(x, starts, [1] * len(counts), counts)
        parsed.append(c.Parsed("StridedSlice", [x.index], p,
                               "output %d of %d: %s" % (k, n, summary(xs, p))))
        offset += size
    return parsed
