"""TFLite subgraph -> mote layer tree.

Every operator is validated by its module in the operator registry (ops/) against what the mote
API can express (dtypes, options, shapes, quantization); each problem is a ConvertError naming
the operator, and build() reports all of them at once.  The graph is then decomposed into
Sequential chains, Branch<Join, paths...> for fan-out/fan-in (series-parallel) structure, and
Inputs<...> for a model whose several inputs meet at its first (join) operator.
"""
from . import ConvertError, ConvertErrors
from . import ops
from . import tflite as tfl
from . import variables as variable_analysis
from .ops.common import hwc, is_float

class Layer:
    """One mote layer made from one TFLite operator."""

    def __init__(self, op, kind):
        self.op = op
        self.kind = kind          # mote layer name, e.g. "Conv2D"
        self.inputs = []          # activation input tensor indices, in operator order
        self.output = None        # output tensor index
        self.p = None             # the op module's typed parameters, for its emit()
        self.summary = ""         # one-line description for the header comment


class Branch:
    def __init__(self, join, paths):
        self.join = join          # Layer
        self.paths = paths        # list of lists of nodes (Layer / Branch); [] = Identity


class ModelIR:
    pass


# Element types a layer may produce (each operator module checks its own).
OUTPUT_TYPES = (tfl.INT8, tfl.UINT8, tfl.INT16, tfl.INT32, tfl.FLOAT32)


def make_layers(model, op):
    """The mote layer(s) of one operator: one per output (SPLIT gives one slice per output)."""
    name = op.name
    if op.code == tfl.OPS["CUSTOM"]:
        raise op.fail("custom operators are not supported")
    module = ops.lookup(name)
    if module is None:
        raise op.fail("operator is not supported by mote")
    if op.version < 1 or op.version > module.BUILTINS[name]:
        raise op.fail("operator version %d is not supported (mote implements up to v%d)"
                      % (op.version, module.BUILTINS[name]))
    if op.intermediates and not getattr(module, "INTERMEDIATES", False):
        raise op.fail("operators with intermediate tensors are not supported")
    for o in op.outputs:
        if o < 0:
            raise op.fail("output tensor index is -1")
    parse_all = getattr(module, "parse_outputs", None)
    parsed = parse_all(model, op) if parse_all else [module.parse(model, op)]
    layers = []
    for k, p in enumerate(parsed):
        layer = Layer(op, p.kind)
        layer.inputs = p.inputs
        layer.p = p.params
        layer.summary = p.summary
        layer.output = op.outputs[k] if op.outputs else None
        layer.out_shape = None
        layer.out_float = False
        if layer.output is not None:
            out = model.tensors[layer.output]
            if out.data is not None:
                raise op.fail("output tensor %d (%s) is a constant" % (out.index, out.name))
            if out.type not in OUTPUT_TYPES:
                raise op.fail("output tensor %d (%s) has type %s, which mote does not support"
                              % (out.index, out.name, out.type_name))
            layer.out_shape = hwc(out, op, "output")
            layer.out_float = is_float(out)
        layers.append(layer)
    return layers


# ---------------------------------------------------------------------------------------------
# Graph structure


def stand_in(model, op):
    """A kind-less Layer for an operator that failed validation, so that the structural checks
    can still run over the rest of the graph; None when its outputs do not allow one."""
    if len(op.outputs) != 1 or op.outputs[0] < 0:
        return None
    layer = Layer(op, None)
    layer.inputs = [t for t in op.inputs if t >= 0 and model.tensors[t].data is None]
    layer.output = op.outputs[0]
    return layer


def build(model):
    """Validate the whole model and return a ModelIR (inputs, layer tree, output).  Raises
    ConvertError listing every blocking problem: each failed operator's, then the structural
    one if any (the structural checks see a failed operator as a stand-in that may join)."""
    op_errors = []
    try:
        ir = _build(model, op_errors)
    except ConvertErrors:
        pass                       # stopped early: the operators' errors say it all
    except ConvertError as e:
        op_errors.append(e)
    if len(op_errors) > 1:
        raise ConvertErrors(op_errors)
    if op_errors:
        raise op_errors[0]
    return ir


