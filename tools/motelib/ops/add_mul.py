"""ADD, SUB, MUL (same-shape, no broadcasting) -> mote::Add, mote::Sub, mote::Mul."""
import collections

from .. import emit as em
from .. import tflite as tfl
from . import common as c

BUILTINS = {"ADD": 2, "SUB": 2, "MUL": 3}
JOIN = True
KINDS = {"ADD": "Add", "SUB": "Sub", "MUL": "Mul"}
# Field 0 of each is the fused activation.  SubOptions' pot_scale_int16 (field 1, default true)
# selects TFLite's int16 kernel only; int8 and float32 SUB ignore it.
OPTIONS = {"ADD": tfl.OPT_ADD, "SUB": tfl.OPTION_TAGS["SubOptions"], "MUL": tfl.OPT_MUL}

# out_q: the int8 output quantization, None for float32.
ElementwiseJoinParams = collections.namedtuple("ElementwiseJoinParams", "act out_q")


def join_tensors(model, op, max_inputs):
    """(inputs, output, input shapes, output shape) of a join with 2..max_inputs inputs."""
    c.check_io_count(op, 2, max_inputs)
    xs = [c.activation_input(model, op, i) for i in range(len(op.inputs))]
    y = model.tensors[op.outputs[0]]
    for x in xs:
        c.check_dtype(op, x, "input")
        c.check_same_dtype(op, x, y)
    ys = c.hwc(y, op, "output")
    shapes = [c.hwc(x, op, "input") for x in xs]
    return xs, y, shapes, ys


def check_sub_scales(op, in1_q, in2_q, out_q):
    """make_sub_params (kernels/reference/add.hpp): ADD's three ratios with 2 * max(s1, s2),
    2^20 * s_out and each quotient formed in float32, once ADD's output ratio (in double) is
    below 1 and nothing overflows float32; each must quantize as
    quantize_multiplier_smaller_than_one."""
    twice_max, shifted_out = 2.0 * max(in1_q[0], in2_q[0]), float(1 << 20) * out_q[0]
    if twice_max > c.FLOAT32_MAX or shifted_out > c.FLOAT32_MAX:
        raise op.fail("int8 SUB: twice the input scale %r or 2^20 times the output scale %r "
                      "overflows float32" % (max(in1_q[0], in2_q[0]), out_q[0]))
    if twice_max / shifted_out >= 1.0:
        ratios = (("output", twice_max / shifted_out),)
    else:
        ratios = (("input 0", c.f32(in1_q[0] / twice_max)),
                  ("input 1", c.f32(in2_q[0] / twice_max)),
                  ("output", c.f32(twice_max / c.f32(shifted_out))))
    for what, real in ratios:
        if not (0.0 < real < 1.0 and c.quantize_multiplier(real)[1] <= 0):
            raise op.fail("int8 SUB %s scale ratio %.9g is outside (0, 1) (float32): the output "
                          "scale %r is too small for the input scales %r and %r"
                          % (what, real, out_q[0], in1_q[0], in2_q[0]))


def parse(model, op):
    xs, y, shapes, ys = join_tensors(model, op, 2)
    o = c.options(op, OPTIONS[op.name], required=False)
    act = c.activation(op, o.scalar(0, "i8", 0)) if o is not None else "none"
    if any(s != ys for s in shapes) or any(x.shape != y.shape for x in xs):
        raise op.fail("broadcasting is not supported (input shapes %s, output %s)"
                      % ([x.shape for x in xs], y.shape))
    out_q = None
    if c.is_int8(y):
        in_q = [c.act_quant(x, op, "input") for x in xs]
        out_q = c.act_quant(y, op, "output")
        if op.name == "ADD":
            c.check_add_scales(op, in_q[0], in_q[1], out_q)
        elif op.name == "SUB":
            check_sub_scales(op, in_q[0], in_q[1], out_q)
        else:
            c.check_shift(op, in_q[0][0] * in_q[1][0] / out_q[0],
                          "input scale * input scale / output scale")
        c.activation_range(op, act, out_q)
    return c.Parsed(KINDS[op.name], [x.index for x in xs], ElementwiseJoinParams(act, out_q),
                    "%s %s" % (c.shape_text(ys), act.upper()))


def emit(emitter, layer, prefix):
    p = layer.p
    args = [em.activation(p.act)]
    if p.out_q is not None:
        args.append(emitter.quant_object(prefix + "_out_q", p.out_q))
    return em.T("mote::" + layer.kind, args)
