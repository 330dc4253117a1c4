#!/usr/bin/env python3
"""Configure-time check: can a .tflite model fit a board's declared flash and RAM?

    model_fit.py MODEL.tflite TOOLS_DIR FLASH_BYTES RAM_BYTES RESERVED_RAM_BYTES [STREAM_BYTES]

Prints one line: "fits" or "does not fit: <reason>". The figures are lower bounds that hold
for any engine: flash >= constant tensor bytes (weights, bias); RAM >= the model input (the
caller's buffer) + the largest set of activation tensors live at one operator (what a perfect
arena planner needs; RESHAPE outputs alias their input) + the variable tensors (state kept
between runs: LSTM, SVDF; resource variables are not counted) + RESERVED_RAM_BYTES (stack and
the firmware's own buffers). So "does not fit" is certain; "fits" may still be refused by the
linker for a model within a few KiB of the limit. Reads the file with tools/motelib; if that
fails, says "fits" and leaves the decision to the linker.

STREAM_BYTES (default 0) describes a firmware that runs a stateful model (variable tensors or
resource variables) on a stream: instead of one input it holds as many whole input frames as
fit in STREAM_BYTES (1 to 32 of them) and their outputs.
"""
import sys


def main(argv):
    model, tools, flash, ram, reserved = argv[1], argv[2], int(argv[3]), int(argv[4]), int(argv[5])
    stream = int(argv[6]) if len(argv) > 6 else 0
    sys.path.insert(0, tools)
    try:
        from motelib import tflite
        with open(model, "rb") as f:
            m = tflite.parse(f.read())
    except Exception as e:  # noqa: BLE001 - any reader problem: let the build decide
        print("fits (not checked: %s)" % (str(e).splitlines() or [type(e).__name__])[0])
        return 0
    size = {1: 4, 2: 4, 3: 1, 9: 1, 7: 2, 4: 8, 10: 2, 6: 1}   # bytes per element by TFLite type
    nbytes = lambda t: t.elements() * size.get(t.type, 4)  # noqa: E731
    consts = sum(len(t.data) for t in m.tensors if t.data is not None)
    inputs = set(m.inputs)
    alias = {}  # RESHAPE output -> the tensor it aliases
    for op in m.operators:
        if op.name in ("RESHAPE", "SQUEEZE") and op.inputs and op.outputs:
            src = op.inputs[0]
            alias[op.outputs[0]] = alias.get(src, src)
    root = lambda i: alias.get(i, i)  # noqa: E731
    last_use, first_def = {}, {}
    for k, op in enumerate(m.operators):
        for i in op.inputs:
            if i >= 0 and m.tensors[i].data is None:
                last_use[root(i)] = k
        for o in op.outputs:
            first_def.setdefault(root(o), k)
    for o in m.outputs:
        last_use[root(o)] = len(m.operators)
    peak = 0
    for k in range(len(m.operators)):
        live = sum(nbytes(m.tensors[t]) for t, d in first_def.items()
                   if t not in inputs and d <= k and last_use.get(t, d) >= k)
        peak = max(peak, live)
    in_bytes = sum(nbytes(m.tensors[i]) for i in m.inputs)
    stateful = any(t.is_variable for t in m.tensors) or any(
        op.name in ("VAR_HANDLE", "CALL_ONCE") for op in m.operators)
    if stream and stateful:
        frames = min(32, max(1, stream // max(in_bytes, 1)))
        in_bytes = frames * (in_bytes + sum(nbytes(m.tensors[o]) for o in m.outputs))
    state = sum(nbytes(t) for t in m.tensors if t.is_variable)
    need_ram = peak + in_bytes + state + reserved
    if consts > flash:
        print("does not fit: weights and bias alone are %d B, the board declares %d B of flash"
              % (consts, flash))
    elif need_ram > ram:
        print("does not fit: needs at least %d B of RAM (activations %d + input %d%s + stack and "
              "buffers %d), the board declares %d B"
              % (need_ram, peak, in_bytes, " + state %d" % state if state else "", reserved, ram))
    else:
        print("fits")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
