"""TFLite schema facts (schema version 3) and a typed, validated view of a .tflite file.

Field ids are the declaration order of each table in TFLite's schema.fbs; a union field takes
two ids (its type, then its value).  Only the fields mote-convert needs are read.
"""
import struct

from . import ConvertError
from .flatbuf import Buffer, FlatbufferError

FILE_IDENTIFIER = b"TFL3"

# Model
M_VERSION, M_OPERATOR_CODES, M_SUBGRAPHS, M_DESCRIPTION, M_BUFFERS = 0, 1, 2, 3, 4
# OperatorCode
OC_DEPRECATED_BUILTIN_CODE, OC_CUSTOM_CODE, OC_VERSION, OC_BUILTIN_CODE = 0, 1, 2, 3
# SubGraph
SG_TENSORS, SG_INPUTS, SG_OUTPUTS, SG_OPERATORS, SG_NAME = 0, 1, 2, 3, 4
# Tensor
T_SHAPE, T_TYPE, T_BUFFER, T_NAME, T_QUANTIZATION, T_IS_VARIABLE, T_SPARSITY = 0, 1, 2, 3, 4, 5, 6
T_EXTERNAL_BUFFER = 10
# QuantizationParameters
Q_MIN, Q_MAX, Q_SCALE, Q_ZERO_POINT, Q_DETAILS_TYPE, Q_DETAILS, Q_QUANTIZED_DIMENSION = range(7)
# Buffer
B_DATA, B_OFFSET, B_SIZE = 0, 1, 2
# Operator
OP_OPCODE_INDEX, OP_INPUTS, OP_OUTPUTS, OP_BUILTIN_OPTIONS_TYPE, OP_BUILTIN_OPTIONS = 0, 1, 2, 3, 4
OP_CUSTOM_OPTIONS, OP_INTERMEDIATES, OP_BUILTIN_OPTIONS_2_TYPE = 5, 8, 11

# TensorType
FLOAT32, FLOAT16, INT32, UINT8, INT64, STRING, BOOL, INT16, COMPLEX64, INT8 = range(10)
TENSOR_TYPE_NAMES = {
    0: "FLOAT32", 1: "FLOAT16", 2: "INT32", 3: "UINT8", 4: "INT64", 5: "STRING", 6: "BOOL",
    7: "INT16", 8: "COMPLEX64", 9: "INT8", 10: "FLOAT64", 11: "COMPLEX128", 12: "UINT64",
    13: "RESOURCE", 14: "VARIANT", 15: "UINT32", 16: "UINT16", 17: "INT4", 18: "BFLOAT16",
}

# BuiltinOperator (only the ones we name; others print as BUILTIN_<n>)
BUILTIN_NAMES = {
    0: "ADD", 1: "AVERAGE_POOL_2D", 2: "CONCATENATION", 3: "CONV_2D", 4: "DEPTHWISE_CONV_2D",
    5: "DEPTH_TO_SPACE", 6: "DEQUANTIZE", 7: "EMBEDDING_LOOKUP", 8: "FLOOR", 9: "FULLY_CONNECTED",
    10: "HASHTABLE_LOOKUP", 11: "L2_NORMALIZATION", 12: "L2_POOL_2D",
    13: "LOCAL_RESPONSE_NORMALIZATION", 14: "LOGISTIC", 15: "LSH_PROJECTION", 16: "LSTM",
    17: "MAX_POOL_2D", 18: "MUL", 19: "RELU", 20: "RELU_N1_TO_1", 21: "RELU6", 22: "RESHAPE",
    23: "RESIZE_BILINEAR", 24: "RNN", 25: "SOFTMAX", 26: "SPACE_TO_DEPTH", 27: "SVDF",
    28: "TANH", 32: "CUSTOM", 34: "PAD", 36: "GATHER", 39: "TRANSPOSE", 40: "MEAN", 41: "SUB",
    42: "DIV", 43: "SQUEEZE", 45: "STRIDED_SLICE", 47: "EXP", 49: "SPLIT", 50: "LOG_SOFTMAX",
    53: "CAST", 54: "PRELU", 55: "MAXIMUM", 57: "MINIMUM", 60: "PADV2", 65: "SLICE",
    67: "TRANSPOSE_CONV", 70: "EXPAND_DIMS", 74: "SUM", 82: "REDUCE_MAX", 83: "PACK",
    97: "RESIZE_NEAREST_NEIGHBOR", 98: "LEAKY_RELU", 99: "SQUARED_DIFFERENCE", 100: "MIRROR_PAD",
    101: "ABS", 102: "SPLIT_V", 114: "QUANTIZE",
    117: "HARD_SWISH", 126: "BATCH_MATMUL",
}
OPS = {name: code for code, name in BUILTIN_NAMES.items()}
PLACEHOLDER_FOR_GREATER_OP_CODES = 127

