"""TFLite subgraph -> mote layer tree.

Every operator is validated against what the mote API can express (dtypes, options, shapes,
quantization); anything else raises ConvertError naming the operator.  The graph is then
decomposed into Sequential chains, Branch<Join, paths...> for fan-out/fan-in (series-parallel)
structure, and Inputs<...> for a model whose several inputs meet at its first (join) operator.
"""
import math
import struct

from . import ConvertError
from . import tflite as tfl

MAX_DIM = 1 << 16
MAX_ELEMENTS = 1 << 24

# Highest operator version whose semantics mote implements (newer versions add dtypes or
# options that change results).
MAX_VERSION = {
    "CONV_2D": 3, "DEPTHWISE_CONV_2D": 3, "FULLY_CONNECTED": 5, "AVERAGE_POOL_2D": 2,
    "MAX_POOL_2D": 2, "ADD": 2, "MUL": 3, "RESHAPE": 1, "SQUEEZE": 1, "SOFTMAX": 2, "RELU": 2,
    "RELU6": 2, "LOGISTIC": 2, "TANH": 2, "QUANTIZE": 2, "DEQUANTIZE": 2, "MEAN": 2, "PAD": 2,
    "CONCATENATION": 2,
}
JOINS = ("ADD", "MUL", "CONCATENATION")


class Layer:
    """One mote layer made from one TFLite operator."""

    def __init__(self, op, kind):
        self.op = op
        self.kind = kind          # mote layer name, e.g. "Conv2D"
        self.inputs = []          # activation input tensor indices, in operator order
        self.output = None        # output tensor index
        self.p = {}               # kind-specific parameters for the emitter
        self.summary = ""         # one-line description for the header comment


class Branch:
    def __init__(self, join, paths):
        self.join = join          # Layer
        self.paths = paths        # list of lists of nodes (Layer / Branch); [] = Identity


class ModelIR:
    pass


def _fail_model(msg):
    return ConvertError(msg)


def is_float(t):
    return t.type == tfl.FLOAT32


def is_int8(t):
    return t.type == tfl.INT8


def hwc(t, op=None, what="tensor"):
    """TFLite shape -> mote Shape{h, w, c} (batch 1, NHWC)."""
    s = list(t.shape)
    err = (op.fail if op is not None else _fail_model)
    if len(s) < 2 or len(s) > 4:
        raise err("%s %d (%s) has rank %d shape %s; mote needs [1, ...] of rank 2 to 4"
                  % (what, t.index, t.name, len(s), s))
    if s[0] != 1:
        raise err("%s %d (%s) has batch %d; mote supports batch 1 only"
                  % (what, t.index, t.name, s[0]))
    for d in s:
        if d <= 0 or d > MAX_DIM:
            raise err("%s %d (%s) has an unsupported dimension in shape %s"
                      % (what, t.index, t.name, s))
    if t.elements() > MAX_ELEMENTS:
        raise err("%s %d (%s) is too large (%d elements)" % (what, t.index, t.name, t.elements()))
    s = s[1:]
    while len(s) < 3:
        s.insert(0, 1)
    return tuple(s)


def _finite_positive(x):
    return math.isfinite(x) and x > 0


def act_quant(t, op, what):
    """(scale, zero_point) of an int8 activation tensor."""
    q = t.quant
    if q is None or len(q.scales) != 1 or len(q.zero_points) != 1:
        raise op.fail("%s tensor %d (%s) is int8 but lacks per-tensor quantization"
                      % (what, t.index, t.name))
    s, z = q.scales[0], q.zero_points[0]
    if not _finite_positive(s):
        raise op.fail("%s tensor %d (%s) has an invalid scale %r" % (what, t.index, t.name, s))
    if not -128 <= z <= 127:
        raise op.fail("%s tensor %d (%s) has zero point %d outside int8"
                      % (what, t.index, t.name, z))
    return (s, z)


def _opt(op, expected_type, name, required=True):
    if op.options_type == 0 or op.options is None:
        if required:
            raise op.fail("missing %s" % name)
        return None
    if op.options_type != expected_type:
        raise op.fail("builtin options type %d is not %s" % (op.options_type, name))
    return op.options


def _act(op, code):
    if code == tfl.ACT_NONE:
        return "none"
    if code == tfl.ACT_RELU:
        return "relu"
    if code == tfl.ACT_RELU6:
        return "relu6"
    raise op.fail("fused activation %s is not supported"
                  % tfl.ACT_NAMES.get(code, str(code)))


