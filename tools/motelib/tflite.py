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

# BuiltinOperator, in enum order (the code is the position), as of TFLite's schema.fbs with
# STABLEHLO_CASE = 209; a newer code prints as BUILTIN_<n>.
BUILTIN_NAMES = dict(enumerate("""
ADD AVERAGE_POOL_2D CONCATENATION CONV_2D DEPTHWISE_CONV_2D DEPTH_TO_SPACE DEQUANTIZE
EMBEDDING_LOOKUP FLOOR FULLY_CONNECTED HASHTABLE_LOOKUP L2_NORMALIZATION L2_POOL_2D
LOCAL_RESPONSE_NORMALIZATION LOGISTIC LSH_PROJECTION LSTM MAX_POOL_2D MUL RELU RELU_N1_TO_1
RELU6 RESHAPE RESIZE_BILINEAR RNN SOFTMAX SPACE_TO_DEPTH SVDF TANH CONCAT_EMBEDDINGS SKIP_GRAM
CALL CUSTOM EMBEDDING_LOOKUP_SPARSE PAD UNIDIRECTIONAL_SEQUENCE_RNN GATHER BATCH_TO_SPACE_ND
SPACE_TO_BATCH_ND TRANSPOSE MEAN SUB DIV SQUEEZE UNIDIRECTIONAL_SEQUENCE_LSTM STRIDED_SLICE
BIDIRECTIONAL_SEQUENCE_RNN EXP TOPK_V2 SPLIT LOG_SOFTMAX DELEGATE BIDIRECTIONAL_SEQUENCE_LSTM
CAST PRELU MAXIMUM ARG_MAX MINIMUM LESS NEG PADV2 GREATER GREATER_EQUAL LESS_EQUAL SELECT SLICE
SIN TRANSPOSE_CONV SPARSE_TO_DENSE TILE EXPAND_DIMS EQUAL NOT_EQUAL LOG SUM SQRT RSQRT SHAPE POW
ARG_MIN FAKE_QUANT REDUCE_PROD REDUCE_MAX PACK LOGICAL_OR ONE_HOT LOGICAL_AND LOGICAL_NOT UNPACK
REDUCE_MIN FLOOR_DIV REDUCE_ANY SQUARE ZEROS_LIKE FILL FLOOR_MOD RANGE RESIZE_NEAREST_NEIGHBOR
LEAKY_RELU SQUARED_DIFFERENCE MIRROR_PAD ABS SPLIT_V UNIQUE CEIL REVERSE_V2 ADD_N GATHER_ND COS
WHERE RANK ELU REVERSE_SEQUENCE MATRIX_DIAG QUANTIZE MATRIX_SET_DIAG ROUND HARD_SWISH IF WHILE
NON_MAX_SUPPRESSION_V4 NON_MAX_SUPPRESSION_V5 SCATTER_ND SELECT_V2 DENSIFY SEGMENT_SUM
BATCH_MATMUL PLACEHOLDER_FOR_GREATER_OP_CODES CUMSUM CALL_ONCE BROADCAST_TO RFFT2D CONV_3D IMAG
REAL COMPLEX_ABS HASHTABLE HASHTABLE_FIND HASHTABLE_IMPORT HASHTABLE_SIZE REDUCE_ALL
CONV_3D_TRANSPOSE VAR_HANDLE READ_VARIABLE ASSIGN_VARIABLE BROADCAST_ARGS RANDOM_STANDARD_NORMAL
BUCKETIZE RANDOM_UNIFORM MULTINOMIAL GELU DYNAMIC_UPDATE_SLICE RELU_0_TO_1 UNSORTED_SEGMENT_PROD
UNSORTED_SEGMENT_MAX UNSORTED_SEGMENT_SUM ATAN2 UNSORTED_SEGMENT_MIN SIGN BITCAST BITWISE_XOR
RIGHT_SHIFT STABLEHLO_LOGISTIC STABLEHLO_ADD STABLEHLO_DIVIDE STABLEHLO_MULTIPLY
STABLEHLO_MAXIMUM STABLEHLO_RESHAPE STABLEHLO_CLAMP STABLEHLO_CONCATENATE
STABLEHLO_BROADCAST_IN_DIM STABLEHLO_CONVOLUTION STABLEHLO_SLICE STABLEHLO_CUSTOM_CALL
STABLEHLO_REDUCE STABLEHLO_ABS STABLEHLO_AND STABLEHLO_COSINE STABLEHLO_EXPONENTIAL
STABLEHLO_FLOOR STABLEHLO_LOG STABLEHLO_MINIMUM STABLEHLO_NEGATE STABLEHLO_OR STABLEHLO_POWER
STABLEHLO_REMAINDER STABLEHLO_RSQRT STABLEHLO_SELECT STABLEHLO_SUBTRACT STABLEHLO_TANH
STABLEHLO_SCATTER STABLEHLO_COMPARE STABLEHLO_CONVERT STABLEHLO_DYNAMIC_SLICE
STABLEHLO_DYNAMIC_UPDATE_SLICE STABLEHLO_PAD STABLEHLO_IOTA STABLEHLO_DOT_GENERAL
STABLEHLO_REDUCE_WINDOW STABLEHLO_SORT STABLEHLO_WHILE STABLEHLO_GATHER STABLEHLO_TRANSPOSE
DILATE STABLEHLO_RNG_BIT_GENERATOR REDUCE_WINDOW STABLEHLO_COMPOSITE STABLEHLO_SHIFT_LEFT
STABLEHLO_CBRT STABLEHLO_CASE
""".split()))
OPS = {name: code for code, name in BUILTIN_NAMES.items()}
PLACEHOLDER_FOR_GREATER_OP_CODES = 127

