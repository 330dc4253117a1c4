"""The operator registry: TFLite builtin name -> the module that converts it.

Each operator module (one per operator or tight family) declares
    BUILTINS = {"NAME": v, ...}   the TFLite builtin names it converts, each with the highest
                                  operator version whose semantics mote implements
    JOIN = True                   (optional) it joins several activation paths (see graph.py)
    parse(model, op) -> common.Parsed
                                  reads the options, validates the operator against what the
                                  mote layer can express (raising op.fail(...)) and returns the
                                  layer kind, activation inputs, typed parameters and summary
    emit(emitter, layer, prefix) -> emit.T
                                  the C++ layer type; declarations (weights, quantization
                                  objects) go through the emitter's helpers, named prefix + "_..."

Adding an operator: write ops/<name>.py and list it in MODULES.
"""
from . import (activation, add_mul, concatenation, conv_2d, depthwise_conv_2d, dequantize,
               fully_connected, hard_swish, leaky_relu, mean, pad, pool_2d, quantize, reshape,
               resize_nearest_neighbor, resource_variable, softmax, split, strided_slice, svdf,
               transpose, unidirectional_sequence_lstm)

MODULES = (conv_2d, depthwise_conv_2d, fully_connected, pool_2d, add_mul, concatenation, reshape,
           softmax, activation, leaky_relu, hard_swish, quantize, dequantize, mean, pad,
           resize_nearest_neighbor, transpose, strided_slice, split, resource_variable,
           unidirectional_sequence_lstm, svdf)


def _registry():
    table = {}
    for module in MODULES:
        for name in module.BUILTINS:
            if name in table:
                raise AssertionError("%s is declared by %s and %s"
                                     % (name, table[name].__name__, module.__name__))
            table[name] = module
    return table


REGISTRY = _registry()
MAX_VERSION = {name: m.BUILTINS[name] for name, m in REGISTRY.items()}
JOINS = frozenset(name for name, m in REGISTRY.items() if getattr(m, "JOIN", False))


def lookup(name):
    """The module converting builtin `name`, or None when mote does not support it."""
    return REGISTRY.get(name)
