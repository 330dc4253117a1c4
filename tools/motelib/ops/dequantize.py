"""DEQUANTIZE (int8 -> float32) -> mote::Dequantize."""
from .. import emit as em
from . import common as c

BUILTINS = {"DEQUANTIZE": 2}


def parse(model, op):
    x, y = c.unary_setup(model, op)
    if not c.is_int8(x) or not c.is_float(y):
        raise op.fail("DEQUANTIZE %s -> %s is not supported (INT8 -> FLOAT32 only)"
                      % (x.type_name, y.type_name))
    c.check_same_shape(op, x, y)
    c.act_quant(x, op, "input")
    return c.Parsed("Dequantize", [x.index], None, c.shape_text(c.hwc(y)))


def emit(emitter, layer, prefix):
    return em.T("mote::Dequantize", brackets=False)