# BuiltinOptions union: type tag = 1 + position in the union declaration (0 = NONE).
OPTIONS_NAMES = dict(enumerate("""
Conv2DOptions DepthwiseConv2DOptions ConcatEmbeddingsOptions LSHProjectionOptions
Pool2DOptions SVDFOptions RNNOptions FullyConnectedOptions SoftmaxOptions ConcatenationOptions
AddOptions L2NormOptions LocalResponseNormalizationOptions LSTMOptions ResizeBilinearOptions
CallOptions ReshapeOptions SkipGramOptions SpaceToDepthOptions EmbeddingLookupSparseOptions
MulOptions PadOptions GatherOptions BatchToSpaceNDOptions SpaceToBatchNDOptions TransposeOptions
ReducerOptions SubOptions DivOptions SqueezeOptions SequenceRNNOptions StridedSliceOptions
ExpOptions TopKV2Options SplitOptions LogSoftmaxOptions CastOptions DequantizeOptions
MaximumMinimumOptions ArgMaxOptions LessOptions NegOptions PadV2Options GreaterOptions
GreaterEqualOptions LessEqualOptions SelectOptions SliceOptions TransposeConvOptions
SparseToDenseOptions TileOptions ExpandDimsOptions EqualOptions NotEqualOptions ShapeOptions
PowOptions ArgMinOptions FakeQuantOptions PackOptions LogicalOrOptions OneHotOptions
LogicalAndOptions LogicalNotOptions UnpackOptions FloorDivOptions SquareOptions ZerosLikeOptions
FillOptions BidirectionalSequenceLSTMOptions BidirectionalSequenceRNNOptions
UnidirectionalSequenceLSTMOptions FloorModOptions RangeOptions ResizeNearestNeighborOptions
LeakyReluOptions SquaredDifferenceOptions MirrorPadOptions AbsOptions SplitVOptions
UniqueOptions ReverseV2Options AddNOptions GatherNdOptions CosOptions WhereOptions RankOptions
ReverseSequenceOptions MatrixDiagOptions QuantizeOptions MatrixSetDiagOptions HardSwishOptions
IfOptions WhileOptions DepthToSpaceOptions NonMaxSuppressionV4Options
NonMaxSuppressionV5Options ScatterNdOptions SelectV2Options DensifyOptions SegmentSumOptions
BatchMatMulOptions CumsumOptions CallOnceOptions BroadcastToOptions Rfft2dOptions
Conv3DOptions HashtableOptions HashtableFindOptions HashtableImportOptions
HashtableSizeOptions VarHandleOptions ReadVariableOptions AssignVariableOptions RandomOptions
BucketizeOptions GeluOptions DynamicUpdateSliceOptions UnsortedSegmentProdOptions
UnsortedSegmentMaxOptions UnsortedSegmentMinOptions UnsortedSegmentSumOptions ATan2Options
SignOptions BitcastOptions BitwiseXorOptions RightShiftOptions
""".split(), start=1))
OPT_CONV2D, OPT_DEPTHWISE_CONV2D, OPT_POOL2D, OPT_FULLY_CONNECTED = 1, 2, 5, 8
OPT_SOFTMAX, OPT_CONCATENATION, OPT_ADD, OPT_RESHAPE, OPT_MUL, OPT_PAD = 9, 10, 11, 17, 21, 22
OPT_REDUCER, OPT_SQUEEZE = 27, 30
OPTION_TAGS = {name: tag for tag, name in OPTIONS_NAMES.items()}

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


