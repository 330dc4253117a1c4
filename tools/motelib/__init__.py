"""motelib: the pieces of mote-convert (TFLite flatbuffer -> mote C++ header).

Standard library only.  Modules:
  flatbuf  - bounds-checked generic flatbuffer table reader
  tflite   - TFLite schema facts (field slots, enums) and a typed model view
  ops      - the operator registry: one module per operator (validation, typed parameters,
             C++ emission) and the shared checks (ops/common.py)
  graph    - TFLite subgraph -> mote layer tree (Sequential / Branch / Inputs)
  emit     - layer tree -> C++ header text
  cli      - command line front ends (mote-convert, mote-run)
"""

VERSION = "0.1.0"


class ConvertError(Exception):
    """A user-facing conversion failure; printed as one line by the CLI."""

    def __init__(self, message, op_index=None, op_name=None):
        super().__init__(message)
        self.message = message
        self.op_index = op_index
        self.op_name = op_name

    def line(self):
        if self.op_index is not None:
            return "operator %d (%s): %s" % (self.op_index, self.op_name or "?", self.message)
        return self.message

    def lines(self):
        return [self.line()]


class ConvertErrors(ConvertError):
    """Several blocking problems found in one run; printed one line each."""

    def __init__(self, errors):
        super().__init__(errors[0].message, errors[0].op_index, errors[0].op_name)
        self.errors = errors

    def lines(self):
        return [e.line() for e in self.errors]