# BuiltinOptions union: type tag = 1 + position in the union declaration.
OPT_CONV2D, OPT_DEPTHWISE_CONV2D, OPT_POOL2D, OPT_FULLY_CONNECTED = 1, 2, 5, 8
OPT_SOFTMAX, OPT_CONCATENATION, OPT_ADD, OPT_RESHAPE, OPT_MUL, OPT_PAD = 9, 10, 11, 17, 21, 22
OPT_REDUCER, OPT_SQUEEZE = 27, 30

# Padding / ActivationFunctionType
PADDING_SAME, PADDING_VALID = 0, 1
ACT_NONE, ACT_RELU, ACT_RELU_N1_TO_1, ACT_RELU6, ACT_TANH, ACT_SIGN_BIT = range(6)
ACT_NAMES = {0: "NONE", 1: "RELU", 2: "RELU_N1_TO_1", 3: "RELU6", 4: "TANH", 5: "SIGN_BIT"}


class Quant:
    def __init__(self, scales, zero_points, dim):
        self.scales = scales            # list of float (exact float32 values)
        self.zero_points = zero_points  # list of int
        self.dim = dim

    def per_tensor(self):
        return len(self.scales) == 1 and len(self.zero_points) == 1


class Tensor:
    def __init__(self, index):
        self.index = index
        self.shape = []
        self.type = FLOAT32
        self.buffer = 0
        self.name = ""
        self.quant = None
        self.data = None        # bytes of a constant tensor, else None
        self.is_variable = False

    @property
    def type_name(self):
        return TENSOR_TYPE_NAMES.get(self.type, "TYPE_%d" % self.type)

    def elements(self):
        n = 1
        for d in self.shape:
            n *= d
        return n


class Operator:
    def __init__(self, index):
        self.index = index
        self.code = None
        self.name = "?"
        self.version = 1
        self.custom = None
        self.inputs = []
        self.outputs = []
        self.options_type = 0
        self.options = None     # flatbuf.Table or None

    def fail(self, message):
        return ConvertError(message, self.index, self.name)


class Model:
    pass


def _opcode(table, i):
    dep = table.scalar(OC_DEPRECATED_BUILTIN_CODE, "i8", 0)
    ext = table.scalar(OC_BUILTIN_CODE, "i32", 0)
    # builtin_code supersedes the deprecated byte when the latter is the placeholder (or the
    # new field is larger); old files only carry the byte.
    code = max(dep, ext)
    if code < 0:
        raise ConvertError("operator code %d has a negative builtin code" % i)
    custom = table.string(OC_CUSTOM_CODE, "custom_code")
    version = table.scalar(OC_VERSION, "i32", 1)
    return code, custom, version


def _quant(table, tensor):
    if table is None:
        return None
    what = "tensor %d quantization" % tensor.index
    if table.scalar(Q_DETAILS_TYPE, "u8", 0) != 0:
        raise ConvertError("tensor %d (%s) uses custom quantization details, which mote does "
                           "not support" % (tensor.index, tensor.name))
    scales = table.vector(Q_SCALE, "f32", what + " scale") or []
    zps = table.vector(Q_ZERO_POINT, "i64", what + " zero_point") or []
    dim = table.scalar(Q_QUANTIZED_DIMENSION, "i32", 0)
    if not scales and not zps:
        return None
    return Quant(scales, zps, dim)


