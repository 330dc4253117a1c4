"""UNIDIRECTIONAL_SEQUENCE_LSTM -> mote::Lstm (TFLite's integer int8x8_16 LSTM, or float32).

Tensor slots (TFLite's LSTM layout): 0 input; 1-4 input-to-gate weights and 5-8 recurrent
weights, gates in the order input, forget, cell, output; 9-11 peephole, 16-17 projection and
20-23 layer norm (mote, like TFLite Micro, takes none of them); 12-15 gate biases; 18 the hidden
state and 19 the cell state (variable tensors: their values live in Net::State).  The operator's
intermediate tensors are ignored, as TFLite Micro ignores them.
"""
import collections
import math
import struct

from .. import emit as em
from .. import tflite as tfl
from . import common as c

BUILTINS = {"UNIDIRECTIONAL_SEQUENCE_LSTM": 1}
INTERMEDIATES = True

GATES = ("input", "forget", "cell", "output")
INPUT_WEIGHTS, RECURRENT_WEIGHTS, BIASES = (1, 2, 3, 4), (5, 6, 7, 8), (12, 13, 14, 15)
ABSENT = (9, 10, 11, 16, 17, 20, 21, 22, 23)
HIDDEN, CELL = 18, 19

LstmParams = collections.namedtuple(
    "LstmParams", "units time_major cell_clip gates hidden_q cell_scale is_float")
Gate = collections.namedtuple("Gate", "input recurrent bias input_scale recurrent_scale")


def _state_tensor(model, op, slot, what):
    if len(op.inputs) <= slot or op.inputs[slot] < 0:
        raise op.fail("the %s state (input %d) is missing" % (what, slot))
    t = model.tensors[op.inputs[slot]]
    if not t.is_variable or t.data is not None:
        raise op.fail("the %s state (tensor %d) must be a variable tensor" % (what, t.index))
    return t


