"""Checks and option readers shared by the operator modules.

Every check raises ConvertError: op.fail(...) names the operator, a model-level problem has no
operator.
"""
import collections
import math
import struct

from .. import ConvertError
from .. import tflite as tfl

MAX_DIM = 1 << 16
FLOAT32_MAX = 3.4028234663852886e38   # the largest finite float32
MAX_ELEMENTS = 1 << 24

# What an operator module's parse() returns: the mote layer name (e.g. "Conv2D"), the activation
# input tensor indices in operator order, the op's typed parameters (for its emit()) and a
# one-line description for the header comment.
Parsed = collections.namedtuple("Parsed", "kind inputs params summary")

# Filter and bias of a weighted layer (Conv2D, DepthwiseConv2D, Dense).  scales / in_q / out_q
# are None for float32 layers; bias is None when the model has none.
Weights = collections.namedtuple("Weights", "filter bias scales in_q out_q")


def is_float(t):
    return t.type == tfl.FLOAT32


def is_int8(t):
    return t.type == tfl.INT8


def shape_text(s):
    return "x".join(str(d) for d in s)


def hwc(t, op=None, what="tensor"):
    """TFLite shape -> mote Shape{h, w, c}: rank 4 is NHWC with a batch of 1; a lower rank is
    left-padded with 1s ([B, T, F] -> {B, T, F}, [N, C] -> {1, N, C}, [C] -> {1, 1, C})."""
    s = list(t.shape)
    err = (op.fail if op is not None else ConvertError)
    if len(s) > 4:
        raise err("%s %d (%s) has rank %d shape %s; mote takes rank 4 (batch 1) or less"
                  % (what, t.index, t.name, len(s), s))
    if len(s) == 4 and s[0] != 1:
        raise err("%s %d (%s) has batch %d in a rank-4 shape; mote supports batch 1 there"
                  % (what, t.index, t.name, s[0]))
    for d in s:
        if d <= 0 or d > MAX_DIM:
            raise err("%s %d (%s) has an unsupported dimension in shape %s"
                      % (what, t.index, t.name, s))
    if t.elements() > MAX_ELEMENTS:
        raise err("%s %d (%s) is too large (%d elements)" % (what, t.index, t.name, t.elements()))
    if len(s) == 4:
        s = s[1:]
    return tuple([1] * (3 - len(s)) + s)


def mote_axis(t, axis, op):
    """A TFLite axis of tensor t (negative counts from the end) -> 0 (h), 1 (w) or 2 (c)."""
    rank = len(t.shape)
    a = axis + rank if axis < 0 else axis
    if not 0 <= a < rank:
        raise op.fail("axis %d is out of range for rank %d" % (axis, rank))
    if rank == 4 and a == 0:
        raise op.fail("operating along the batch axis is not supported")
    return a - 1 if rank == 4 else a + 3 - rank


AXES = ("height", "width", "channels")


def finite_positive(x):
    return math.isfinite(x) and x > 0


def symmetric_scale(op, t, what):
    """The one scale of a tensor quantized per tensor with zero point 0 (weights of LSTM, SVDF)."""
    q = t.quant
    if q is None or len(q.scales) != 1 or any(z != 0 for z in q.zero_points):
        raise op.fail("%s tensor %d must be quantized per tensor with zero point 0"
                      % (what, t.index))
    if not finite_positive(q.scales[0]):
        raise op.fail("%s tensor %d has an invalid scale %r" % (what, t.index, q.scales[0]))
    return q.scales[0]


def act_quant(t, op, what):
    """(scale, zero_point) of an int8 activation tensor."""
    q = t.quant
    if q is None or len(q.scales) != 1 or len(q.zero_points) != 1:
        raise op.fail("%s tensor %d (%s) is int8 but lacks per-tensor quantization"
                      % (what, t.index, t.name))
    s, z = q.scales[0], q.zero_points[0]
    if not finite_positive(s):
        raise op.fail("%s tensor %d (%s) has an invalid scale %r" % (what, t.index, t.name, s))
    if not -128 <= z <= 127:
        raise op.fail("%s tensor %d (%s) has zero point %d outside int8"
                      % (what, t.index, t.name, z))
    return (s, z)