def _same_or_valid(op, code):
    if code == tfl.PADDING_SAME:
        return "same"
    if code == tfl.PADDING_VALID:
        return "valid"
    raise op.fail("unknown padding %d" % code)


def _out_size(op, n, k, stride, dil, padding):
    eff = (k - 1) * dil + 1
    if padding == "same":
        return (n + stride - 1) // stride
    if n < eff:
        raise op.fail("VALID window %d is larger than the input size %d" % (eff, n))
    return (n - eff) // stride + 1


def _pad_before(n, k, stride, dil, out, padding):
    if padding == "valid":
        return 0, 0
    eff = (k - 1) * dil + 1
    total = max((out - 1) * stride + eff - n, 0)
    return total // 2, total - total // 2


def _const(model, op, idx, what):
    t = model.tensors[idx]
    if t.data is None:
        raise op.fail("%s tensor %d (%s) must be constant" % (what, idx, t.name))
    return t


def _ints(model, op, idx, what):
    t = _const(model, op, idx, what)
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


def _check_io_count(op, n_in_min, n_in_max, n_out=1):
    if not n_in_min <= len(op.inputs) <= n_in_max:
        raise op.fail("has %d inputs, expected %s" % (
            len(op.inputs), n_in_min if n_in_min == n_in_max else "%d..%d" % (n_in_min,
                                                                              n_in_max)))
    if len(op.outputs) != n_out:
        raise op.fail("has %d outputs, expected %d" % (len(op.outputs), n_out))


def _activation_input(model, op, slot):
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


def _dtype_check(op, t, what):
    if t.type not in (tfl.INT8, tfl.FLOAT32):
        raise op.fail("%s tensor %d (%s) has type %s; mote supports INT8 and FLOAT32"
                      % (what, t.index, t.name, t.type_name))


def _same_quant(op, a, b, rule):
    qa = act_quant(a, op, "input")
    qb = act_quant(b, op, "output")
    if qa != qb:
        raise op.fail("%s (input %r/%d, output %r/%d)" % (rule, qa[0], qa[1], qb[0], qb[1]))


def _weights(model, op, layer, x, y, filt_idx, bias_idx, kind):
    """Validate and collect filter / bias for Conv2D, DepthwiseConv2D and Dense."""
    w = _const(model, op, filt_idx, "filter")
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
    layer.p["filter"] = w
    bias = None
    if bias_idx is not None and bias_idx >= 0:
        bias = _const(model, op, bias_idx, "bias")
    layer.p["bias"] = bias
    return w, bias


def _check_weight_quant(op, layer, x, y, w, bias, out_ch, qdim):
    if is_float(x):
        if bias is not None:
            if bias.type != tfl.FLOAT32:
                raise op.fail("float32 layer with %s bias is not supported" % bias.type_name)
            if len(bias.data) != out_ch * 4 or bias.elements() != out_ch:
                raise op.fail("bias has %d bytes, expected %d float32 values"
                              % (len(bias.data), out_ch))
        return
    layer.p["in_q"] = act_quant(x, op, "input")
    layer.p["out_q"] = act_quant(y, op, "output")
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
        if not _finite_positive(s):
            raise op.fail("filter has an invalid scale %r" % s)
    layer.p["scales"] = list(q.scales)
    if bias is not None:
        if bias.type != tfl.INT32:
            raise op.fail("int8 layer with %s bias is not supported (int32 expected)"
                          % bias.type_name)
        if len(bias.data) != out_ch * 4 or bias.elements() != out_ch:
            raise op.fail("bias has %d bytes, expected %d int32 values"
                          % (len(bias.data), out_ch))


def make_layer(model, op):
    name = op.name
    if op.code == tfl.OPS["CUSTOM"]:
        raise op.fail("custom operators are not supported")
    if name not in MAX_VERSION:
        raise op.fail("operator is not supported by mote")
    if op.version < 1 or op.version > MAX_VERSION[name]:
        raise op.fail("operator version %d is not supported (mote implements up to v%d)"
                      % (op.version, MAX_VERSION[name]))
    if op.intermediates:
        raise op.fail("operators with intermediate tensors are not supported")
    for o in op.outputs:
        if o < 0:
            raise op.fail("output tensor index is -1")
    f = _FACTORIES[name]
    layer = f(model, op)
    layer.output = op.outputs[0]
    out = model.tensors[layer.output]
    if out.data is not None:
        raise op.fail("output tensor %d (%s) is a constant" % (out.index, out.name))
    _dtype_check(op, out, "output")
    layer.out_shape = hwc(out, op, "output")
    layer.out_float = is_float(out)
    return layer