def parse(model, op):
    if len(op.inputs) != 24:
        raise op.fail("has %d inputs, expected TFLite's 24-slot LSTM layout" % len(op.inputs))
    c.check_io_count(op, 24, 24)
    x = c.activation_input(model, op, 0)
    y = model.tensors[op.outputs[0]]
    c.check_dtype(op, x, "input")
    c.check_same_dtype(op, x, y)
    for slot in ABSENT:
        if op.inputs[slot] >= 0:
            raise op.fail("input %d (peephole, projection or layer norm) is not supported; "
                          "mote, like TFLite Micro, runs the plain LSTM" % slot)
    o = c.options(op, tfl.OPTION_TAGS["UnidirectionalSequenceLSTMOptions"])
    if o.scalar(0, "i8", 0) != tfl.ACT_TANH:
        raise op.fail("cell activation %s is not supported (TANH only)"
                      % tfl.ACT_NAMES.get(o.scalar(0, "i8", 0), "?"))
    cell_clip = o.scalar(1, "f32", 0.0)
    if not math.isfinite(cell_clip) or cell_clip < 0:
        raise op.fail("cell_clip %r is not supported" % cell_clip)
    if o.scalar(2, "f32", 0.0) != 0.0:
        raise op.fail("proj_clip without a projection is not supported")
    time_major = bool(o.scalar(3, "bool", 0))
    if len(x.shape) != 3 or len(y.shape) != 3:
        raise op.fail("input and output must be 3-D ([batch, time, features] or time-major)")
    outer, inner, n_in = x.shape
    hidden = _state_tensor(model, op, HIDDEN, "hidden")
    cell = _state_tensor(model, op, CELL, "cell")
    units = hidden.shape[-1] if hidden.shape else 0
    batch = inner if time_major else outer
    if list(y.shape) != [outer, inner, units] or list(hidden.shape) != [batch, units] or \
            list(cell.shape) != [batch, units]:
        raise op.fail("shapes do not fit an LSTM of %d units: input %s, output %s, states %s "
                      "and %s" % (units, x.shape, y.shape, hidden.shape, cell.shape))
    gates = []
    is_float = c.is_float(x)
    for g, wi, wr, b in zip(GATES, INPUT_WEIGHTS, RECURRENT_WEIGHTS, BIASES):
        ti = c.const_tensor(model, op, op.inputs[wi], "%s gate input weights" % g)
        tr = c.const_tensor(model, op, op.inputs[wr], "%s gate recurrent weights" % g)
        tb = c.const_tensor(model, op, op.inputs[b], "%s gate bias" % g)
        if list(ti.shape) != [units, n_in] or list(tr.shape) != [units, units] or \
                list(tb.shape) != [units]:
            raise op.fail("%s gate weights %s / %s / bias %s do not fit %d units of %d inputs"
                          % (g, ti.shape, tr.shape, tb.shape, units, n_in))
        if is_float:
            for t in (ti, tr, tb):
                if t.type != tfl.FLOAT32:
                    raise op.fail("float32 LSTM with %s tensor %d (hybrid models are not "
                                  "supported)" % (t.type_name, t.index))
            gates.append(Gate(ti, tr, tb, None, None))
            continue
        if ti.type != tfl.INT8 or tr.type != tfl.INT8 or tb.type != tfl.INT32:
            raise op.fail("int8 LSTM needs INT8 weights and INT32 biases (%s gate)" % g)
        gates.append(Gate(ti, tr, tb, c.symmetric_scale(op, ti, "%s gate input weights" % g),
                          c.symmetric_scale(op, tr, "%s gate recurrent weights" % g)))
    hidden_q = cell_scale = None
    if not is_float:
        c.act_quant(x, op, "input")
        hidden_q = c.act_quant(hidden, op, "hidden state")
        if c.act_quant(y, op, "output") != hidden_q:
            raise op.fail("the output must be quantized like the hidden state")
        if cell.type != tfl.INT16:
            raise op.fail("int8 LSTM needs an INT16 cell state, not %s" % cell.type_name)
        cq = cell.quant
        if cq is None or len(cq.scales) != 1 or any(z != 0 for z in cq.zero_points):
            raise op.fail("the cell state must be quantized per tensor with zero point 0")
        cell_scale = cq.scales[0]
        exponent = math.frexp(cell_scale)[1] - 1 if cell_scale > 0 else None
        if exponent is None or cell_scale != 2.0 ** exponent or not -30 <= exponent <= 2:
            raise op.fail("cell state scale %r is not a power of two in [2^-30, 2^2]"
                          % cell_scale)
    elif hidden.type != tfl.FLOAT32 or cell.type != tfl.FLOAT32:
        raise op.fail("float32 LSTM needs float32 states")
    return c.Parsed("Lstm", [x.index],
                    LstmParams(units, time_major, cell_clip, gates, hidden_q, cell_scale,
                               is_float),
                    "%s -> %s, %d units%s%s" % (c.shape_text(c.hwc(x)), c.shape_text(c.hwc(y)),
                                                units, ", time-major" if time_major else "",
                                                ", cell clip %g" % cell_clip if cell_clip else ""))


def emit(emitter, layer, prefix):
    p = layer.p
    gates = []
    for name, g in zip(GATES, p.gates):
        arrays = []
        for what, t in (("wx", g.input), ("wh", g.recurrent), ("b", g.bias)):
            array = "%s_%s_%s" % (prefix, what, name[0])
            if p.is_float:
                vals = struct.unpack("<%df" % t.elements(), t.data)
                emitter.array("float", array, [em.shortfloat(v) for v in vals])
            elif what == "b":
                emitter.array("std::int32_t", array,
                              [str(v) for v in struct.unpack("<%di" % t.elements(), t.data)])
            else:
                emitter.array("std::int8_t", array,
                              [str(v) for v in struct.unpack("<%db" % t.elements(), t.data)])
            arrays.append(array)
        if p.is_float:
            gates.append("{%s}" % ", ".join(arrays))
        else:
            gates.append("{%s, %s, %s, %s, %s}" % (arrays[0], arrays[1], arrays[2],
                                                   em.hexfloat(g.input_scale),
                                                   em.hexfloat(g.recurrent_scale)))
    if p.is_float:
        emitter.decls.append("inline constexpr mote::LstmFloatWeights %s_w{%s, %s};"
                             % (prefix, ", ".join(gates), em.hexfloat(p.cell_clip)))
    else:
        emitter.decls.append("inline constexpr mote::LstmWeights %s_w{%s, {%s, %d}, %s, %s};"
                             % (prefix, ", ".join(gates), em.hexfloat(p.hidden_q[0]),
                                p.hidden_q[1], em.hexfloat(p.cell_scale),
                                em.hexfloat(p.cell_clip)))
    return em.T("mote::Lstm", [str(p.units), prefix + "_w",
                               "true" if p.time_major else "false"])