def options(op, expected_type, required=True):
    """The operator's builtin options table (None when absent and not required)."""
    name = tfl.OPTIONS_NAMES[expected_type]
    if op.options_type == 0 or op.options is None:
        if required:
            raise op.fail("missing %s" % name)
        return None
    if op.options_type != expected_type:
        raise op.fail("builtin options type %d (%s) is not %s"
                      % (op.options_type, tfl.OPTIONS_NAMES.get(op.options_type, "unknown"),
                         name))
    return op.options


def activation(op, code):
    """Fused activation code -> mote::Activation enumerator name."""
    if code == tfl.ACT_NONE:
        return "none"
    if code == tfl.ACT_RELU:
        return "relu"
    if code == tfl.ACT_RELU6:
        return "relu6"
    raise op.fail("fused activation %s is not supported"
                  % tfl.ACT_NAMES.get(code, str(code)))


def padding(op, code):
    if code == tfl.PADDING_SAME:
        return "same"
    if code == tfl.PADDING_VALID:
        return "valid"
    raise op.fail("unknown padding %d" % code)


def out_size(op, n, k, stride, dil, pad):
    """Output extent of a window of k taps (dilation dil) over n inputs, TFLite's formula."""
    eff = (k - 1) * dil + 1
    if pad == "same":
        return (n + stride - 1) // stride
    if n < eff:
        raise op.fail("VALID window %d is larger than the input size %d" % (eff, n))
    return (n - eff) // stride + 1


def check_range(op, values, lo, hi):
    """Strides / dilations / windows: each (value, what) pair within [lo, hi]."""
    for v, what in values:
        if v < lo or v > hi:
            raise op.fail("%s %d is not supported" % (what, v))


def const_tensor(model, op, idx, what):
    t = model.tensors[idx]
    if t.data is None:
        raise op.fail("%s tensor %d (%s) must be constant" % (what, idx, t.name))
    return t


def int_values(model, op, idx, what):
    """The values of a constant INT32 / INT64 tensor."""
    t = const_tensor(model, op, idx, what)
    if t.type == tfl.INT32:
        fmt, size = "i", 4
    elif t.type == tfl.INT64:
        fmt, size = "q", 8
    else:
        raise op.fail("%s tensor must be INT32 or INT64, not %s" % (what, t.type_name))
    n = t.elements() if t.shape else len(t.data) // size
    if len(t.data) != n * size:
        raise op.fail("%s tensor %d holds %d bytes, expected %d" % (what, idx, len(t.data),
                                                                  n * size))
    return list(struct.unpack("<%d%s" % (n, fmt), t.data))


def check_io_count(op, n_in_min, n_in_max, n_out=1):
    if not n_in_min <= len(op.inputs) <= n_in_max:
        raise op.fail("has %d inputs, expected %s" % (
            len(op.inputs), n_in_min if n_in_min == n_in_max else "%d..%d" % (n_in_min,
                                                                              n_in_max)))
    if len(op.outputs) != n_out:
        raise op.fail("has %d outputs, expected %d" % (len(op.outputs), n_out))


def activation_input(model, op, slot):
    idx = op.inputs[slot]
    if idx < 0:
        raise op.fail("input %d is missing" % slot)
    t = model.tensors[idx]
    if t.data is not None:
        raise op.fail("input %d (tensor %d, %s) is a constant; mote layers take activations "
                      "only there" % (slot, idx, t.name))
    if t.is_variable:
        raise op.fail("input %d (tensor %d) is a variable tensor" % (slot, idx))
    return t


def check_dtype(op, t, what):
    """The element types of mote's arithmetic layers."""
    if t.type not in (tfl.INT8, tfl.FLOAT32):
        raise op.fail("%s tensor %d (%s) has type %s; mote supports INT8 and FLOAT32"
                      % (what, t.index, t.name, t.type_name))