def _unary_setup(model, op, kind, n_in=(1, 1)):
    _check_io_count(op, n_in[0], n_in[1])
    x = _activation_input(model, op, 0)
    y = model.tensors[op.outputs[0]]
    _dtype_check(op, x, "input")
    _dtype_check(op, y, "output")
    layer = Layer(op, kind)
    layer.inputs = [x.index]
    return layer, x, y


def _same_dtype(op, x, y):
    if x.type != y.type:
        raise op.fail("input is %s but output is %s" % (x.type_name, y.type_name))


def make_conv(model, op):
    _check_io_count(op, 2, 3)
    layer, x, y = _unary_setup(model, op, "Conv2D", (2, 3))
    o = _opt(op, tfl.OPT_CONV2D, "Conv2DOptions")
    padding = _same_or_valid(op, o.scalar(0, "i8", 0))
    sw, sh = o.scalar(1, "i32", 0), o.scalar(2, "i32", 0)
    act = _act(op, o.scalar(3, "i8", 0))
    dw, dh = o.scalar(4, "i32", 1), o.scalar(5, "i32", 1)
    if o.scalar(6, "i8", 0) not in (0, tfl.INT32):
        raise op.fail("quantized_bias_type other than INT32 is not supported")
    for v, n in ((sw, "stride"), (sh, "stride"), (dw, "dilation"), (dh, "dilation")):
        if v < 1 or v > 64:
            raise op.fail("%s %d is not supported" % (n, v))
    xs, ys = hwc(x, op, "input"), hwc(y, op, "output")
    w, bias = _weights(model, op, layer, x, y, op.inputs[1],
                       op.inputs[2] if len(op.inputs) > 2 else None, "conv")
    if len(w.shape) != 4:
        raise op.fail("filter shape %s is not [O, KH, KW, I]" % (w.shape,))
    oc, kh, kw, ic = w.shape
    if ic != xs[2]:
        raise op.fail("filter has %d input channels but the input has %d (grouped "
                      "convolution is not supported)" % (ic, xs[2]))
    exp = (_out_size(op, xs[0], kh, sh, dh, padding), _out_size(op, xs[1], kw, sw, dw, padding),
           oc)
    if len(x.shape) != 4 or len(y.shape) != 4:
        raise op.fail("input and output must be 4-D NHWC")
    if exp != ys:
        raise op.fail("output shape %s does not match the computed %s" % (list(ys), list(exp)))
    _check_weight_quant(op, layer, x, y, w, bias, oc, 0)
    layer.p.update(filters=oc, kernel=(kh, kw), stride=(sh, sw), padding=padding, act=act,
                   dilation=(dh, dw))
    layer.summary = "%s -> %s, %dx%d stride %dx%d %s %s" % (
        _sh(xs), _sh(ys), kh, kw, sh, sw, padding.upper(), act.upper())
    return layer