def parse(data):
    """Parse .tflite bytes into a Model (raises ConvertError / FlatbufferError)."""
    buf = Buffer(data)
    if buf.size >= 8 and buf.data[4:8] != FILE_IDENTIFIER:
        raise ConvertError("not a TFLite model: file identifier is %r, expected %r"
                           % (buf.data[4:8], FILE_IDENTIFIER))
    root = buf.root(FILE_IDENTIFIER)
    m = Model()
    m.schema_version = root.scalar(M_VERSION, "u32", 0)
    if m.schema_version != 3:
        raise ConvertError("unsupported TFLite schema version %d (expected 3)" % m.schema_version)
    m.description = root.string(M_DESCRIPTION, "description") or ""

    m.opcodes = [_opcode(t, i) for i, t in enumerate(root.tables(M_OPERATOR_CODES,
                                                                  "operator_codes") or [])]
    buffers = root.tables(M_BUFFERS, "buffers") or []
    subgraphs = root.tables(M_SUBGRAPHS, "subgraphs") or []
    if len(subgraphs) != 1:
        raise ConvertError("model has %d subgraphs; mote supports exactly one" % len(subgraphs))
    sg = subgraphs[0]

    def buffer_data(index, tensor):
        if index == 0:
            return None
        if index >= len(buffers):
            raise ConvertError("tensor %d (%s) refers to buffer %d, but the model has %d"
                               % (tensor.index, tensor.name, index, len(buffers)))
        b = buffers[index]
        off = b.scalar(B_OFFSET, "u64", 0)
        if off > 1:
            raise ConvertError("tensor %d (%s) keeps its data outside the flatbuffer "
                               "(>2 GB layout), which mote-convert does not read"
                               % (tensor.index, tensor.name))
        d = b.bytes_vector(B_DATA, "buffer %d data" % index)
        return d if d else None

    m.tensors = []
    for i, t in enumerate(sg.tables(SG_TENSORS, "tensors") or []):
        ten = Tensor(i)
        ten.name = t.string(T_NAME, "tensor name") or ("tensor%d" % i)
        ten.shape = t.vector(T_SHAPE, "i32", "tensor %d shape" % i) or []
        ten.type = t.scalar(T_TYPE, "i8", FLOAT32)
        ten.is_variable = bool(t.scalar(T_IS_VARIABLE, "bool", 0))
        if t.has(T_SPARSITY):
            raise ConvertError("tensor %d (%s) is sparse, which mote does not support"
                               % (i, ten.name))
        if t.scalar(T_EXTERNAL_BUFFER, "u32", 0) != 0:
            raise ConvertError("tensor %d (%s) uses an external buffer" % (i, ten.name))
        ten.buffer = t.scalar(T_BUFFER, "u32", 0)
        ten.data = buffer_data(ten.buffer, ten)
        ten.quant = _quant(t.table(T_QUANTIZATION, "tensor %d quantization" % i), ten)
        m.tensors.append(ten)

    nt = len(m.tensors)

    def tensor_list(values, what, allow_optional=False):
        out = []
        for v in values or []:
            if v == -1 and allow_optional:
                out.append(-1)
                continue
            if v < 0 or v >= nt:
                raise ConvertError("%s refers to tensor %d, but the subgraph has %d tensors"
                                   % (what, v, nt))
            out.append(v)
        return out

    m.inputs = tensor_list(sg.vector(SG_INPUTS, "i32", "subgraph inputs"), "subgraph input")
    m.outputs = tensor_list(sg.vector(SG_OUTPUTS, "i32", "subgraph outputs"), "subgraph output")

    m.operators = []
    for i, o in enumerate(sg.tables(SG_OPERATORS, "operators") or []):
        op = Operator(i)
        idx = o.scalar(OP_OPCODE_INDEX, "u32", 0)
        if idx >= len(m.opcodes):
            raise ConvertError("operator %d uses opcode index %d, but the model has %d "
                               "operator codes" % (i, idx, len(m.opcodes)))
        op.code, op.custom, op.version = m.opcodes[idx]
        if op.code == OPS["CUSTOM"]:
            op.name = "CUSTOM:%s" % (op.custom or "?")
        else:
            op.name = BUILTIN_NAMES.get(op.code, "BUILTIN_%d" % op.code)
        op.inputs = tensor_list(o.vector(OP_INPUTS, "i32", "operator %d inputs" % i),
                                "operator %d (%s) input" % (i, op.name), allow_optional=True)
        op.outputs = tensor_list(o.vector(OP_OUTPUTS, "i32", "operator %d outputs" % i),
                                 "operator %d (%s) output" % (i, op.name))
        op.options_type = o.scalar(OP_BUILTIN_OPTIONS_TYPE, "u8", 0)
        op.options = o.table(OP_BUILTIN_OPTIONS, "operator %d options" % i) \
            if op.options_type != 0 else None
        op.intermediates = o.vector(OP_INTERMEDIATES, "i32", "operator %d intermediates" % i)
        m.operators.append(op)
    return m


def f32_bits(x):
    return struct.unpack("<I", struct.pack("<f", x))[0]