def check_same_dtype(op, x, y):
    if x.type != y.type:
        raise op.fail("input is %s but output is %s" % (x.type_name, y.type_name))


def check_same_shape(op, x, y):
    if x.shape != y.shape:
        raise op.fail("output shape %s differs from input shape %s" % (y.shape, x.shape))


def check_same_quant(op, a, b, rule):
    qa = act_quant(a, op, "input")
    qb = act_quant(b, op, "output")
    if qa != qb:
        raise op.fail("%s (input %r/%d, output %r/%d)" % (rule, qa[0], qa[1], qb[0], qb[1]))


def unary_setup(model, op, n_in=(1, 1)):
    """(input, output) tensors of a one-activation-input operator, dtypes checked."""
    check_io_count(op, n_in[0], n_in[1])
    x = activation_input(model, op, 0)
    y = model.tensors[op.outputs[0]]
    check_dtype(op, x, "input")
    check_dtype(op, y, "output")
    return x, y


def optional_input(op, slot):
    """Tensor index of an optional input (a missing slot or -1 -> None)."""
    return op.inputs[slot] if len(op.inputs) > slot and op.inputs[slot] >= 0 else None


def weights(model, op, x, y, filt_idx, bias_idx):
    """Filter and bias tensors of Conv2D, DepthwiseConv2D and Dense: types and byte sizes
    (the layout is the caller's; weight_quant checks the rest)."""
    w = const_tensor(model, op, filt_idx, "filter")
    if is_float(x):
        if w.type == tfl.INT8 or w.type == tfl.UINT8:
            raise op.fail("hybrid model: float32 activations with %s weights are not supported"
                          % w.type_name)
        if w.type != tfl.FLOAT32:
            raise op.fail("float32 layer with %s weights is not supported" % w.type_name)
        if not is_float(y):
            raise op.fail("float32 input with %s output is not supported" % y.type_name)
    else:
        if w.type != tfl.INT8:
            raise op.fail("int8 layer with %s weights is not supported" % w.type_name)
        if not is_int8(y):
            raise op.fail("int8 input with %s output is not supported" % y.type_name)
    for d in w.shape:
        if d <= 0 or d > MAX_DIM:
            raise op.fail("filter has an unsupported shape %s" % (w.shape,))
    elem = 4 if is_float(x) else 1
    if len(w.data) != w.elements() * elem:
        raise op.fail("filter tensor %d holds %d bytes, its shape %s needs %d"
                      % (filt_idx, len(w.data), w.shape, w.elements() * elem))
    if w.elements() > MAX_ELEMENTS:
        raise op.fail("filter is too large")
    bias = const_tensor(model, op, bias_idx, "bias") if bias_idx is not None else None
    return w, bias


def weight_quant(op, x, y, w, bias, out_ch, qdim):
    """Check the bias and (int8) the filter quantization; returns the layer's Weights."""
    if is_float(x):
        if bias is not None:
            if bias.type != tfl.FLOAT32:
                raise op.fail("float32 layer with %s bias is not supported" % bias.type_name)
            if len(bias.data) != out_ch * 4 or bias.elements() != out_ch:
                raise op.fail("bias has %d bytes, expected %d float32 values"
                              % (len(bias.data), out_ch))
        return Weights(w, bias, None, None, None)
    in_q = act_quant(x, op, "input")
    out_q = act_quant(y, op, "output")
    q = w.quant
    if q is None or not q.scales:
        raise op.fail("int8 filter has no quantization")
    if any(z != 0 for z in q.zero_points):
        raise op.fail("filter zero points must be 0 (symmetric weights)")
    if len(q.scales) not in (1, out_ch):
        raise op.fail("filter has %d scales; expected 1 or %d" % (len(q.scales), out_ch))
    if len(q.scales) > 1 and q.dim != qdim:
        raise op.fail("per-channel filter quantized along dimension %d, expected %d"
                      % (q.dim, qdim))
    if q.zero_points and len(q.zero_points) not in (1, len(q.scales)):
        raise op.fail("filter has %d zero points for %d scales" % (len(q.zero_points),
                                                                   len(q.scales)))
    for s in q.scales:
        if not finite_positive(s):
            raise op.fail("filter has an invalid scale %r" % s)
    if bias is not None:
        if bias.type != tfl.INT32:
            raise op.fail("int8 layer with %s bias is not supported (int32 expected)"
                          % bias.type_name)
        if len(bias.data) != out_ch * 4 or bias.elements() != out_ch:
            raise op.fail("bias has %d bytes, expected %d int32 values"
                          % (len(bias.data), out_ch))
    return Weights(w, bias, list(q.scales), in_q, out_q)