def make_dwconv(model, op):
    _check_io_count(op, 2, 3)
    layer, x, y = _unary_setup(model, op, "DepthwiseConv2D", (2, 3))
    o = _opt(op, tfl.OPT_DEPTHWISE_CONV2D, "DepthwiseConv2DOptions")
    padding = _same_or_valid(op, o.scalar(0, "i8", 0))
    sw, sh = o.scalar(1, "i32", 0), o.scalar(2, "i32", 0)
    mult_opt = o.scalar(3, "i32", 0)
    act = _act(op, o.scalar(4, "i8", 0))
    dw, dh = o.scalar(5, "i32", 1), o.scalar(6, "i32", 1)
    for v, n in ((sw, "stride"), (sh, "stride"), (dw, "dilation"), (dh, "dilation")):
        if v < 1 or v > 64:
            raise op.fail("%s %d is not supported" % (n, v))
    xs, ys = hwc(x, op, "input"), hwc(y, op, "output")
    if len(x.shape) != 4 or len(y.shape) != 4:
        raise op.fail("input and output must be 4-D NHWC")
    w, bias = _weights(model, op, layer, x, y, op.inputs[1],
                       op.inputs[2] if len(op.inputs) > 2 else None, "dw")
    if len(w.shape) != 4 or w.shape[0] != 1:
        raise op.fail("filter shape %s is not [1, KH, KW, C*M]" % (w.shape,))
    _, kh, kw, oc = w.shape
    if oc % xs[2] != 0:
        raise op.fail("filter channels %d are not a multiple of the input channels %d"
                      % (oc, xs[2]))
    mult = oc // xs[2]
    if mult_opt not in (0, mult):
        raise op.fail("depth_multiplier %d does not match the filter (%d)" % (mult_opt, mult))
    exp = (_out_size(op, xs[0], kh, sh, dh, padding), _out_size(op, xs[1], kw, sw, dw, padding),
           oc)
    if exp != ys:
        raise op.fail("output shape %s does not match the computed %s" % (list(ys), list(exp)))
    _check_weight_quant(op, layer, x, y, w, bias, oc, 3)
    layer.p.update(mult=mult, kernel=(kh, kw), stride=(sh, sw), padding=padding, act=act,
                   dilation=(dh, dw))
    layer.summary = "%s -> %s, %dx%d stride %dx%d %s %s, multiplier %d" % (
        _sh(xs), _sh(ys), kh, kw, sh, sw, padding.upper(), act.upper(), mult)
    return layer


def make_fc(model, op):
    _check_io_count(op, 2, 3)
    layer, x, y = _unary_setup(model, op, "Dense", (2, 3))
    o = _opt(op, tfl.OPT_FULLY_CONNECTED, "FullyConnectedOptions")
    act = _act(op, o.scalar(0, "i8", 0))
    if o.scalar(1, "i8", 0) != 0:
        raise op.fail("shuffled weights format is not supported")
    keep = o.scalar(2, "bool", 0)
    if o.scalar(4, "i8", 0) not in (0, tfl.INT32):
        raise op.fail("quantized_bias_type other than INT32 is not supported")
    xs, ys = hwc(x, op, "input"), hwc(y, op, "output")
    w, bias = _weights(model, op, layer, x, y, op.inputs[1],
                       op.inputs[2] if len(op.inputs) > 2 else None, "fc")
    if len(w.shape) != 2:
        raise op.fail("weights shape %s is not [O, I]" % (w.shape,))
    units, n_in = w.shape
    if x.elements() != n_in:
        raise op.fail("input has %d elements but the weights expect %d (batched fully "
                      "connected is not supported)" % (x.elements(), n_in))
    if y.elements() != units or ys != (1, 1, units):
        raise op.fail("output shape %s is not [1, %d]" % (y.shape, units))
    if keep and len(y.shape) not in (2, 4):
        raise op.fail("keep_num_dims output shape %s is not supported" % (y.shape,))
    _check_weight_quant(op, layer, x, y, w, bias, units, 0)
    layer.p.update(units=units, act=act)
    layer.summary = "%d -> %d %s" % (n_in, units, act.upper())
    return layer


def make_pool(kind):
    def f(model, op):
        layer, x, y = _unary_setup(model, op, kind)
        _same_dtype(op, x, y)
        o = _opt(op, tfl.OPT_POOL2D, "Pool2DOptions")
        padding = _same_or_valid(op, o.scalar(0, "i8", 0))
        sw, sh = o.scalar(1, "i32", 0), o.scalar(2, "i32", 0)
        fw, fh = o.scalar(3, "i32", 0), o.scalar(4, "i32", 0)
        act = _act(op, o.scalar(5, "i8", 0))
        for v in (sw, sh, fw, fh):
            if v < 1 or v > MAX_DIM:
                raise op.fail("window/stride %d is not supported" % v)
        if len(x.shape) != 4 or len(y.shape) != 4:
            raise op.fail("input and output must be 4-D NHWC")
        xs, ys = hwc(x, op, "input"), hwc(y, op, "output")
        exp = (_out_size(op, xs[0], fh, sh, 1, padding), _out_size(op, xs[1], fw, sw, 1, padding),
               xs[2])
        if exp != ys:
            raise op.fail("output shape %s does not match the computed %s"
                          % (list(ys), list(exp)))
        if is_int8(x):
            _same_quant(op, x, y, "int8 pooling must keep the input quantization")
        layer.p.update(kernel=(fh, fw), stride=(sh, sw), padding=padding, act=act)
        layer.summary = "%s -> %s, %dx%d stride %dx%d %s %s" % (
            _sh(xs), _sh(ys), fh, fw, sh, sw, padding.upper(), act.upper())
        return layer
    return f


