"""Resource variables: VAR_HANDLE / READ_VARIABLE / ASSIGN_VARIABLE and their CALL_ONCE init.

A TFLite model keeps streaming state in resource variables: subgraph 0 runs CALL_ONCE (whose
init subgraph ASSIGN_VARIABLEs constant initial values, on the first Invoke only), takes
handles with VAR_HANDLE (one variable per container/shared_name, shared by all subgraphs), reads
them with READ_VARIABLE and writes them with ASSIGN_VARIABLE.  mote evaluates the init subgraph
here, at conversion: each variable becomes a mote::Variable whose initial value is constexpr
data, and the reads and writes become ReadVariable / AssignVariable nodes.
"""
from . import ConvertError
from . import tflite as tfl

OPT_CALL_ONCE = tfl.OPTION_TAGS["CallOnceOptions"]
OPT_VAR_HANDLE = tfl.OPTION_TAGS["VarHandleOptions"]

# Operators this module evaluates at conversion: no layer of their own.
EVALUATED = ("CALL_ONCE", "VAR_HANDLE")


class Variable:
    def __init__(self, key, number):
        self.key = key              # (container, shared_name)
        self.number = number        # declaration order: var0, var1, ...
        self.type = None            # TFLite tensor type
        self.shape = None           # TFLite shape
        self.quant = None           # (scale, zero_point) for quantized types
        self.initial = None         # bytes, or None: zero bytes (never assigned by the init)


def _handle_key(op):
    if op.options is None or op.options_type != OPT_VAR_HANDLE:
        raise op.fail("VAR_HANDLE without VarHandleOptions")
    return (op.options.string(0, "container") or "", op.options.string(1, "shared_name") or "")


def _describe(t):
    return "%s %s" % (t.type_name, list(t.shape))


def _bind(var, t, op, what):
    """The variable's type and shape, from every tensor that flows in or out of it."""
    if t.type not in (tfl.INT8, tfl.INT16, tfl.FLOAT32):
        raise op.fail("%s tensor %d is %s; mote keeps INT8, INT16 and FLOAT32 variables"
                      % (what, t.index, t.type_name))
    if var.type is None:
        var.type, var.shape = t.type, list(t.shape)
    elif var.type != t.type or var.shape != list(t.shape):
        raise op.fail("%s tensor %d (%s) does not match variable %r (%s %s)"
                      % (what, t.index, _describe(t), var.key[1], tfl.TENSOR_TYPE_NAMES.get(
                          var.type, var.type), var.shape))


def analyse(model):
    """Returns ({resource tensor index in subgraph 0: Variable}, [Variable...], init subgraph
    index or None); the operators to drop from subgraph 0's graph are CALL_ONCE and VAR_HANDLE."""
    variables = {}
    handles = {}

    def variable(key):
        if key not in variables:
            variables[key] = Variable(key, len(variables))
        return variables[key]

    main = model.subgraphs[0]
    init_index = None
    seen_access = False
    for op in main.operators:
        if op.name == "CALL_ONCE":
            if op.options is None or op.options_type != OPT_CALL_ONCE:
                raise op.fail("CALL_ONCE without CallOnceOptions")
            index = op.options.scalar(0, "i32", 0)
            if not 1 <= index < len(model.subgraphs):
                raise op.fail("init subgraph %d does not exist" % index)
            if init_index is not None:
                raise op.fail("a second CALL_ONCE is not supported")
            if seen_access:
                raise op.fail("CALL_ONCE after the first variable access is not supported")
            init_index = index
        elif op.name == "VAR_HANDLE":
            handles[op.outputs[0]] = variable(_handle_key(op))
        elif op.name in ("READ_VARIABLE", "ASSIGN_VARIABLE"):
            seen_access = True
    for i in range(1, len(model.subgraphs)):
        if i != init_index:
            raise ConvertError("subgraph %d is not an init subgraph called once by CALL_ONCE; "
                               "mote supports control flow only of that kind" % i)
    if init_index is not None:
        _evaluate_init(model.subgraphs[init_index], variable)
    return handles, sorted(variables.values(), key=lambda v: v.number), init_index


def _evaluate_init(sg, variable):
    """Runs the init subgraph at conversion: VAR_HANDLE, then ASSIGN_VARIABLE of constants."""
    handles = {}
    for op in sg.operators:
        if op.name == "VAR_HANDLE":
            handles[op.outputs[0]] = variable(_handle_key(op))
            continue
        if op.name != "ASSIGN_VARIABLE":
            raise op.fail("in the init subgraph: mote evaluates only VAR_HANDLE and constant "
                          "ASSIGN_VARIABLE at conversion")
        if len(op.inputs) != 2 or op.inputs[0] not in handles:
            raise op.fail("in the init subgraph: ASSIGN_VARIABLE needs a VAR_HANDLE and a value")
        t = sg.tensors[op.inputs[1]]
        if t.data is None:
            raise op.fail("in the init subgraph: the assigned value (tensor %d) is not a "
                          "constant" % t.index)
        var = handles[op.inputs[0]]
        _bind(var, t, op, "initial value")
        size = {tfl.INT8: 1, tfl.INT16: 2, tfl.FLOAT32: 4}[t.type]
        if len(t.data) != t.elements() * size:
            raise op.fail("in the init subgraph: tensor %d holds %d bytes, its shape needs %d"
                          % (t.index, len(t.data), t.elements() * size))
        var.initial = bytes(t.data)


def bind_access(var, model, op):
    """Checks a READ_VARIABLE's output or an ASSIGN_VARIABLE's value against the variable and
    records its quantization (every access must agree: TFLite copies raw bytes)."""
    if op.name == "READ_VARIABLE":
        t, what = model.tensors[op.outputs[0]], "READ_VARIABLE output"
    else:
        t, what = model.tensors[op.inputs[1]], "ASSIGN_VARIABLE value"
    _bind(var, t, op, what)
    if t.type in (tfl.INT8, tfl.INT16):
        q = t.quant
        if q is None or len(q.scales) != 1 or len(q.zero_points) != 1:
            raise op.fail("%s tensor %d lacks per-tensor quantization" % (what, t.index))
        quant = (q.scales[0], q.zero_points[0])
        if var.quant is not None and var.quant != quant:
            raise op.fail("%s tensor %d is quantized %r, variable %r is %r; mote keeps one "
                          "quantization per variable" % (what, t.index, quant, var.key[1],
                                                         var.quant))
        var.quant = quant
