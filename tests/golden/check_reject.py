#!/usr/bin/env python3
"""ctest helper: mote-convert must reject MODEL with exit status 1, one or more stderr lines
'mote-convert: error: ...' (one per blocking problem), the first matching PATTERN (a regular
expression), and no header written.

    check_reject.py MOTE_CONVERT MODEL PATTERN
"""
import os
import re
import subprocess
import sys
import tempfile


def main():
    conv, model, pattern = sys.argv[1], sys.argv[2], sys.argv[3]
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "model.hpp")
        r = subprocess.run([sys.executable, conv, model, "-o", out], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=120)
        err = r.stderr.decode("utf-8", "replace")
        lines = err.splitlines()
        print("exit status %d; stderr: %s" % (r.returncode, err.strip()))
        problems = []
        if r.returncode != 1:
            problems.append("exit status %d, expected 1" % r.returncode)
        if not lines or not all(ln.startswith("mote-convert: error: ") for ln in lines):
            problems.append("stderr is not 'mote-convert: error: ' lines")
        elif not re.search(pattern, lines[0]):
            problems.append("message does not match %r" % pattern)
        if os.path.exists(out):
            problems.append("a header was written despite the error")
        if problems:
            print("FAIL: " + "; ".join(problems))
            return 1
    print("PASS: rejected as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
