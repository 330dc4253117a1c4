"""SVDF -> mote::Svdf (TFLite's int8 SVDF with int16 time weights and activation state).

Tensor slots: 0 input [batches, inputs]; 1 feature weights [filters, inputs] (int8); 2 time
weights [filters, memory] (int16); 3 bias [units] (int32; TFLM's int8 kernel needs one, mote
reads a missing one as zero); 4 the activation state [batches, memory * filters], a variable
tensor whose value lives in the layer's Net::State.  filters = units * rank.  Hybrid (float32
input, int8 weights) and float32 SVDF are not supported, so asymmetric_quantize_inputs (hybrid
only) never applies.
"""
import collections
import struct

from .. import emit as em
from .. import tflite as tfl
from . import common as c

BUILTINS = {"SVDF": 3}

FEATURE, TIME, BIAS, STATE = 1, 2, 3, 4

SvdfParams = collections.namedtuple(
    "SvdfParams",
    "units rank memory feature time bias feature_scale time_scale state_index state_q out_q")



def check_effective_scale(op, a, b, divisor, what):
    """reference::float_effective_scale (kernels/reference/svdf.hpp): TFLM forms a * b / divisor
    in float32; it must stay finite and below 2^31 (a requantization shift of at most 31)."""
    product = a * b
    if product > c.FLOAT32_MAX or product / divisor >= float(1 << 31):
        raise op.fail("%s %.9g needs a requantization shift above 31" % (what, product / divisor))


def state_tensor(model, op):
    idx = op.inputs[STATE]
    t = model.tensors[idx] if idx >= 0 else None
    if t is None or not t.is_variable or t.data is not None:
        raise op.fail("the activation state (input 4) must be a variable tensor")
    users = sum(other.inputs.count(idx) + other.outputs.count(idx) for other in model.operators)
    if users != 1 or idx in model.inputs or idx in model.outputs:
        raise op.fail("the activation state (tensor %d) is used elsewhere; mote keeps it inside "
                      "the layer" % idx)
    return t