def make_join(kind):
    def f(model, op):
        if kind == "Concatenate":
            if len(op.inputs) < 2:
                raise op.fail("needs at least 2 inputs")
            _check_io_count(op, 2, 16)
        else:
            _check_io_count(op, 2, 2)
        layer = Layer(op, kind)
        xs = [_activation_input(model, op, i) for i in range(len(op.inputs))]
        y = model.tensors[op.outputs[0]]
        for x in xs:
            _dtype_check(op, x, "input")
            _same_dtype(op, x, y)
        layer.inputs = [x.index for x in xs]
        ys = hwc(y, op, "output")
        shapes = [hwc(x, op, "input") for x in xs]
        if kind == "Concatenate":
            o = _opt(op, tfl.OPT_CONCATENATION, "ConcatenationOptions")
            axis = o.scalar(0, "i32", 0)
            rank = len(y.shape)
            if axis < 0:
                axis += rank
            if axis != rank - 1:
                raise op.fail("concatenation along axis %d is not supported (channels only)"
                              % o.scalar(0, "i32", 0))
            if o.scalar(1, "i8", 0) != tfl.ACT_NONE:
                raise op.fail("fused activation on CONCATENATION is not supported")
            for x in xs:
                if len(x.shape) != rank:
                    raise op.fail("inputs of different rank are not supported")
            if any(s[:2] != ys[:2] for s in shapes) or sum(s[2] for s in shapes) != ys[2]:
                raise op.fail("input shapes %s do not concatenate to %s"
                              % ([list(s) for s in shapes], list(ys)))
            if is_int8(y):
                for x in xs:
                    _same_quant(op, x, y, "int8 concatenation inputs must share the output "
                                          "quantization")
            layer.summary = "%s -> %s" % (" + ".join(_sh(s) for s in shapes), _sh(ys))
            return layer
        o = _opt(op, tfl.OPT_ADD if kind == "Add" else tfl.OPT_MUL,
                 "AddOptions" if kind == "Add" else "MulOptions", required=False)
        act = _act(op, o.scalar(0, "i8", 0)) if o is not None else "none"
        if any(s != ys for s in shapes) or any(x.shape != y.shape for x in xs):
            raise op.fail("broadcasting is not supported (input shapes %s, output %s)"
                          % ([x.shape for x in xs], y.shape))
        layer.p["act"] = act
        if is_int8(y):
            for x in xs:
                act_quant(x, op, "input")
            layer.p["out_q"] = act_quant(y, op, "output")
        layer.summary = "%s %s" % (_sh(ys), act.upper())
        return layer
    return f


def make_reshape(kind):
    def f(model, op):
        layer, x, y = _unary_setup(model, op, "Reshape", (1, 2) if kind == "RESHAPE" else (1, 1))
        _same_dtype(op, x, y)
        xs, ys = hwc(x, op, "input"), hwc(y, op, "output")
        if x.elements() != y.elements():
            raise op.fail("reshape from %s to %s changes the element count" % (x.shape, y.shape))
        if kind == "RESHAPE" and len(op.inputs) == 2 and op.inputs[1] >= 0:
            st = model.tensors[op.inputs[1]]
            if st.data is None:
                raise op.fail("dynamic reshape (non-constant shape tensor) is not supported")
            if len(op.inputs) == 2:
                vals = _ints(model, op, op.inputs[1], "shape")
                if len(vals) != len(y.shape) or any(v not in (-1, d) for v, d in
                                                     zip(vals, y.shape)):
                    raise op.fail("shape tensor %s does not match the output shape %s"
                                  % (vals, y.shape))
        if is_int8(x):
            _same_quant(op, x, y, "reshape must keep the quantization")
        layer.p["shape"] = ys
        layer.summary = "%s -> %s" % (_sh(xs), _sh(ys))
        return layer
    return f