# ---------------------------------------------------------------------------------------------
# What the C++ side checks at compile time, checked here first so that a converted header never
# fails in the compiler: one function per rule, each naming the C++ check it mirrors.  The
# arithmetic follows the C++ (float32 where it divides in float, double elsewhere).

INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1


def f32(x):
    """x rounded to float32, as a C++ float expression computes it (inf on overflow)."""
    try:
        return struct.unpack("<f", struct.pack("<f", x))[0]
    except OverflowError:
        return math.copysign(math.inf, x)


def round_half_away(x):
    """quant::round_half_away (multiplier.hpp)."""
    return int(x + 0.5) if x >= 0 else -int(-x + 0.5)


def quantize_multiplier(real):
    """quant::quantize_multiplier (multiplier.hpp), TFLite's QuantizeMultiplier:
    (multiplier, exponent) with real ~ multiplier * 2^(exponent - 31); real finite."""
    if real == 0.0:
        return 0, 0
    mantissa, exponent = math.frexp(real)
    q = round_half_away(mantissa * float(1 << 31))
    if q == 1 << 31:
        q //= 2
        exponent += 1
    if exponent < -31:
        return 0, 0
    return q, exponent


def check_shift(op, real, what):
    """The `exponent > 31 || exponent < -31` requantization checks: make_channel_requant
    (quant/channel_requant.hpp), make_relu_params, make_mul_params, make_requantize_params
    (kernels/reference/).  A non-finite ratio never finishes quant::frexp's loop."""
    if not math.isfinite(real):
        raise op.fail("%s %r is not finite (requantization impossible)" % (what, real))
    _, exponent = quantize_multiplier(real)
    if not -31 <= exponent <= 31:
        raise op.fail("%s %.9g needs a requantization shift of %d; mote (like TFLite) supports "
                      "-31..31" % (what, real, exponent))


def check_add_scales(op, in1_q, in2_q, out_q):
    """make_add_params (kernels/reference/add.hpp): the three ratios of TFLite's ADD (left shift
    20) must each quantize as quantize_multiplier_smaller_than_one (multiplier_range.hpp)."""
    twice_max = 2.0 * max(in1_q[0], in2_q[0])
    ratios = (("input 0", in1_q[0] / twice_max), ("input 1", in2_q[0] / twice_max),
              ("output", twice_max / (float(1 << 20) * out_q[0])))
    for what, real in ratios:
        ok = 0.0 < real < 1.0 and quantize_multiplier(real)[1] <= 0
        if not ok:
            raise op.fail("int8 ADD %s scale ratio %.9g is outside (0, 1): the output scale %r is "
                          "too small for the input scales %r and %r"
                          % (what, real, out_q[0], in1_q[0], in2_q[0]))


def check_softmax_scale(op, beta, in_q):
    """make_softmax_params (kernels/reference/softmax.hpp): beta * input scale * 2^26, capped at
    2^31 - 1, must quantize as quantize_multiplier_greater_than_one (multiplier_range.hpp)."""
    real = min(beta * in_q[0] * float(1 << 26), float((1 << 31) - 1))
    if not (real > 1.0 and quantize_multiplier(real)[1] >= 0):
        raise op.fail("int8 softmax needs beta * input scale * 2^26 > 1 (it is %.9g)" % real)