def parse(model, op):
    c.check_io_count(op, 5, 5)
    x = c.activation_input(model, op, 0)
    y = model.tensors[op.outputs[0]]
    feature = c.const_tensor(model, op, op.inputs[FEATURE], "feature weights")
    time = c.const_tensor(model, op, op.inputs[TIME], "time weights")
    if c.is_float(x):
        if feature.type in (tfl.INT8, tfl.UINT8):
            raise op.fail("hybrid model: float32 input with %s weights is not supported"
                          % feature.type_name)
        raise op.fail("float32 SVDF is not supported (mote implements TFLite's int8 SVDF)")
    if not c.is_int8(x) or not c.is_int8(y):
        raise op.fail("SVDF %s -> %s is not supported (INT8 -> INT8)"
                      % (x.type_name, y.type_name))
    state = state_tensor(model, op)
    if feature.type != tfl.INT8 or time.type != tfl.INT16 or state.type != tfl.INT16:
        raise op.fail("int8 SVDF needs INT8 feature weights, INT16 time weights and an INT16 "
                      "state (has %s, %s, %s)"
                      % (feature.type_name, time.type_name, state.type_name))
    bias_idx = c.optional_input(op, BIAS)
    bias = c.const_tensor(model, op, bias_idx, "bias") if bias_idx is not None else None
    if bias is not None and bias.type != tfl.INT32:
        raise op.fail("int8 SVDF with %s bias is not supported (int32 expected)"
                      % bias.type_name)

    o = c.options(op, tfl.OPTION_TAGS["SVDFOptions"])
    rank = o.scalar(0, "i32", 0)
    # TFLM's int8 SVDF applies no fused activation (only the int8 saturation): accepted, dropped.
    act = o.scalar(1, "i8", 0)

    if len(x.shape) != 2 or len(y.shape) != 2:
        raise op.fail("input and output must be 2-D [batches, features]")
    c.hwc(x, op, "input")
    c.hwc(y, op, "output")
    batches, inputs = x.shape
    if len(feature.shape) != 2 or feature.shape[1] != inputs or len(time.shape) != 2:
        raise op.fail("feature weights %s / time weights %s do not fit %d inputs"
                      % (feature.shape, time.shape, inputs))
    filters, memory = time.shape
    if rank <= 0 or feature.shape[0] != filters or filters % rank != 0:
        raise op.fail("rank %d does not divide the %d filters of feature weights %s and time "
                      "weights %s" % (rank, filters, feature.shape, time.shape))
    units = filters // rank
    for t, what in ((feature, "feature weights"), (time, "time weights"),
                    (state, "activation state")):
        if any(d <= 0 or d > c.MAX_DIM for d in t.shape) or t.elements() > c.MAX_ELEMENTS:
            raise op.fail("%s shape %s is not supported" % (what, t.shape))
    if list(y.shape) != [batches, units] or list(state.shape) != [batches, memory * filters] \
            or (bias is not None and list(bias.shape) != [units]):
        raise op.fail("shapes do not fit an SVDF of %d units, rank %d, memory %d: input %s, "
                      "output %s, state %s, bias %s"
                      % (units, rank, memory, x.shape, y.shape, state.shape,
                         bias.shape if bias is not None else "none"))
    for t, size in ((feature, 1), (time, 2), (bias, 4)):
        if t is not None and len(t.data) != t.elements() * size:
            raise op.fail("tensor %d holds %d bytes, its shape %s needs %d"
                          % (t.index, len(t.data), t.shape, t.elements() * size))

    in_q = c.act_quant(x, op, "input")
    out_q = c.act_quant(y, op, "output")
    feature_scale = c.symmetric_scale(op, feature, "feature weights")
    time_scale = c.symmetric_scale(op, time, "time weights")
    state_q = (c.symmetric_scale(op, state, "activation state"), 0)
    if bias is not None:
        # TFLM's Prepare refuses the model otherwise (the product in float32).
        expected = c.f32(state_q[0] * time_scale)
        bias_scale = bias.quant.scales[0] if bias.quant is not None and bias.quant.scales \
            else None
        if bias_scale is None or not abs(bias_scale - expected) < 1e-5:
            raise op.fail("bias scale %r is not state scale * time weights scale = %r (TFLM "
                          "allows 1e-5)" % (bias_scale, expected))
    check_effective_scale(op, in_q[0], feature_scale, state_q[0],
                          "input scale * feature weights scale / state scale")
    check_effective_scale(op, state_q[0], time_scale, out_q[0],
                          "state scale * time weights scale / output scale")
    ignored = "" if act == tfl.ACT_NONE else " (TFLM's int8 SVDF ignores its fused %s)" \
        % tfl.ACT_NAMES.get(act, str(act))
    return c.Parsed("Svdf", [x.index],
                    SvdfParams(units, rank, memory, feature, time, bias, feature_scale,
                               time_scale, state.index, state_q, out_q),
                    "%s%d -> %d units, rank %d, memory %d%s"
                    % ("%d x " % batches if batches > 1 else "", inputs, units, rank, memory,
                       ignored))


def emit(emitter, layer, prefix):
    p = layer.p
    emitter.decls.append("// feature weights: tensor %d, time weights: tensor %d%s, state: "
                         "tensor %d" % (p.feature.index, p.time.index,
                                        ", bias: tensor %d" % p.bias.index
                                        if p.bias is not None else "", p.state_index))
    emitter.array("std::int8_t", prefix + "_feature",
                  [str(v) for v in struct.unpack("<%db" % p.feature.elements(), p.feature.data)])
    emitter.array("std::int16_t", prefix + "_time",
                  [str(v) for v in struct.unpack("<%dh" % p.time.elements(), p.time.data)])
    bias = "{}"
    if p.bias is not None:
        bias = prefix + "_bias"
        emitter.array("std::int32_t", bias,
                      [str(v) for v in struct.unpack("<%di" % p.bias.elements(), p.bias.data)])
    emitter.decls.extend([
        "inline constexpr mote::SvdfWeights %s_w{" % prefix,
        "    %s_feature, %s, %s_time, %s, %s," % (prefix, em.hexfloat(p.feature_scale), prefix,
                                                 em.hexfloat(p.time_scale), bias),
        "    mote::QuantParams{%s, 0},  // activation state" % em.hexfloat(p.state_q[0]),
        "    mote::QuantParams{%s, %d}};  // output" % (em.hexfloat(p.out_q[0]), p.out_q[1])])
    return em.T("mote::Svdf", [str(p.units), str(p.rank), str(p.memory), prefix + "_w"])