def make_softmax(model, op):
    layer, x, y = _unary_setup(model, op, "Softmax")
    _same_dtype(op, x, y)
    o = _opt(op, tfl.OPT_SOFTMAX, "SoftmaxOptions", required=False)
    beta = o.scalar(0, "f32", 0.0) if o is not None else 1.0
    if not _finite_positive(beta):
        raise op.fail("softmax beta %r is not supported" % beta)
    if x.shape != y.shape:
        raise op.fail("output shape %s differs from input shape %s" % (y.shape, x.shape))
    if is_int8(x):
        act_quant(x, op, "input")
        if act_quant(y, op, "output") != (1.0 / 256, -128):
            raise op.fail("int8 softmax output must have scale 1/256 and zero point -128")
    layer.p["beta"] = beta
    layer.summary = "%s beta %g" % (_sh(hwc(y)), beta)
    return layer


def make_elementwise(kind, fixed_q=None, keep_q=False, outq_opt=False):
    def f(model, op):
        layer, x, y = _unary_setup(model, op, kind)
        _same_dtype(op, x, y)
        if x.shape != y.shape:
            raise op.fail("output shape %s differs from input shape %s" % (y.shape, x.shape))
        hwc(y, op, "output")
        if is_int8(x):
            qi = act_quant(x, op, "input")
            qo = act_quant(y, op, "output")
            if fixed_q is not None and qo != fixed_q:
                raise op.fail("int8 %s output must have scale %r and zero point %d"
                              % (op.name, fixed_q[0], fixed_q[1]))
            if keep_q and qo != qi:
                raise op.fail("int8 %s output quantization must equal the input's" % op.name)
            if outq_opt and qo != qi:
                layer.p["out_q"] = qo
        layer.summary = _sh(hwc(y))
        return layer
    return f


def make_quantize(model, op):
    layer, x, y = _unary_setup(model, op, "Quantize")
    if not is_int8(y):
        raise op.fail("QUANTIZE to %s is not supported" % y.type_name)
    if x.shape != y.shape:
        raise op.fail("output shape %s differs from input shape %s" % (y.shape, x.shape))
    if is_int8(x):
        act_quant(x, op, "input")
    layer.p["out_q"] = act_quant(y, op, "output")
    layer.summary = "%s %s -> INT8" % (_sh(hwc(y)), x.type_name)
    return layer


def make_dequantize(model, op):
    layer, x, y = _unary_setup(model, op, "Dequantize")
    if not is_int8(x) or not is_float(y):
        raise op.fail("DEQUANTIZE %s -> %s is not supported (INT8 -> FLOAT32 only)"
                      % (x.type_name, y.type_name))
    if x.shape != y.shape:
        raise op.fail("output shape %s differs from input shape %s" % (y.shape, x.shape))
    act_quant(x, op, "input")
    layer.summary = _sh(hwc(y))
    return layer


def make_mean(model, op):
    layer, x, y = _unary_setup(model, op, "Mean", (2, 2))
    _same_dtype(op, x, y)
    o = _opt(op, tfl.OPT_REDUCER, "ReducerOptions", required=False)
    keep = o.scalar(0, "bool", 0) if o is not None else 0
    axes = _ints(model, op, op.inputs[1], "axis")
    if len(x.shape) != 4:
        raise op.fail("MEAN input must be 4-D NHWC")
    norm = sorted(set(a + 4 if a < 0 else a for a in axes))
    if norm != [1, 2] or len(axes) != 2:
        raise op.fail("MEAN over axes %s is not supported (height and width only)" % axes)
    xs, ys = hwc(x, op, "input"), hwc(y, op, "output")
    if ys != (1, 1, xs[2]) or (keep and len(y.shape) != 4):
        raise op.fail("output shape %s is not [1, 1, 1, %d]" % (y.shape, xs[2]))
    if not keep and len(y.shape) != 2:
        raise op.fail("output shape %s is not [1, %d]" % (y.shape, xs[2]))
    if is_int8(x):
        act_quant(x, op, "input")
        layer.p["out_q"] = act_quant(y, op, "output")
    layer.summary = "%s -> %s" % (_sh(xs), _sh(ys))
    return layer


