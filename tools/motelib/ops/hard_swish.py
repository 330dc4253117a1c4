"""HARD_SWISH -> mote::HardSwish."""
import collections

from .. import emit as em
from .. import tflite as tfl
from . import common as c

BUILTINS = {"HARD_SWISH": 1}

# out_q: the int8 output quantization, None for float32.
HardSwishParams = collections.namedtuple("HardSwishParams", "out_q")


def check_int8(op, in_q, out_q):
    """make_hard_swish_params (kernels/reference/hard_swish.hpp): with the input on the scale
    s_in / 128 (float32), the output ratio (s_in / 128) / s_out needs an exponent in -15..0 and
    the ratio to the reluish scale 3 / 2^15 one in -15..31; both divided in float32, bounded
    in double first."""
    hires = c.f32(in_q[0] / 128.0)
    reluish = 3.0 / 32768.0
    if hires / out_q[0] > 2.0:
        raise op.fail("int8 HARD_SWISH output scale %r is too small for the input scale %r "
                      "(TFLite needs more than about input scale / 128)" % (out_q[0], in_q[0]))
    if hires / reluish > float(1 << 31):
        raise op.fail("int8 HARD_SWISH input scale %r is too large" % in_q[0])
    out_exp = c.quantize_multiplier(c.f32(hires / out_q[0]))[1]
    if not -15 <= out_exp <= 0:
        raise op.fail("int8 HARD_SWISH output scale %r is out of range for the input scale %r "
                      "(needs about input scale / 128 < output scale <= 512 * input scale)"
                      % (out_q[0], in_q[0]))
    if not -15 <= c.quantize_multiplier(c.f32(hires / reluish))[1] <= 31:
        raise op.fail("int8 HARD_SWISH input scale %r is out of range" % in_q[0])


def parse(model, op):
    x, y = c.unary_setup(model, op)
    c.check_same_dtype(op, x, y)
    c.check_same_shape(op, x, y)
    ys = c.hwc(y, op, "output")
    c.options(op, tfl.OPTION_TAGS["HardSwishOptions"], required=False)
    out_q = None
    if c.is_int8(x):
        out_q = c.act_quant(y, op, "output")
        check_int8(op, c.act_quant(x, op, "input"), out_q)
    return c.Parsed("HardSwish", [x.index], HardSwishParams(out_q), c.shape_text(ys))


def emit(emitter, layer, prefix):
    return emitter.out_q_layer(layer, prefix, layer.p.out_q)