def check_activation_input(op, in_q):
    """make_activation_input_scaling (quant/activation_input.hpp) of int8 LOGISTIC / TANH:
    input_radius shifts a 64-bit value right by the exponent of input scale * 2^27, which
    constant evaluation rejects from 64 on."""
    _, exponent = quantize_multiplier(in_q[0] * float(1 << 27))
    if exponent >= 64:
        raise op.fail("int8 %s input scale %r is too large (at most about 2^36)"
                      % (op.name, in_q[0]))


def check_mean_extent(op, h, w):
    """make_mean_params (kernels/reference/mean.hpp): the reduced extent h * w <= 2^23."""
    if h * w > 1 << 23:
        raise op.fail("int8 MEAN over %d x %d = %d elements; mote supports at most 2^23"
                      % (h, w, h * w))


def activation_range(op, act, out_q):
    """quant::activation_range_int8 (quant/activation_range.hpp): the int8 clamp (min, max) of a
    fused activation.  6 / scale is divided in float32 and rounded in int64 (constant evaluation
    rejects a value beyond int64), narrowed to int32 (wrapping) and added to the zero point in
    int32 (rejected on overflow)."""
    scale, zp = out_q

    def quantize(real):
        q = f32(real / scale)
        if not abs(q) < float(1 << 63) - 1.0:
            raise op.fail("fused %s: %r / output scale %r does not fit the int64 the C++ rounds "
                          "it in" % (act.upper(), real, scale))
        r = (round_half_away(q) + (1 << 31)) % (1 << 32) - (1 << 31)
        if not INT32_MIN <= zp + r <= INT32_MAX:
            raise op.fail("fused %s: the clamp bound for %r overflows int32 (output scale %r)"
                          % (act.upper(), real, scale))
        return zp + r

    lo, hi = -128, 127
    if act in ("relu", "relu6"):
        lo = max(quantize(0.0), -128)
    if act == "relu6":
        hi = min(quantize(6.0), 127)
    return lo, hi


def check_clamp(op, act, out_q):
    """The `requant.clamp.min <= requant.clamp.max` static_assert of the int8 Conv2D,
    DepthwiseConv2D and Dense layers (layers/*.hpp)."""
    lo, hi = activation_range(op, act, out_q)
    if lo > hi:
        raise op.fail("fused %s with output scale %r and zero point %d leaves an empty int8 "
                      "range [%d, %d]" % (act.upper(), out_q[0], out_q[1], lo, hi))


def check_bias_fold(op, channel, bias, in_zp, weight_sum, taps):
    """make_channel_requant (quant/channel_requant.hpp): the folded bias  bias - zp_in * sum(w)
    must fit int32 ("... overflows int32"), and so must every partial sum the kernels form from
    it by adding raw int8 products (|x * w| <= 2^14, `taps` per output channel: "folded bias
    leaves the int32 accumulator no headroom")."""
    folded = bias - in_zp * weight_sum
    if not INT32_MIN <= folded <= INT32_MAX:
        raise op.fail("output channel %d: bias %d - input zero point %d * weight sum %d = %d "
                      "overflows int32" % (channel, bias, in_zp, weight_sum, folded))
    reach = taps << 14
    if folded - reach < INT32_MIN or folded + reach > INT32_MAX:
        raise op.fail("output channel %d: folded bias %d (bias %d - input zero point %d * "
                      "weight sum %d) plus up to %d taps of int8 products (+-2^14 each) can "
                      "overflow the int32 accumulator" % (channel, folded, bias, in_zp,
                                                          weight_sum, taps))