def make_pad(model, op):
    layer, x, y = _unary_setup(model, op, "Pad", (2, 2))
    _same_dtype(op, x, y)
    vals = _ints(model, op, op.inputs[1], "paddings")
    rank = len(x.shape)
    if len(vals) != 2 * rank or len(y.shape) != rank:
        raise op.fail("paddings %s do not match the input rank %d" % (vals, rank))
    pairs = [(vals[2 * i], vals[2 * i + 1]) for i in range(rank)]
    if pairs[0] != (0, 0):
        raise op.fail("padding the batch dimension is not supported")
    for a, b in pairs:
        if a < 0 or b < 0 or a > MAX_DIM or b > MAX_DIM:
            raise op.fail("paddings %s are not supported" % vals)
    full = [(0, 0)] * (4 - rank) + pairs[1:]
    while len(full) < 3:
        full.insert(0, (0, 0))
    xs, ys = hwc(x, op, "input"), hwc(y, op, "output")
    exp = tuple(xs[i] + full[i][0] + full[i][1] for i in range(3))
    if exp != ys:
        raise op.fail("output shape %s does not match the padded %s" % (list(ys), list(exp)))
    if is_int8(x):
        _same_quant(op, x, y, "PAD must keep the quantization")
    layer.p["pads"] = (full[0][0], full[0][1], full[1][0], full[1][1], full[2][0], full[2][1])
    layer.summary = "%s -> %s" % (_sh(xs), _sh(ys))
    return layer


def _sh(s):
    return "x".join(str(d) for d in s)


_FACTORIES = {
    "CONV_2D": make_conv,
    "DEPTHWISE_CONV_2D": make_dwconv,
    "FULLY_CONNECTED": make_fc,
    "AVERAGE_POOL_2D": make_pool("AveragePool2D"),
    "MAX_POOL_2D": make_pool("MaxPool2D"),
    "ADD": make_join("Add"),
    "MUL": make_join("Mul"),
    "CONCATENATION": make_join("Concatenate"),
    "RESHAPE": make_reshape("RESHAPE"),
    "SQUEEZE": make_reshape("SQUEEZE"),
    "SOFTMAX": make_softmax,
    "RELU": make_elementwise("ReLU", outq_opt=True),
    "RELU6": make_elementwise("ReLU6", keep_q=True),
    "LOGISTIC": make_elementwise("Logistic", fixed_q=(1.0 / 256, -128)),
    "TANH": make_elementwise("Tanh", fixed_q=(1.0 / 128, 0)),
    "QUANTIZE": make_quantize,
    "DEQUANTIZE": make_dequantize,
    "MEAN": make_mean,
    "PAD": make_pad,
}


# ---------------------------------------------------------------------------------------------
# Graph structure


