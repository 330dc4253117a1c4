"""QUANTIZE -> mote::Quantize: float32 -> int8, or a requantization between the integer types
TFLite Micro converts (reference::requantizes, kernels/reference/quantize.hpp)."""
import collections

from .. import emit as em
from .. import tflite as tfl
from . import common as c

BUILTINS = {"QUANTIZE": 2}

# (input, output) element types of reference::requantizes.
REQUANTIZES = {(tfl.INT8, tfl.INT8), (tfl.INT8, tfl.UINT8), (tfl.INT8, tfl.INT16),
               (tfl.INT8, tfl.INT32), (tfl.UINT8, tfl.INT8), (tfl.INT16, tfl.INT8),
               (tfl.INT16, tfl.INT16), (tfl.INT16, tfl.INT32)}
ZERO_POINT_RANGES = {tfl.INT8: (-128, 127), tfl.UINT8: (0, 255), tfl.INT16: (-32768, 32767),
                     tfl.INT32: (c.INT32_MIN, c.INT32_MAX)}

QuantizeParams = collections.namedtuple("QuantizeParams", "out_q out_type")


def quant(op, t, what):
    """(scale, zero_point) of an integer tensor: reference::valid_quant_for<T>."""
    q = t.quant
    kind = t.type_name.lower()
    if q is None or len(q.scales) != 1 or len(q.zero_points) != 1:
        raise op.fail("%s tensor %d (%s) is %s but lacks per-tensor quantization"
                      % (what, t.index, t.name, kind))
    s, z = q.scales[0], q.zero_points[0]
    if not c.finite_positive(s):
        raise op.fail("%s tensor %d (%s) has an invalid scale %r" % (what, t.index, t.name, s))
    lo, hi = ZERO_POINT_RANGES[t.type]
    if not lo <= z <= hi:
        raise op.fail("%s tensor %d (%s) has zero point %d outside %s"
                      % (what, t.index, t.name, z, kind))
    return (s, z)


def parse(model, op):
    c.check_io_count(op, 1, 1)
    x = c.activation_input(model, op, 0)
    y = model.tensors[op.outputs[0]]
    if (x.type, y.type) != (tfl.FLOAT32, tfl.INT8) and (x.type, y.type) not in REQUANTIZES:
        raise op.fail("QUANTIZE %s -> %s is not supported (FLOAT32 -> INT8; INT8 -> INT8, UINT8, "
                      "INT16, INT32; UINT8 -> INT8; INT16 -> INT8, INT16, INT32)"
                      % (x.type_name, y.type_name))
    c.check_same_shape(op, x, y)
    out_q = quant(op, y, "output")
    if not c.is_float(x):
        in_q = quant(op, x, "input")
        c.check_shift(op, in_q[0] / out_q[0], "input scale / output scale")
    return c.Parsed("Quantize", [x.index], QuantizeParams(out_q, y.type),
                    "%s %s -> %s" % (c.shape_text(c.hwc(y)), x.type_name, y.type_name))


def emit(emitter, layer, prefix):
    p = layer.p
    args = [emitter.quant_object(prefix + "_out_q", p.out_q)]
    if p.out_type != tfl.INT8:        # mote::Quantize's Out defaults to int8
        args.append(em.C_TYPES[p.out_type])
    return em.T("mote::Quantize", args)