def _build(model, op_errors):
    """build()'s body; appends per-operator errors to op_errors and carries on with stand-ins."""
    if not model.operators:
        raise ConvertError("model has no operators")
    if not model.outputs:
        raise ConvertError("model has no outputs")
    if not model.inputs:
        raise ConvertError("model has no inputs")
    if len(set(model.inputs)) != len(model.inputs):
        raise ConvertError("model lists an input tensor twice")
    if len(set(model.outputs)) != len(model.outputs):
        raise ConvertError("model lists an output tensor twice")
    for i in model.inputs:
        t = model.tensors[i]
        if t.data is not None:
            raise ConvertError("model input tensor %d (%s) is a constant" % (i, t.name))
        if t.type not in (tfl.INT8, tfl.UINT8, tfl.INT16, tfl.FLOAT32):
            raise ConvertError("model input tensor %d (%s) has type %s; mote supports INT8, "
                               "UINT8, INT16 and FLOAT32" % (i, t.name, t.type_name))
        hwc(t, None, "model input")
    model.variable_handles, variables, _ = variable_analysis.analyse(model)

    producer = {}
    for i in model.inputs:
        producer[i] = -1
    layers = []
    several = False        # an operator with several outputs (SPLIT): a Graph
    for op in model.operators:
        if op.name in variable_analysis.EVALUATED:
            continue
        try:
            made = make_layers(model, op)
            for layer in made:
                for t in layer.inputs:
                    if t not in producer:
                        raise op.fail("input tensor %d (%s) is not produced by an earlier "
                                      "operator or a model input" % (t, model.tensors[t].name))
                if layer.output in producer:
                    raise op.fail("output tensor %d is written twice" % layer.output)
        except ConvertError as e:
            op_errors.append(e)
            layer = stand_in(model, op)
            if layer is None or layer.output in producer or any(
                    t not in producer for t in layer.inputs):
                raise ConvertErrors(op_errors)   # no structure left to check
            made = [layer]
        several = several or len(made) > 1
        for layer in made:
            if layer.output is not None:
                producer[layer.output] = op.index
            layers.append(layer)

    for out in model.outputs:
        if out not in producer or producer[out] < 0:
            raise ConvertError("model output tensor %d is not produced by an operator" % out)
        hwc(model.tensors[out], None, "model output")

    ir = ModelIR()
    ir.model = model
    ir.inputs = list(model.inputs)
    ir.outputs = list(model.outputs)
    ir.output = ir.outputs[0]
    ir.variables = variables
    ir.layers = layers
    ir.tree = None
    ir.first_join = None
    if not (variables or several or len(ir.outputs) > 1 or any(
            layer.output is None for layer in layers)):
        try:
            ir.tree = _series_parallel(model, layers, producer, ir.output)
        except ConvertError:
            ir.tree = None         # not a Sequential of Branches: a Graph says any DAG
    if ir.tree is None:
        ir.nodes = _live(layers, ir.outputs)
        _check_outputs_computed(model, layers, ir.outputs)
    if op_errors:
        raise ConvertErrors(op_errors)
    return ir


def _check_outputs_computed(model, layers, outputs):
    """A Graph output must be computed, not a view (a Reshape chain) of a model input."""
    producer = {layer.output: layer for layer in layers if layer.output is not None}
    for out in outputs:
        t = out
        while t in producer and producer[t].kind == "Reshape":
            t = producer[t].inputs[0]
        if t in model.inputs:
            raise ConvertError("model output tensor %d is the model input tensor %d reshaped; "
                               "a mote::Graph output must be computed by an operator" % (out, t))


def _live(layers, outputs):
    """The layers, in operator order, whose results reach a model output or a variable; the
    rest (a dead branch) would compute nothing anyone reads."""
    needed = set(outputs)
    live = []
    for layer in reversed(layers):
        if layer.output is None or layer.output in needed:
            live.append(layer)
            needed.update(layer.inputs)
    live.reverse()
    return live


def _series_parallel(model, layers, producer, out):
    """The Sequential / Branch tree of a one-output model, or ConvertError naming where the
    graph is not series-parallel."""
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
            if join.kind is not None and join.op.name not in ops.JOINS:
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

    def first_join_then_chain():
        """Several model inputs: they must meet at the first (join) operator."""
        users = set()
        for t in model.inputs:
            for (oi, _slot) in uses.get(t, []):
                users.add(oi)
        if len(users) != 1:
            raise ConvertError("the %d model inputs must all feed one join operator (ADD, MUL "
                               "or CONCATENATION) directly" % len(model.inputs))
        join = by_op[users.pop()]
        if join.kind is not None and join.op.name not in ops.JOINS:
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
        tree = chain(join.output, uses.get(join.output, []), out) if join.output != out else []
        tree.insert(0, join)
        return tree

    if len(model.inputs) == 1:
        t = model.inputs[0]
        tree = chain(t, uses.get(t, []), out)
    else:
        tree = first_join_then_chain()
    missing = [layer for layer in layers if layer.op.index not in emitted]
    if missing:
        raise missing[0].op.fail("its output does not reach the model output along a "
                                 "structure mote can express")
    return tree
