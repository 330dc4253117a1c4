"""RELU, RELU6, LOGISTIC, TANH -> mote::ReLU, ReLU6, Logistic, Tanh (same shape in and out)."""
import collections

from .. import emit as em
from . import common as c

BUILTINS = {"RELU": 2, "RELU6": 2, "LOGISTIC": 2, "TANH": 2}
KINDS = {"RELU": "ReLU", "RELU6": "ReLU6", "LOGISTIC": "Logistic", "TANH": "Tanh"}
# int8 output quantization TFLite fixes for the op.
FIXED_OUT_Q = {"LOGISTIC": (1.0 / 256, -128), "TANH": (1.0 / 128, 0)}

# out_q: ReLU's int8 output quantization when it differs from the input's, else None.
ActivationParams = collections.namedtuple("ActivationParams", "out_q")


def parse(model, op):
    x, y = c.unary_setup(model, op)
    c.check_same_dtype(op, x, y)
    c.check_same_shape(op, x, y)
    c.hwc(y, op, "output")
    out_q = None
    if c.is_int8(x):
        qi = c.act_quant(x, op, "input")
        qo = c.act_quant(y, op, "output")
        fixed = FIXED_OUT_Q.get(op.name)
        if fixed is not None and qo != fixed:
            raise op.fail("int8 %s output must have scale %r and zero point %d"
                          % (op.name, fixed[0], fixed[1]))
        if op.name == "RELU6" and qo != qi:
            raise op.fail("int8 %s output quantization must equal the input's" % op.name)
        if op.name == "RELU" and qo != qi:
            out_q = qo
            c.check_shift(op, c.f32(qi[0] / qo[0]), "input scale / output scale (float32)")
        if op.name in FIXED_OUT_Q:
            c.check_activation_input(op, qi)
    return c.Parsed(KINDS[op.name], [x.index], ActivationParams(out_q), c.shape_text(c.hwc(y)))


def emit(emitter, layer, prefix):
    if layer.kind != "ReLU":
        return em.T("mote::" + layer.kind, brackets=False)
    return emitter.out_q_layer(layer, prefix, layer.p.out_q)
