"""LEAKY_RELU -> mote::LeakyRelu."""
import collections
import math

from .. import emit as em
from .. import tflite as tfl
from . import common as c

BUILTINS = {"LEAKY_RELU": 1}

# out_q: the int8 output quantization, None for float32.
LeakyReluParams = collections.namedtuple("LeakyReluParams", "alpha out_q")



def check_int8(op, in_q, out_q, alpha):
    """make_leaky_relu_params (kernels/reference/leaky_relu.hpp): the identity ratio s_in / s_out
    and the alpha ratio s_in * alpha / s_out (each formed in float32) need shifts in -31..31;
    the C++ bounds them in double first (2^31) so that no float32 step overflows."""
    product = in_q[0] * alpha
    if not -c.FLOAT32_MAX <= product <= c.FLOAT32_MAX:
        raise op.fail("int8 LEAKY_RELU alpha %r times the input scale %r overflows float32"
                      % (alpha, in_q[0]))
    bound = float(1 << 31)
    if in_q[0] / out_q[0] > bound or abs(product / out_q[0]) > bound:
        raise op.fail("int8 LEAKY_RELU input scale %r (alpha %r) / output scale %r is beyond 2^31"
                      % (in_q[0], alpha, out_q[0]))
    c.check_shift(op, c.f32(in_q[0] / out_q[0]), "input scale / output scale (float32)")
    c.check_shift(op, c.f32(c.f32(product) / out_q[0]),
                  "input scale * alpha / output scale (float32)")


def parse(model, op):
    x, y = c.unary_setup(model, op)
    c.check_same_dtype(op, x, y)
    c.check_same_shape(op, x, y)
    ys = c.hwc(y, op, "output")
    o = c.options(op, tfl.OPTION_TAGS["LeakyReluOptions"], required=False)
    alpha = o.scalar(0, "f32", 0.0) if o is not None else 0.0   # TFLite's default: 0
    if not math.isfinite(alpha):
        raise op.fail("alpha %r is not supported" % alpha)
    out_q = None
    if c.is_int8(x):
        out_q = c.act_quant(y, op, "output")
        check_int8(op, c.act_quant(x, op, "input"), out_q, alpha)
    return c.Parsed("LeakyRelu", [x.index], LeakyReluParams(alpha, out_q),
                    "%s alpha %g" % (c.shape_text(ys), alpha))


def emit(emitter, layer, prefix):
    p = layer.p
    emitter.decls.append("inline constexpr mote::LeakyReluParams %s_leaky{%s};"
                         % (prefix, em.hexfloat(p.alpha)))
    args = [prefix + "_leaky"]
    if p.out_q is not None:
        args.append(emitter.quant_object(prefix + "_out_q", p.out_q))
    return em.T("mote::LeakyRelu", args)