def build(model):
    """Validate the whole model and return a ModelIR (inputs, layer tree, output)."""
    if not model.operators:
        raise ConvertError("model has no operators")
    if len(model.outputs) != 1:
        raise ConvertError("model has %d outputs; mote supports exactly one"
                           % len(model.outputs))
    if not model.inputs:
        raise ConvertError("model has no inputs")
    if len(set(model.inputs)) != len(model.inputs):
        raise ConvertError("model lists an input tensor twice")
    for i in model.inputs:
        t = model.tensors[i]
        if t.data is not None:
            raise ConvertError("model input tensor %d (%s) is a constant" % (i, t.name))
        if t.type not in (tfl.INT8, tfl.FLOAT32):
            raise ConvertError("model input tensor %d (%s) has type %s; mote supports INT8 "
                               "and FLOAT32" % (i, t.name, t.type_name))
        hwc(t, None, "model input")

    producer = {}
    for i in model.inputs:
        producer[i] = -1
    layers = []
    for op in model.operators:
        # Check operator order and single assignment before the per-op checks, so that
        # messages name the real problem.
        layer = make_layer(model, op)
        for t in layer.inputs:
            if t not in producer:
                raise op.fail("input tensor %d (%s) is not produced by an earlier operator or "
                              "a model input" % (t, model.tensors[t].name))
        if layer.output in producer:
            raise op.fail("output tensor %d is written twice" % layer.output)
        producer[layer.output] = op.index
        layers.append(layer)

    out = model.outputs[0]
    if out not in producer or producer[out] < 0:
        raise ConvertError("model output tensor %d is not produced by an operator" % out)
    out_t = model.tensors[out]
    hwc(out_t, None, "model output")

    uses = {}
    for layer in layers:
        for slot, t in enumerate(layer.inputs):
            uses.setdefault(t, []).append((layer.op.index, slot))
    by_op = {layer.op.index: layer for layer in layers}
    order = {t: (p + 1) for t, p in producer.items()}

    # reach[t]: tensors reachable from t, t included (ops are in execution order).
    reach = {}
    for layer in reversed(layers):
        r = {layer.output}
        for (oi, _slot) in uses.get(layer.output, []):
            r |= reach[by_op[oi].output]
        reach[layer.output] = r

    emitted = set()

    def emit(layer):
        if layer.op.index in emitted:
            raise layer.op.fail("the graph is not series-parallel (operator reached twice); "
                                "mote cannot express it")
        emitted.add(layer.op.index)

    def chain(t, t_uses, stop):
        nodes = []
        guard = 0
        while t != stop:
            guard += 1
            if guard > 10000:
                raise ConvertError("graph too deep")
            if not t_uses:
                raise ConvertError("tensor %d (%s) does not lead to the model output"
                                   % (t, model.tensors[t].name))
            if len(t_uses) == 1 and len(by_op[t_uses[0][0]].inputs) == 1:
                layer = by_op[t_uses[0][0]]
                emit(layer)
                nodes.append(layer)
                t = layer.output
                t_uses = uses.get(t, [])
                continue
            # Fan-out (or a join reading t several times): find where the paths meet.
            common = None
            for (oi, _slot) in t_uses:
                r = reach[by_op[oi].output]
                common = set(r) if common is None else (common & r)
            if not common:
                first = by_op[t_uses[0][0]]
                raise first.op.fail("paths from tensor %d never meet again; mote cannot "
                                    "express this graph" % t)
            m = min(common, key=lambda x: order[x])
            join = by_op[producer[m]]
            if join.op.name not in JOINS:
                raise join.op.fail("paths from tensor %d meet at a non-join operator; mote "
                                   "cannot express this graph" % t)
            k = len(join.inputs)
            slot_uses = [[] for _ in range(k)]
            for u in t_uses:
                oi, slot = u
                if oi == join.op.index:
                    slot_uses[slot].append(u)
                    continue
                out_t = by_op[oi].output
                hits = [i for i, s in enumerate(join.inputs) if s in reach[out_t]]
                if len(hits) != 1:
                    raise by_op[oi].op.fail("its output feeds %d inputs of operator %d (%s); "
                                            "mote cannot express this graph"
                                            % (len(hits), join.op.index, join.op.name))
                slot_uses[hits[0]].append(u)
            for i, su in enumerate(slot_uses):
                if not su:
                    raise join.op.fail("input %d does not come from tensor %d; joins of "
                                       "unrelated tensors are not expressible" % (i, t))
            paths = [chain(t, slot_uses[i], join.inputs[i]) for i in range(k)]
            emit(join)
            nodes.append(Branch(join, paths))
            t = join.output
            t_uses = uses.get(t, [])
        if t_uses and stop == out:
            oi = t_uses[0][0]
            raise by_op[oi].op.fail("consumes the model output tensor; mote cannot express it")
        return nodes

    ir = ModelIR()
    ir.model = model
    ir.inputs = list(model.inputs)
    ir.output = out
    ir.outputs = [out]
    ir.layers = layers
    ir.join_order = None
    if len(model.inputs) == 1:
        t = model.inputs[0]
        ir.tree = chain(t, uses.get(t, []), out)
        ir.first_join = None
    else:
        users = set()
        for t in model.inputs:
            for (oi, _slot) in uses.get(t, []):
                users.add(oi)
        if len(users) != 1:
            raise ConvertError("the %d model inputs must all feed one join operator (ADD, MUL "
                               "or CONCATENATION) directly" % len(model.inputs))
        join = by_op[users.pop()]
        if join.op.name not in JOINS:
            raise join.op.fail("several model inputs feed a non-join operator")
        if sorted(join.inputs) != sorted(model.inputs) or len(join.inputs) != len(
                model.inputs):
            raise join.op.fail("its inputs must be exactly the model inputs, each once")
        if join.inputs != model.inputs:
            if join.op.name in ("ADD", "MUL") and join.inputs == list(reversed(model.inputs)):
                join.inputs = list(model.inputs)   # commutative: exact in int8 and float32
            else:
                raise join.op.fail("takes the model inputs in a different order than the "
                                   "model lists them; mote cannot express this")
        emit(join)
        ir.first_join = join
        ir.tree = chain(join.output, uses.get(join.output, []), out) if join.output != out \
            else []
        ir.tree.insert(0, join)
    missing = [layer for layer in layers if layer.op.index not in emitted]
    if missing:
        raise missing[0].op.fail("its output does not reach the model output along a "
                                 "structure mote can express")
    return ir