class Subgraph:
    pass


class Model:
    pass


# A model with more is not a TinyML model mote can express (control flow beyond CALL_ONCE).
MAX_SUBGRAPHS = 16


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
    if not subgraphs:
        raise ConvertError("model has no subgraphs")
    if len(subgraphs) > MAX_SUBGRAPHS:
        raise ConvertError("model has %d subgraphs; mote reads at most %d"
                           % (len(subgraphs), MAX_SUBGRAPHS))
    m.subgraphs = [_subgraph(sg, k, m.opcodes, buffers) for k, sg in enumerate(subgraphs)]
    main = m.subgraphs[0]
    m.tensors, m.inputs, m.outputs, m.operators = (main.tensors, main.inputs, main.outputs,
                                                   main.operators)
    return m


def _subgraph(sg, number, opcodes, buffers):
    """One subgraph: its tensors (with constant data), inputs, outputs and operators."""
    where = "" if number == 0 else "subgraph %d: " % number

    def buffer_data(index, tensor):
        if index == 0:
            return None
        if index >= len(buffers):
            raise ConvertError("%stensor %d (%s) refers to buffer %d, but the model has %d"
                               % (where, tensor.index, tensor.name, index, len(buffers)))
        b = buffers[index]
        off = b.scalar(B_OFFSET, "u64", 0)
        if off > 1:
            raise ConvertError("%stensor %d (%s) keeps its data outside the flatbuffer "
                               "(>2 GB layout), which mote-convert does not read"
                               % (where, tensor.index, tensor.name))
        d = b.bytes_vector(B_DATA, "buffer %d data" % index)
        return d if d else None

    g = Subgraph()
    g.number = number
    g.name = sg.string(SG_NAME, "subgraph name") or ""
    g.tensors = []
    for i, t in enumerate(sg.tables(SG_TENSORS, "tensors") or []):
        ten = Tensor(i)
        ten.name = t.string(T_NAME, "tensor name") or ("tensor%d" % i)
        ten.shape = t.vector(T_SHAPE, "i32", "tensor %d shape" % i) or []
        ten.type = t.scalar(T_TYPE, "i8", FLOAT32)
        ten.is_variable = bool(t.scalar(T_IS_VARIABLE, "bool", 0))
        if t.has(T_SPARSITY):
            raise ConvertError("%stensor %d (%s) is sparse, which mote does not support"
                               % (where, i, ten.name))
        if t.scalar(T_EXTERNAL_BUFFER, "u32", 0) != 0:
            raise ConvertError("%stensor %d (%s) uses an external buffer" % (where, i, ten.name))
        ten.buffer = t.scalar(T_BUFFER, "u32", 0)
        ten.data = buffer_data(ten.buffer, ten)
        ten.quant = _quant(t.table(T_QUANTIZATION, "tensor %d quantization" % i), ten)
        g.tensors.append(ten)

    nt = len(g.tensors)

    def tensor_list(values, what, allow_optional=False):
        out = []
        for v in values or []:
            if v == -1 and allow_optional:
                out.append(-1)
                continue
            if v < 0 or v >= nt:
                raise ConvertError("%s%s refers to tensor %d, but the subgraph has %d tensors"
                                   % (where, what, v, nt))
            out.append(v)
        return out

    g.inputs = tensor_list(sg.vector(SG_INPUTS, "i32", "subgraph inputs"), "subgraph input")
    g.outputs = tensor_list(sg.vector(SG_OUTPUTS, "i32", "subgraph outputs"), "subgraph output")

    g.operators = []
    for i, o in enumerate(sg.tables(SG_OPERATORS, "operators") or []):
        op = Operator(i)
        idx = o.scalar(OP_OPCODE_INDEX, "u32", 0)
        if idx >= len(opcodes):
            raise ConvertError("%soperator %d uses opcode index %d, but the model has %d "
                               "operator codes" % (where, i, idx, len(opcodes)))
        op.code, op.custom, op.version = opcodes[idx]
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
        op.subgraph = number
        g.operators.append(op)
    return g


def f32_bits(x):
    return struct.unpack("<I", struct.pack("<f", x))[0]
