"""READ_VARIABLE, ASSIGN_VARIABLE -> mote::ReadVariable / mote::AssignVariable of a
mote::Variable (see variables.py for VAR_HANDLE and the CALL_ONCE init)."""
import collections
import struct

from .. import emit as em
from .. import tflite as tfl
from .. import variables
from . import common as c

BUILTINS = {"READ_VARIABLE": 1, "ASSIGN_VARIABLE": 1}

VariableAccess = collections.namedtuple("VariableAccess", "variable")

C_TYPES = {tfl.INT8: ("std::int8_t", "b", 1), tfl.INT16: ("std::int16_t", "h", 2),
           tfl.FLOAT32: ("float", "f", 4)}


def _variable(model, op):
    if not op.inputs or op.inputs[0] not in model.variable_handles:
        raise op.fail("input 0 must be the resource of a VAR_HANDLE of this subgraph")
    return model.variable_handles[op.inputs[0]]


def parse(model, op):
    var = _variable(model, op)
    if op.name == "READ_VARIABLE":
        c.check_io_count(op, 1, 1)
        variables.bind_access(var, model, op)
        y = model.tensors[op.outputs[0]]
        return c.Parsed("ReadVariable", [], VariableAccess(var),
                        "%s from variable %r" % (c.shape_text(c.hwc(y, op, "output")),
                                                 em.comment_text(var.key[1], 40)))
    c.check_io_count(op, 2, 2, n_out=0)
    x = c.activation_input(model, op, 1)
    variables.bind_access(var, model, op)
    return c.Parsed("AssignVariable", [x.index], VariableAccess(var),
                    "%s into variable %r" % (c.shape_text(c.hwc(x, op, "value")),
                                             em.comment_text(var.key[1], 40)))


def declare(emitter, var):
    """The mote::Variable object (once per variable); returns its name."""
    name = "var%d" % var.number
    if name in emitter.declared:
        return name
    emitter.declared.add(name)
    ctype, fmt, size = C_TYPES[var.type]
    shape = "mote::Shape{%d, %d, %d}" % c.hwc(_Shape(var.shape))
    emitter.decls.append("")
    emitter.decls.append("// resource variable %r: kept in Net::State between runs"
                         % em.comment_text(var.key[1], 60))
    initial = "{}"
    if var.initial is not None:
        vals = struct.unpack("<%d%s" % (len(var.initial) // size, fmt), var.initial)
        tokens = [em.shortfloat(v) for v in vals] if fmt == "f" else [str(v) for v in vals]
        emitter.array(ctype, name + "_initial", tokens)
        initial = name + "_initial"
    q = "{%s, %d}" % (em.hexfloat(var.quant[0]), var.quant[1]) if var.quant else "{}"
    emitter.decls.append("inline constexpr mote::Variable<%s, %s> %s{%s, %s};"
                         % (shape, ctype, name, q, initial))
    return name


class _Shape:
    """A tensor stand-in for hwc(): a variable's shape."""

    def __init__(self, shape):
        self.shape, self.index, self.name = shape, -1, "variable"

    def elements(self):
        n = 1
        for d in self.shape:
            n *= d
        return n


def emit(emitter, layer, prefix):
    name = declare(emitter, layer.p.variable)
    return em.T("mote::" + layer.kind, [name])