# g++ evaluates each constant expression within -fconstexpr-ops-limit operations, 2^25 by
# default (g++ 12); clang's limit is set to 2^27 steps where mote builds (CMakeLists.txt,
# mote-run) and it needs far fewer steps per weight.  The int8 weighted layers fold every weight
# at compile time, one constant expression per scan: the weight sum per output channel
# (quant/channel_requant.hpp) and, for Dense and 1x1 Conv2D, the live row/column scan of
# kernels/compact.hpp, dearest for all-zero weights.  Measured with g++ 12.2 (the smallest
# -fconstexpr-ops-limit that compiles, for growing layers): Dense / 1x1 Conv2D 69 operations
# per weight, other Conv2D 33, DepthwiseConv2D up to 86; plus up to 490 per output channel and
# a few 10^4 per layer.  The estimate keeps a margin over each: a Dense layer with 478,528
# all-zero weights and 64 units compiles, one with 492,800 exceeds the limit.
CONSTEXPR_OPS_LIMIT = 1 << 25
FOLD_COST_PER_WEIGHT = {"Dense": 72, "Conv2D 1x1": 72, "Conv2D": 36, "DepthwiseConv2D": 90}
FOLD_COST_PER_CHANNEL = 520
FOLD_COST_PER_LAYER = 40000


def check_fold_cost(op, kind, weights, channels):
    """g++'s constant-evaluation limit over one int8 weighted layer's compile-time folding
    (kind: a FOLD_COST_PER_WEIGHT key)."""
    fixed = FOLD_COST_PER_CHANNEL * channels + FOLD_COST_PER_LAYER
    cost = FOLD_COST_PER_WEIGHT[kind] * weights + fixed
    if cost > CONSTEXPR_OPS_LIMIT:
        most = max(CONSTEXPR_OPS_LIMIT - fixed, 0) // FOLD_COST_PER_WEIGHT[kind]
        raise op.fail("int8 %s with %d weights (%d output channels): folding them at compile "
                      "time takes about %d constant-evaluation operations, beyond g++'s "
                      "default limit of 2^25 (at most about %d weights with %d channels)"
                      % (kind, weights, channels, cost, most, channels))


def check_compaction(op, kind, w, rows, cols):
    """The `Rows <= 32767 && Cols <= 32767` static_assert of kernels::Compacted
    (kernels/compact.hpp), reached when compaction pays: kernels::compaction_pays of the
    live rows and columns (compact.hpp), for Dense and pointwise Conv2D."""
    if rows <= 32767 and cols <= 32767:
        return
    data = w.data
    live_rows = sum(1 for r in range(rows) if data[r * cols:(r + 1) * cols].count(0) != cols)
    live_cols = sum(1 for c in range(cols) if data[c::cols].count(0) != rows)
    if live_rows > 0 and live_cols > 0 and 8 * live_rows * live_cols <= 7 * rows * cols:
        raise op.fail("int8 %s [%d x %d] has zero rows/columns that mote would compact, and "
                      "its compaction indexes at most 32767 channels" % (kind, rows, cols))


def check_int8_weighted(op, wq, act, sums):
    """Everything make_channel_requant (quant/channel_requant.hpp) and the layer's clamp
    static_assert check, for an int8 Conv2D / DepthwiseConv2D / Dense; sums[o] = sum of output
    channel o's weights."""
    channels = len(sums)
    taps = wq.filter.elements() // channels
    in_scale, in_zp = wq.in_q
    biases = (struct.unpack("<%di" % channels, wq.bias.data) if wq.bias is not None
              else (0,) * channels)
    for o in range(channels):
        ws = wq.scales[0] if len(wq.scales) == 1 else wq.scales[o]
        check_shift(op, in_scale * ws / wq.out_q[0],
                    "output channel %d: input scale * weight scale / output scale" % o)
        check_bias_fold(op, o, biases[o], in_zp, sums[o], taps)
    check_clamp(op, act, wq.out_q)


def row_sums(w, rows, cols):
    """Per-row weight sums of an int8 [rows, cols] filter (Conv2D's [O, KH, KW, I], Dense)."""
    vals = struct.unpack("<%db" % (rows * cols), w.data)
    return [sum(vals[r * cols:(r + 1) * cols]) for r in range(rows)]
