"""SOFTMAX -> mote::Softmax (int8 -> int8, int8 -> int16, float32 -> float32)."""
import collections

from .. import emit as em
from .. import tflite as tfl
from . import common as c

BUILTINS = {"SOFTMAX": 2}

# out_q: the quantization of an int16 output (None for int8 and float32 outputs).
SoftmaxParams = collections.namedtuple("SoftmaxParams", "beta out_q")

INT16_UNIT_SCALE = 1.0 / 65536


def int16_output_quant(op, y):
    """make_softmax_params<int16_t> (kernels/reference/softmax.hpp), TFLM's rule: zero point
    -32768 and a scale within 0.1 % of 1/65536 (the difference taken in float32)."""
    q = y.quant
    if q is None or len(q.scales) != 1 or len(q.zero_points) != 1:
        raise op.fail("output tensor %d (%s) is int16 but lacks per-tensor quantization"
                      % (y.index, y.name))
    s, z = q.scales[0], q.zero_points[0]
    tolerance = c.f32(0.001) * INT16_UNIT_SCALE
    if z != -32768 or not c.f32(abs(s - INT16_UNIT_SCALE)) <= tolerance:
        raise op.fail("int8 -> int16 softmax output must have scale 1/65536 (within 0.1 %%) and "
                      "zero point -32768, not %r and %d" % (s, z))
    return (s, z)


def parse(model, op):
    c.check_io_count(op, 1, 1)
    x = c.activation_input(model, op, 0)
    y = model.tensors[op.outputs[0]]
    c.check_dtype(op, x, "input")
    to_int16 = c.is_int8(x) and y.type == tfl.INT16
    if not to_int16:
        c.check_dtype(op, y, "output")
        c.check_same_dtype(op, x, y)
    o = c.options(op, tfl.OPT_SOFTMAX, required=False)
    beta = o.scalar(0, "f32", 0.0) if o is not None else 1.0
    if not c.finite_positive(beta):
        raise op.fail("softmax beta %r is not supported" % beta)
    c.check_same_shape(op, x, y)
    out_q = None
    if c.is_int8(x):
        in_q = c.act_quant(x, op, "input")
        if to_int16:
            out_q = int16_output_quant(op, y)
        elif c.act_quant(y, op, "output") != (1.0 / 256, -128):
            raise op.fail("int8 softmax output must have scale 1/256 and zero point -128")
        c.check_softmax_scale(op, beta, in_q)
    return c.Parsed("Softmax", [x.index], SoftmaxParams(beta, out_q),
                    "%s beta %g%s" % (c.shape_text(c.hwc(y)), beta,
                                      ", INT16 output" if to_int16 else ""))


def emit(emitter, layer, prefix):
    p = layer.p
    params = None
    if p.beta != 1.0:
        params = prefix + "_softmax"
        emitter.decls.append("inline constexpr mote::SoftmaxParams %s{%s};"
                             % (params, em.hexfloat(p.beta)))
    if p.out_q is not None:
        return em.T("mote::Softmax", [params or "mote::softmax_beta_one", "std::int16_t",
                                      emitter.quant_object(prefix + "_out_q", p.out_q)])
    return em.T("mote::Softmax", [params] if params else [])
