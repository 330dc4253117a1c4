#!/usr/bin/env python3
"""tests/convert: mote-convert on the real models, on broken files and on >= 1,000
deterministic mutations of the real models (standard library unittest).

Environment: MOTE_SHARED_DIR (../shared), MOTE_REPO (the source tree), CXX (optional).
Run a part:  python3 test_convert.py RealModels | Broken | CompileChecks | Mutations
"""
import hashlib
import io
import os
import random
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import unittest
from contextlib import redirect_stderr, redirect_stdout

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.environ.get("MOTE_REPO") or os.path.dirname(os.path.dirname(HERE))
TOOLS = os.path.join(REPO, "tools")
CONVERT = os.path.join(TOOLS, "mote-convert")
SHARED = os.environ.get("MOTE_SHARED_DIR") or os.path.join(os.path.dirname(REPO), "shared")
MODELS = os.path.join(SHARED, "models")
sys.path.insert(0, TOOLS)
sys.path.insert(0, HERE)

from motelib import cli, tflite  # noqa: E402
from motelib.flatbuf import Buffer, Table  # noqa: E402
import fbbuild as fb  # noqa: E402

ERROR_LINE = re.compile(r"^mote-convert: error: \S.*$")
OP_ERROR_LINE = re.compile(r"^mote-convert: error: operator \d+ \([A-Z0-9_:]+\): \S.*$")
SUPPORTED = ["kws_dscnn_int8", "vww_mobilenetv1_int8", "ic_resnet8_int8", "ad_fcae_int8",
             "vww_mobilenetv1_fp32", "ic_resnet8_fp32", "ad_fcae_fp32"]
CXX = os.environ.get("CXX") or shutil.which("c++") or shutil.which("g++")


def have_models():
    return os.path.isdir(MODELS)


def read_model(name):
    with open(os.path.join(MODELS, name + ".tflite"), "rb") as f:
        return f.read()


def run_cli(args, timeout=120):
    r = subprocess.run([sys.executable, CONVERT] + args, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout)
    return r.returncode, r.stdout.decode(), r.stderr.decode()


class _Timeout(BaseException):
    pass


def _alarm(signum, frame):
    raise _Timeout()


def convert_in_process(data, limit=20):
    """Run the converter's CLI body in-process on bytes (via a temp file) with a time limit.
    Returns (exit status, stderr text, header text or None, timed_out)."""
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "m.tflite")
        out = os.path.join(d, "m.hpp")
        with open(src, "wb") as f:
            f.write(data)
        err = io.StringIO()
        timed_out = [False]

        def handler(signum, frame):
            timed_out[0] = True
            raise _Timeout()
        old = signal.signal(signal.SIGALRM, handler)
        signal.alarm(limit)
        try:
            with redirect_stderr(err), redirect_stdout(io.StringIO()):
                rc = cli.convert_main([src, "-o", out])
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, old)
        header = None
        if os.path.exists(out):
            with open(out) as f:
                header = f.read()
        return rc, err.getvalue(), header, timed_out[0]


def compile_header(test, header_path, ns, extra=""):
    if CXX is None:
        test.skipTest("no C++ compiler")
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "t.cpp")
        with open(src, "w") as f:
            f.write('#include "%s"\n' % header_path)
            f.write("static_assert(%s::Model::arena_bytes > 0);\n" % ns)
            f.write(extra)
            f.write("int main() { static %s::Model::Arena arena; (void)arena; return 0; }\n"
                    % ns)
        steps = ["-fconstexpr-steps=134217728"] if "clang" in os.path.basename(CXX) else []
        r = subprocess.run([CXX, "-std=c++20", "-O0", "-fsyntax-only"] + steps +
                           ["-I", os.path.join(REPO, "include"), src], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=600)
        test.assertEqual(r.returncode, 0, "header %s does not compile:\n%s"
                         % (header_path, r.stderr.decode()[:3000]))


@unittest.skipUnless(have_models(), "MOTE_SHARED_DIR models not found")
class RealModels(unittest.TestCase):
    def test_int8_and_float_models_convert_and_compile(self):
        expect_io = {"kws_dscnn_int8": (490, 12), "vww_mobilenetv1_int8": (27648, 2),
                     "ic_resnet8_int8": (3072, 10), "ad_fcae_int8": (640, 640),
                     "vww_mobilenetv1_fp32": (27648 * 4, 8), "ic_resnet8_fp32": (3072 * 4, 40),
                     "ad_fcae_fp32": (640 * 4, 640 * 4)}
        with tempfile.TemporaryDirectory() as d:
            for name in SUPPORTED:
                with self.subTest(model=name):
                    out = os.path.join(d, name + ".hpp")
                    rc, _o, err = run_cli([os.path.join(MODELS, name + ".tflite"), "-o", out])
                    self.assertEqual((rc, err), (0, ""))
                    text = open(out).read()
                    sha = hashlib.sha256(read_model(name)).hexdigest()
                    self.assertIn('"%s"' % sha, text)
                    self.assertIn("#pragma once", text)
                    self.assertIn("#include <mote/mote.hpp>", text)
                    self.assertIn("namespace %s {" % name, text)
                    self.assertIn("using Model = mote::Sequential<", text)
                    self.assertTrue(all(len(ln) <= 100 for ln in text.splitlines()),
                                    "a line exceeds 100 characters")
                    if name.startswith(("ic_", "kws_", "vww_")) and name.endswith("int8"):
                        self.assertRegex(text, r"0x1\.[0-9a-f]*p-?\d+f")
                    if name.startswith("ic_resnet8"):
                        self.assertEqual(text.count("mote::Branch<"), 3)
                        self.assertIn("mote::Identity", text)
                    i, o = expect_io[name]
                    compile_header(self, out, name,
                                   "static_assert(%s::Model::input_count == 1);\n"
                                   "static_assert(%s::Model::input<0>::bytes == %d);\n"
                                   "static_assert(%s::Model::output::bytes == %d);\n"
                                   % (name, name, i, name, o))

    def test_hybrid_kws_float_is_rejected(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "k.hpp")
            rc, _o, err = run_cli([os.path.join(MODELS, "kws_dscnn_fp32.tflite"), "-o", out])
            self.assertEqual(rc, 1)
            # every hybrid layer (the five CONV_2D), one line each
            lines = err.splitlines()
            self.assertEqual(len(lines), 5, err)
            for line in lines:
                self.assertRegex(line, OP_ERROR_LINE)
                self.assertRegex(line, r"\(CONV_2D\): hybrid")
            self.assertFalse(os.path.exists(out))

    def test_mote_run_matches_reference_and_caches(self):
        ref = os.path.join(MODELS, "ref")
        run = os.path.join(TOOLS, "mote-run")
        model = os.path.join(MODELS, "kws_dscnn_int8.tflite")
        with tempfile.TemporaryDirectory() as d:
            # A snapshot of the headers, so that concurrent edits cannot change the cache key.
            inc = os.path.join(d, "include")
            shutil.copytree(os.path.join(REPO, "include"), inc)
            env = dict(os.environ, XDG_CACHE_HOME=os.path.join(d, "cache"), MOTE_INCLUDE_DIR=inc)
            out = os.path.join(d, "out.bin")
            for sample in ("sample0", "seed1"):
                r = subprocess.run([sys.executable, run, model, "--input",
                                    os.path.join(ref, "kws_dscnn_int8_%s.in.bin" % sample),
                                    "--output", out], env=env, stderr=subprocess.PIPE,
                                   timeout=600)
                self.assertEqual(r.returncode, 0, r.stderr.decode())
                with open(out, "rb") as f, open(os.path.join(
                        ref, "kws_dscnn_int8_%s.out.bin" % sample), "rb") as g:
                    self.assertEqual(f.read(), g.read())
            builds = os.listdir(os.path.join(d, "cache", "mote"))
            self.assertEqual(len(builds), 1, "the second run should reuse the cached build")
            bad = os.path.join(d, "bad.bin")
            with open(bad, "wb") as f:
                f.write(bytes(489))
            r = subprocess.run([sys.executable, run, model, "--input", bad, "--output", out],
                               env=env, stderr=subprocess.PIPE, timeout=600)
            err = r.stderr.decode()
            self.assertEqual(r.returncode, 1)
            self.assertEqual(len(err.splitlines()), 1)
            self.assertRegex(err, r"^mote-run: error: input .* is 489 bytes; the model expects "
                                  r"a multiple of 490")

    def test_namespace_name_and_summary(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "k.hpp")
            rc, so, err = run_cli([os.path.join(MODELS, "kws_dscnn_int8.tflite"), "-o", out,
                                   "--namespace", "app::kws", "--name", "Net", "--summary"])
            self.assertEqual(rc, 0, err)
            text = open(out).read()
            self.assertIn("namespace app::kws {", text)
            self.assertIn("using Net = mote::Sequential<", text)
            self.assertIn("Conv2D", so)
            self.assertIn("2656768", so.replace(",", ""))   # total MACs, README figure
            for bad in (["--namespace", "9x"], ["--name", "int"], ["--bogus"]):
                rc, _o, err = run_cli([os.path.join(MODELS, "kws_dscnn_int8.tflite"), "-o",
                                       out] + bad)
                self.assertEqual(rc, 1)
                self.assertRegex(err.strip(), ERROR_LINE)
                self.assertEqual(len(err.splitlines()), 1)

    def test_split_defines_head_and_tail_and_summary_lists_cuts(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "k.hpp")
            model = os.path.join(MODELS, "kws_dscnn_int8.tflite")
            rc, so, err = run_cli([model, "-o", out, "--namespace", "kws", "--split", "3",
                                   "--summary"])
            self.assertEqual(rc, 0, err)
            self.assertIn("using Head = mote::head<Model, 3>;", open(out).read())
            self.assertIn("cuts (K units on the device", so)
            # K = 1: the first conv's output, 25x5x64 int8 = 8000 bytes on the link (its weight
            # bytes depend on the kernels selected; tests/static pins them)
            self.assertRegex(so, r"\n\s+1\s+320000\s+8000\s+\d+\s+25x5x64\s+8000\s")
            compile_header(self, out, "kws",
                           "static_assert(kws::Tail::input<0>::bytes == "
                           "kws::Head::output::bytes);\n"
                           "static_assert(kws::Head::macs + kws::Tail::macs == "
                           "kws::Model::macs);\n")
            for bad in ("0", "13"):
                rc, _o, err = run_cli([model, "-o", out, "--split", bad])
                self.assertEqual(rc, 1)
                self.assertRegex(err.strip(), ERROR_LINE)
                self.assertIn("--split", err)


def _field_pos(table, fid):
    return table._field_pos(fid, 0)


class Broken(unittest.TestCase):
    def reject(self, data, pattern=None, op_specific=None, count=1):
        """Expect exit 1, `count` error lines (None: any number), no header; `pattern` and
        `op_specific` apply to the first line.  Returns the lines."""
        rc, err, header, timed_out = convert_in_process(data)
        self.assertFalse(timed_out)
        self.assertEqual(rc, 1, "accepted: %r" % err)
        lines = err.splitlines()
        self.assertGreaterEqual(len(lines), 1, err)
        if count is not None:
            self.assertEqual(len(lines), count, err)
        for line in lines:
            self.assertRegex(line, ERROR_LINE)
            self.assertNotIn("internal error", line)
        if op_specific:
            self.assertRegex(lines[0], OP_ERROR_LINE)
        if pattern:
            self.assertRegex(lines[0], pattern)
        self.assertIsNone(header)
        return lines

    # --- synthetic models
    def relu_model(self, **kw):
        t = [fb.tensor([1, 4, 4, 2], scale=0.1, zp=0, name="in"),
             fb.tensor([1, 4, 4, 2], scale=0.1, zp=0, name="out")]
        return fb.model([fb.opcode(19, kw.get("version", 1))], t,
                        [fb.operator(0, [0], [1])], [0], [1], [b""])

    def test_synthetic_valid_model_converts(self):
        rc, err, header, _ = convert_in_process(self.relu_model())
        self.assertEqual(rc, 0, err)
        self.assertIn("mote::ReLU<>", header)

    def test_unknown_and_unsupported_ops(self):
        t = [fb.tensor([1, 4], scale=0.1, zp=0), fb.tensor([1, 4], scale=0.1, zp=0)]
        for code, name in ((13, "LOCAL_RESPONSE_NORMALIZATION"), (146, "RANDOM_STANDARD_NORMAL"),
                           (209, "STABLEHLO_CASE"), (210, "BUILTIN_210"),
                           (99, "SQUARED_DIFFERENCE")):
            data = fb.model([fb.opcode(code)], t, [fb.operator(0, [0], [1])], [0], [1], [b""])
            self.reject(data, r"operator 0 \(%s\): operator is not supported" % name, True)

    def test_every_builtin_has_its_schema_name(self):
        names = tflite.BUILTIN_NAMES
        self.assertEqual(len(names), 210)
        self.assertEqual(sorted(names), list(range(210)))
        for code, name in ((0, "ADD"), (32, "CUSTOM"), (44, "UNIDIRECTIONAL_SEQUENCE_LSTM"),
                           (127, "PLACEHOLDER_FOR_GREATER_OP_CODES"), (129, "CALL_ONCE"),
                           (142, "VAR_HANDLE"), (143, "READ_VARIABLE"), (144, "ASSIGN_VARIABLE"),
                           (161, "RIGHT_SHIFT"), (162, "STABLEHLO_LOGISTIC"),
                           (205, "REDUCE_WINDOW"), (209, "STABLEHLO_CASE")):
            self.assertEqual(names[code], name)
        self.assertEqual(tflite.OPTIONS_NAMES[tflite.OPT_CONV2D], "Conv2DOptions")
        self.assertEqual(tflite.OPTIONS_NAMES[tflite.OPT_SQUEEZE], "SqueezeOptions")
        self.assertEqual(tflite.OPTIONS_NAMES[126], "RightShiftOptions")

    def test_every_blocking_problem_is_reported(self):
        # in -> LOCAL_RESPONSE_NORMALIZATION -> RELU -> SQUARED_DIFFERENCE(x, x) -> out: both
        # unsupported operators, one line each in operator order; the RELU between them (fed by
        # a failed operator) is fine.
        t = [fb.tensor([1, 4], scale=0.1, zp=0, name="t%d" % i) for i in range(5)]
        ops = [fb.operator(0, [0], [1]), fb.operator(1, [1], [2]), fb.operator(2, [2, 2], [3])]
        codes = [fb.opcode(13), fb.opcode(19), fb.opcode(99)]
        lines = self.reject(fb.model(codes, t, ops, [0], [3], [b""]), None, True, count=2)
        self.assertRegex(lines[0], r"^mote-convert: error: operator 0 "
                                   r"\(LOCAL_RESPONSE_NORMALIZATION\): operator is not supported "
                                   r"by mote$")
        self.assertRegex(lines[1], r"^mote-convert: error: operator 2 \(SQUARED_DIFFERENCE\): "
                                   r"operator is not supported by mote$")
        # ... then the structural problem: the model output (tensor 4) comes from no operator.
        lines = self.reject(fb.model(codes, t, ops, [0], [4], [b""]), None, True, count=3)
        self.assertIn("operator 0 (LOCAL_RESPONSE_NORMALIZATION)", lines[0])
        self.assertIn("operator 2 (SQUARED_DIFFERENCE)", lines[1])
        self.assertRegex(lines[2], r"^mote-convert: error: model output tensor 4 is not produced "
                                   r"by an operator$")
        # an operator with a bad version and one with a bad shape, in one run
        t = [fb.tensor([1, 4], scale=0.1, zp=0), fb.tensor([1, 4], scale=0.1, zp=0),
             fb.tensor([1, 5], scale=0.1, zp=0)]
        data = fb.model([fb.opcode(19, 7), fb.opcode(21)], t,
                        [fb.operator(0, [0], [1]), fb.operator(1, [1], [2])], [0], [2], [b""])
        lines = self.reject(data, None, True, count=2)
        self.assertRegex(lines[0], r"operator 0 \(RELU\): operator version 7")
        self.assertRegex(lines[1], r"operator 1 \(RELU6\): output shape \[1, 5\] differs")

    def test_unsupported_version(self):
        self.reject(self.relu_model(version=9), r"version 9", True)

    def accept(self, data):
        rc, err, header, timed_out = convert_in_process(data)
        self.assertFalse(timed_out)
        self.assertEqual(rc, 0, err)
        return header

    def test_multi_output(self):
        # Two outputs: a Graph returning both, in subgraph-output order.
        t = [fb.tensor([1, 4], scale=0.1, zp=0), fb.tensor([1, 4], scale=0.1, zp=0),
             fb.tensor([1, 4], scale=0.1, zp=0)]
        data = fb.model([fb.opcode(19)], t, [fb.operator(0, [0], [1]), fb.operator(0, [0], [2])],
                        [0], [2, 1], [b""])
        header = self.accept(data)
        self.assertIn("using Model = mote::Graph<", header)
        self.assertIn("mote::Outputs<2, 1>>;", header)

    def test_batch_two_and_uint8(self):
        # Rank 2 and 3: rows of a matrix, any leading size; rank 4 needs a batch of 1.
        t = [fb.tensor([2, 4], scale=0.1, zp=0), fb.tensor([2, 4], scale=0.1, zp=0)]
        header = self.accept(fb.model([fb.opcode(19)], t, [fb.operator(0, [0], [1])], [0], [1],
                                      [b""]))
        self.assertIn("mote::Input<mote::Shape{1, 2, 4}", header)
        t = [fb.tensor([2, 1, 1, 4], scale=0.1, zp=0), fb.tensor([2, 1, 1, 4], scale=0.1, zp=0)]
        self.reject(fb.model([fb.opcode(19)], t, [fb.operator(0, [0], [1])], [0], [1], [b""]),
                    r"batch 2")
        t = [fb.tensor([1, 4], fb.UINT8, scale=0.1, zp=0),
             fb.tensor([1, 4], fb.UINT8, scale=0.1, zp=0)]
        self.reject(fb.model([fb.opcode(19)], t, [fb.operator(0, [0], [1])], [0], [1], [b""]),
                    r"UINT8")

    def test_dead_branch_and_hybrid_fc(self):
        t = [fb.tensor([1, 4], scale=0.1, zp=0), fb.tensor([1, 4], scale=0.1, zp=0),
             fb.tensor([1, 4], scale=0.1, zp=0)]
        data = fb.model([fb.opcode(19)], t, [fb.operator(0, [0], [1]), fb.operator(0, [0], [2])],
                        [0], [1], [b""])
        # The dead RELU (operator 1) computes nothing the output reads: left out.
        header = self.accept(data)
        self.assertIn("// operator 0: RELU", header)
        self.assertNotIn("// operator 1: RELU", header)
        # float32 activations with int8 weights (hybrid FULLY_CONNECTED)
        t = [fb.tensor([1, 4], fb.FLOAT32), fb.tensor([3, 4], fb.INT8, buffer=1, scale=0.5),
             fb.tensor([1, 3], fb.FLOAT32)]
        opts = fb.Table(f0=("i8", 0))
        data = fb.model([fb.opcode(9, 1)], t, [fb.operator(0, [0, 1, -1], [2], 8, opts)], [0],
                        [2], [b"", bytes(12)])
        self.reject(data, r"operator 0 \(FULLY_CONNECTED\): hybrid", True)

    def test_shape_mismatch_and_bad_weights(self):
        # conv whose declared output shape disagrees with the computed one
        opts = fb.Table(f0=("i8", 1), f1=("i32", 1), f2=("i32", 1), f3=("i8", 0))
        t = [fb.tensor([1, 5, 5, 2], scale=0.1, zp=0),
             fb.tensor([4, 3, 3, 2], buffer=1, scale=[0.01] * 4, zp=[0] * 4),
             fb.tensor([4], fb.INT32, buffer=2),
             fb.tensor([1, 5, 5, 4], scale=0.2, zp=0)]
        data = fb.model([fb.opcode(3, 3)], t, [fb.operator(0, [0, 1, 2], [3], 1, opts)], [0],
                        [3], [b"", bytes(72), bytes(16)])
        self.reject(data, r"operator 0 \(CONV_2D\): output shape", True)
        # filter buffer shorter than its shape
        t[3] = fb.tensor([1, 3, 3, 4], scale=0.2, zp=0)
        data = fb.model([fb.opcode(3, 3)], t, [fb.operator(0, [0, 1, 2], [3], 1, opts)], [0],
                        [3], [b"", bytes(70), bytes(16)])
        self.reject(data, r"operator 0 \(CONV_2D\): filter tensor", True)
        data = fb.model([fb.opcode(3, 3)], t, [fb.operator(0, [0, 1, 2], [3], 1, opts)], [0],
                        [3], [b"", bytes(72), bytes(16)])
        rc, err, header, _ = convert_in_process(data)
        self.assertEqual(rc, 0, err)

    # --- real-file corruption
    @unittest.skipUnless(have_models(), "models not found")
    def test_truncated_bad_magic_out_of_range(self):
        data = read_model("kws_dscnn_int8")
        for n in (0, 3, 7, 8, 100, 1000, len(data) // 2, len(data) - 1):
            self.reject(data[:n])
        self.reject(b"XXXX" + data[4:] if False else data[:4] + b"TFL2" + data[8:],
                    r"file identifier")
        bad = bytearray(data)
        struct.pack_into("<I", bad, 0, len(data) + 1000)
        self.reject(bytes(bad), r"malformed model")
        # the operator_codes vector offset of the root table, pointed past the end
        root = Buffer(data).root(b"TFL3")
        pos = _field_pos(root, tflite.M_OPERATOR_CODES)
        bad = bytearray(data)
        struct.pack_into("<I", bad, pos, len(data) - pos + 4)
        self.reject(bytes(bad), r"malformed model")
        # a vtable offset pointing before the start of the file
        bad = bytearray(data)
        struct.pack_into("<i", bad, root.pos, root.pos + 64)
        self.reject(bytes(bad), r"malformed model")

    @unittest.skipUnless(have_models(), "models not found")
    def test_unknown_opcode_in_real_model(self):
        data = bytearray(read_model("kws_dscnn_int8"))
        root = Buffer(bytes(data)).root(b"TFL3")
        codes = root.tables(tflite.M_OPERATOR_CODES)
        # make the first opcode (CONV_2D, used by operator 0) an unknown builtin (code 250)
        p = _field_pos(codes[0], tflite.OC_BUILTIN_CODE)
        q = _field_pos(codes[0], tflite.OC_DEPRECATED_BUILTIN_CODE)
        self.assertIsNotNone(q)
        data[q] = 127
        if p is not None:
            struct.pack_into("<i", data, p, 250)
        lines = self.reject(bytes(data), None, True, count=None)
        unknown = r"\((BUILTIN_250|PLACEHOLDER_FOR_GREATER_OP_CODES)\): operator is not supported"
        self.assertRegex(lines[0], r"operator 0 " + unknown)
        # every operator using that opcode is reported, and nothing else
        for line in lines:
            self.assertRegex(line, r"operator \d+ " + unknown)
        self.assertGreater(len(lines), 1)

    def test_missing_and_directory_inputs(self):
        rc, _o, err = run_cli(["/nonexistent/model.tflite", "-o", "/tmp/x.hpp"])
        self.assertEqual(rc, 1)
        self.assertRegex(err.strip(), r"^mote-convert: error: cannot read ")
        rc, _o, err = run_cli([HERE, "-o", "/tmp/x.hpp"])
        self.assertEqual(rc, 1)
        self.assertEqual(len(err.splitlines()), 1)


def dense_model(k=8, units=4, in_q=(0.5, 0), w_scale=0.01, out_q=(0.5, 0), bias=None, wval=1,
                act=0):
    """An int8 FULLY_CONNECTED [1, k] -> [1, units], every weight wval."""
    t = [fb.tensor([1, k], scale=in_q[0], zp=in_q[1], name="in"),
         fb.tensor([units, k], fb.INT8, buffer=1, scale=[w_scale], zp=[0]),
         fb.tensor([units], fb.INT32, buffer=2),
         fb.tensor([1, units], scale=out_q[0], zp=out_q[1], name="out")]
    bias = bias if bias is not None else [0] * units
    return fb.model([fb.opcode(9, 1)], t,
                    [fb.operator(0, [0, 1, 2], [3], 8, fb.Table(f0=("i8", act)))], [0], [3],
                    [b"", bytes([wval & 0xFF]) * (k * units),
                     struct.pack("<%di" % units, *bias)])


def unary_model(code, in_q, out_q, shape=(1, 4), options=None, extra=None):
    """A one-operator int8 model: code(in) -> out (extra: more input tensors, constant)."""
    t = [fb.tensor(list(shape), scale=in_q[0], zp=in_q[1], name="in"),
         fb.tensor(list(out_q[2]) if len(out_q) > 2 else list(shape), scale=out_q[0],
                   zp=out_q[1], name="out")]
    inputs, buffers = [0], [b""]
    if extra is not None:
        t.append(extra[0])
        inputs.append(2)
        buffers.append(extra[1])
    opts = options or (0, None)
    return fb.model([fb.opcode(code)], t, [fb.operator(0, inputs, [1], opts[0], opts[1])],
                    [0], [1], buffers)


class CompileChecks(unittest.TestCase):
    """What mote's C++ checks at compile time, mote-convert rejects first (naming the
    operator); the C++ side reports it through mote-run."""
    reject = Broken.reject

    def test_requantization_shift_above_31(self):
        # tiny output scale, huge weight scale: 1.0 * 1e30 / 1e-10 = 1e40 = 2^133
        data = dense_model(in_q=(1.0, 0), w_scale=1e30, out_q=(1e-10, 0))
        self.reject(data, r"operator 0 \(FULLY_CONNECTED\): output channel 0: input scale \* "
                          r"weight scale / output scale 1e\+40 needs a requantization shift of "
                          r"133", True)
        rc, err, _, _ = convert_in_process(dense_model(in_q=(1.0, 0), w_scale=2.0 ** 30,
                                                                    out_q=(1.0, 0)))
        self.assertEqual(rc, 0, err)   # 2^30 -> shift 31, the largest the C++ accepts

    def test_add_scale_ratio_out_of_range(self):
        t = [fb.tensor([1, 4], scale=1.0, zp=0, name="a"),
             fb.tensor([1, 4], scale=1.0, zp=0, name="b"),
             fb.tensor([1, 4], scale=1e-10, zp=0, name="o")]
        data = fb.model([fb.opcode(0)], t, [fb.operator(0, [0, 1], [2])], [0, 1], [2], [b""])
        self.reject(data, r"operator 0 \(ADD\): int8 ADD output scale ratio 19073.\d+ is "
                          r"outside \(0, 1\)", True)

    def test_bias_zero_point_fold_overflows_int32(self):
        # bias - zp_in * sum(w) = (2^31 - 1000) + 128 * 8 * 127 > 2^31 - 1
        data = dense_model(in_q=(0.5, -128), wval=127, bias=[2 ** 31 - 1000, 0, 0, 0])
        self.reject(data, r"operator 0 \(FULLY_CONNECTED\): output channel 0: bias 2147482648 - "
                          r"input zero point -128 \* weight sum 1016 = 2147612696 overflows "
                          r"int32", True)

    def test_16m_weight_layer_exceeds_constexpr_limit(self):
        data = dense_model(k=4096, units=4096)
        line = self.reject(data, None, True)[0]
        self.assertRegex(line, r"operator 0 \(FULLY_CONNECTED\): int8 Dense with 16777216 "
                               r"weights \(4096 output channels\): folding them at compile time "
                               r"takes about \d+ constant-evaluation operations, beyond g\+\+'s "
                               r"default limit of 2\^25 \(at most about \d+ weights")
        most = int(re.search(r"at most about (\d+) weights", line).group(1))
        self.assertTrue(400000 < most < 478528, most)   # 478,528 (64 units) compiles

    def test_bias_int32_min_is_rejected_by_converter_and_compiler(self):
        # -2^31 fits int32, but the kernels add int8 products to it: UBSan saw the overflow.
        data = dense_model(bias=[-2 ** 31, 0, 0, 0])
        self.reject(data, r"operator 0 \(FULLY_CONNECTED\): output channel 0: folded bias "
                          r"-2147483648 .* can overflow the int32 accumulator", True)
        # The C++ check catches the same header (written with the bias edited in), and mote-run's
        # compile step reports its reason.
        if CXX is None:
            self.skipTest("no C++ compiler")
        rc, err, header, _ = convert_in_process(dense_model())
        self.assertEqual(rc, 0, err)
        header = header.replace("op0_bias[4] = {0, 0, 0, 0}",
                                "op0_bias[4] = {-2147483648, 0, 0, 0}")
        self.assertIn("-2147483648", header)
        header = header.replace("namespace m {", "namespace mote_run_model {").replace(
            "}  // namespace m", "}  // namespace mote_run_model")
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "model.hpp"), "w") as f:
                f.write(header)
            with self.assertRaises(cli.ConvertError) as ctx:
                cli.compile_program(cli.RUNNER_MAIN % {"ns": "mote_run_model"},
                                    os.path.join(d, "runner"), [d], opt="-O0")
        self.assertRegex(ctx.exception.line(),
                         r"^compiling the host program failed: mote: Conv2D/DepthwiseConv2D/"
                         r"Dense: folded bias leaves the int32 accumulator no headroom: "
                         r"folded_bias\(output channel, folded, reach\) \(full log: ")

    def test_other_compile_time_rules(self):
        f = struct.pack
        cases = [
            # RELU6 clamp: 6 / 1e-30 is beyond the int64 the C++ rounds it in
            (dense_model(in_q=(1e-20, 0), w_scale=1e-10, out_q=(1e-30, 0), act=3),
             r"\(FULLY_CONNECTED\): fused RELU6: 6.0 / output scale"),
            # MUL: 1 * 1 / 1e-10 needs a shift of 34
            (fb.model([fb.opcode(18)], [fb.tensor([1, 4], scale=1.0, zp=0),
                                        fb.tensor([1, 4], scale=1.0, zp=0),
                                        fb.tensor([1, 4], scale=1e-10, zp=0)],
                      [fb.operator(0, [0, 1], [2])], [0, 1], [2], [b""]),
             r"\(MUL\): input scale \* input scale / output scale .* shift of 34"),
            # RELU requantizing 1 / 1e-12 (float32 division)
            (unary_model(19, (1.0, 0), (1e-12, 0)), r"\(RELU\): input scale / output scale"),
            # QUANTIZE int8 -> int8 by 1e12
            (unary_model(114, (1.0, 0), (1e-12, 0)), r"\(QUANTIZE\): input scale / output"),
            # SOFTMAX: beta * s_in * 2^26 <= 1
            (unary_model(25, (1e-9, 0), (1.0 / 256, -128), shape=(1, 10),
                         options=(9, fb.Table(f0=("f32", 1.0)))),
             r"\(SOFTMAX\): int8 softmax needs beta \* input scale \* 2\^26 > 1"),
            # LOGISTIC: input scale 2^40 overflows the radius shift
            (unary_model(14, (2.0 ** 40, 0), (1.0 / 256, -128)),
             r"\(LOGISTIC\): int8 LOGISTIC input scale .* too large"),
            # MEAN over 4096 x 4096 > 2^23 elements
            (unary_model(40, (0.5, 0), (0.5, 0, (1, 1)), shape=(1, 4096, 4096, 1),
                         extra=(fb.tensor([2], fb.INT32, buffer=1), f("<2i", 1, 2))),
             r"\(MEAN\): int8 MEAN over 4096 x 4096 = 16777216 elements"),
        ]
        for data, pattern in cases:
            with self.subTest(pattern=pattern):
                self.reject(data, pattern, True)


# ---------------------------------------------------------------------------------------------
# Mutations


def _offset_fields(data):
    """Absolute positions of some uoffset fields and shape-vector dims in a real model."""
    buf = Buffer(data)
    root = buf.root(b"TFL3")
    offs, dims = [], []
    for fid in (1, 2, 3, 4):
        p = _field_pos(root, fid)
        if p is not None:
            offs.append(p)
    sg = root.tables(tflite.M_SUBGRAPHS)[0]
    for fid in (0, 1, 2, 3):
        p = _field_pos(sg, fid)
        if p is not None:
            offs.append(p)
    for t in sg.tables(tflite.SG_TENSORS):
        for fid in (tflite.T_SHAPE, tflite.T_NAME, tflite.T_QUANTIZATION):
            p = _field_pos(t, fid)
            if p is not None:
                offs.append(p)
        p = t._ref(tflite.T_SHAPE, "shape")
        if p is not None:
            n = struct.unpack_from("<I", data, p)[0]
            dims += [p + 4 + 4 * i for i in range(n)]
    for o in sg.tables(tflite.SG_OPERATORS):
        for fid in (1, 2, 4):
            p = _field_pos(o, fid)
            if p is not None:
                offs.append(p)
    return offs, dims


def mutate(data, rng, offs, dims):
    kind = rng.randrange(6)
    b = bytearray(data)
    if kind == 0:                                   # truncation
        return "truncate", bytes(b[:rng.randrange(len(b))])
    if kind == 1:                                   # random byte flips anywhere
        for _ in range(rng.randint(1, 8)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        return "flip", bytes(b)
    if kind == 2:                                   # flips in the first 2 KiB (tables, vtables)
        for _ in range(rng.randint(1, 4)):
            b[rng.randrange(min(len(b), 2048))] ^= 1 << rng.randrange(8)
        return "flip-head", bytes(b)
    if kind == 3 and offs:                          # an offset pointing out of range
        p = rng.choice(offs)
        v = rng.choice([len(b), len(b) - p, len(b) - p + rng.randrange(1, 64), 0x7FFFFFFF,
                        0xFFFFFFFF, rng.randrange(1 << 32), 0])
        struct.pack_into("<I", b, p, v & 0xFFFFFFFF)
        return "offset", bytes(b)
    if kind == 4 and dims:                          # an absurd shape dimension
        p = rng.choice(dims)
        v = rng.choice([0, -1, 2, 3, 1 << 20, 0x7FFFFFFF, -0x80000000, rng.randrange(1, 300)])
        struct.pack_into("<i", b, p, v)
        return "shape", bytes(b)
    p = rng.randrange(0, max(1, len(b) - 4))        # a random aligned 32-bit word
    p -= p % 4
    struct.pack_into("<I", b, p, rng.randrange(1 << 32))
    return "word", bytes(b)


@unittest.skipUnless(have_models(), "models not found")
class Mutations(unittest.TestCase):
    # (model file, number of mutations); small files dominate to keep the run fast.
    PLAN = [("kws_dscnn_int8", 300), ("ic_resnet8_int8", 150), ("ad_fcae_int8", 40),
            ("vww_mobilenetv1_int8", 30), ("ops/residual_conv3x3_add_7x9x8", 130),
            ("ops/chain_conv1x1_dw3x3_9x7x8_o16", 100), ("ops/concat_c3_c5", 60),
            ("ops/pad_1x5x7x3_hw", 60), ("ops/mean_hw_7x9x8", 60),
            ("ops/fc_f32_in64_out10_relu", 40), ("ops/softmax_1x10", 40)]
    COMPILE_SAMPLE = 4

    def test_mutations(self):
        seed = int(os.environ.get("MOTE_MUTATION_SEED", "20260812"))
        rng = random.Random(seed)
        total = accepted = 0
        failures = []
        to_compile = []
        kinds = {}
        for name, count in self.PLAN:
            data = read_model(name)
            offs, dims = _offset_fields(data)
            for i in range(count):
                kind, m = mutate(data, rng, offs, dims)
                rc, err, header, timed_out = convert_in_process(m, limit=30)
                total += 1
                kinds[kind] = kinds.get(kind, 0) + 1
                tag = "%s #%d (%s, %d bytes)" % (name, i, kind, len(m))
                lines = err.splitlines()
                if timed_out:
                    failures.append("%s: timed out" % tag)
                elif rc == 0:
                    accepted += 1
                    if err or header is None:
                        failures.append("%s: exit 0 but stderr %r / no header" % (tag, err))
                    elif name.startswith("ops/") and len(to_compile) < self.COMPILE_SAMPLE \
                            and header.count("\n") < 3000:
                        to_compile.append((tag, header))
                elif rc != 1 or not lines or not all(ERROR_LINE.match(ln) for ln in lines):
                    failures.append("%s: exit %d, stderr %r" % (tag, rc, err[:300]))
                elif "internal error" in err:
                    failures.append("%s: %s" % (tag, err[:300]))
                elif header is not None:
                    failures.append("%s: rejected but a header was written" % tag)
        print("\nmutations: %d run, %d converted, %d rejected; kinds %s"
              % (total, accepted, total - accepted, sorted(kinds.items())))
        self.assertGreaterEqual(total, 1000)
        self.assertEqual(failures, [], "\n".join(failures[:20]))
        # Spot-compile a deterministic sample of the mutants that converted.
        with tempfile.TemporaryDirectory() as d:
            for i, (tag, header) in enumerate(to_compile):
                path = os.path.join(d, "m%d.hpp" % i)
                with open(path, "w") as f:
                    f.write(header)
                ns = re.search(r"^namespace (\w+) \{", header, re.M).group(1)
                with self.subTest(mutant=tag):
                    compile_header(self, path, ns)


# ---------------------------------------------------------------------------------------------
# SVDF and the element-type pairs of QUANTIZE / SOFTMAX


INT16 = 7      # TensorType INT16


def svdf_model(in_type=fb.INT8, state_zp=0, bias_scale=0.0025, out_scale=0.5, act=1,
               variable=True):
    """in [1, 6] -> SVDF (3 units, rank 2, memory 4; fused `act`) -> out [1, 3]: 6 filters,
    int8 feature weights (scale 0.02), int16 time weights (scale 0.01), int32 bias, int16
    state (tensor 4, scale 0.25)."""
    units, rank, memory, inputs = 3, 2, 4, 6
    filters = units * rank
    state_scale, time_scale = 0.25, 0.01
    quant = dict(scale=0.1, zp=-3) if in_type != fb.FLOAT32 else {}
    state = fb.tensor([1, memory * filters], INT16, scale=state_scale, zp=state_zp,
                      name="state")
    if variable:
        state.fields[tflite.T_IS_VARIABLE] = ("bool", 1)
    t = [fb.tensor([1, inputs], in_type, name="in", **quant),
         fb.tensor([filters, inputs], fb.INT8, buffer=1, scale=0.02, zp=0, name="feature"),
         fb.tensor([filters, memory], INT16, buffer=2, scale=time_scale, zp=0, name="time"),
         fb.tensor([units], fb.INT32, buffer=3, scale=bias_scale, zp=0, name="bias"),
         state,
         fb.tensor([1, units], fb.INT8 if in_type != fb.FLOAT32 else fb.FLOAT32, name="out",
                   **(dict(scale=out_scale, zp=-128) if in_type != fb.FLOAT32 else {}))]
    feature = bytes((7 * i - 20) & 0xFF for i in range(filters * inputs))
    time = struct.pack("<%dh" % (filters * memory), *(300 * i - 3000 for i in
                                                        range(filters * memory)))
    bias = struct.pack("<3i", 100, -200, 300)
    opts = fb.Table(f0=("i32", rank), f1=("i8", act))
    return fb.model([fb.opcode(27, 3)], t, [fb.operator(0, [0, 1, 2, 3, 4], [5], 6, opts)],
                    [0], [5], [b"", feature, time, bias])


def typed_unary_model(code, in_type, in_q, out_type, out_q, shape=(1, 4), options=None):
    """A one-operator model code(in) -> out with the given element types (q None: float32)."""
    t = [fb.tensor(list(shape), in_type, name="in",
                   **(dict(scale=in_q[0], zp=in_q[1]) if in_q else {})),
         fb.tensor(list(shape), out_type, name="out",
                   **(dict(scale=out_q[0], zp=out_q[1]) if out_q else {}))]
    opts = options or (0, None)
    return fb.model([fb.opcode(code, 2)], t, [fb.operator(0, [0], [1], opts[0], opts[1])],
                    [0], [1], [b""])


class SvdfAndTypePairs(unittest.TestCase):
    """SVDF and the QUANTIZE / SOFTMAX element-type pairs: what the C++ layers take is accepted
    (and compiles), what TFLM or mote refuses is rejected naming the operator."""
    reject = Broken.reject

    def accept(self, data, *expected, compile_extra=None):
        rc, err, header, _ = convert_in_process(data)
        self.assertEqual((rc, err), (0, ""))
        for text in expected:
            self.assertIn(text, header)
        if compile_extra is not None:
            with tempfile.TemporaryDirectory() as d:
                path = os.path.join(d, "m.hpp")
                with open(path, "w") as f:
                    f.write(header)
                compile_header(self, path, "m", compile_extra)
        return header

    def test_svdf_converts_and_compiles(self):
        header = self.accept(
            svdf_model(), "mote::Svdf<3, 2, 4, op0_w>",
            "alignas(16) inline constexpr std::int8_t op0_feature[36] = {", "    -20, -13, -6,",
            "alignas(16) inline constexpr std::int16_t op0_time[24] = {", "    -3000, -2700,",
            "op0_bias[3] = {100, -200, 300};",
            "    op0_feature, 0x1.47ae14p-6f, op0_time, 0x1.47ae14p-7f, op0_bias,",
            "    mote::QuantParams{0x1p-2f, 0},  // activation state",
            "    mote::QuantParams{0x1p-1f, -128}};  // output",
            "(TFLM's int8 SVDF ignores its fused RELU)",
            compile_extra="static_assert(m::Model::stateful);\n"
                          "static_assert(m::Model::output::bytes == 3);\n")
        self.assertEqual(header.count("mote::SvdfWeights"), 1)
        # TFLM accepts a bias scale within 1e-5 of state scale * time weights scale
        self.accept(svdf_model(bias_scale=0.0025 + 5e-6, act=0), "mote::Svdf<3, 2, 4, op0_w>")

    def test_svdf_rejections(self):
        cases = [
            (svdf_model(bias_scale=0.0025 + 2e-5),
             r"\(SVDF\): bias scale 0\.00252.* is not state scale \* time weights scale"),
            (svdf_model(state_zp=1),
             r"\(SVDF\): activation state tensor 4 must be quantized per tensor with zero "
             r"point 0"),
            (svdf_model(in_type=fb.FLOAT32),
             r"\(SVDF\): hybrid model: float32 input with INT8 weights is not supported"),
            (svdf_model(variable=False),
             r"\(SVDF\): the activation state \(input 4\) must be a variable tensor"),
            (svdf_model(out_scale=1e-12),
             r"\(SVDF\): state scale \* time weights scale / output scale .* shift above 31"),
        ]
        for data, pattern in cases:
            with self.subTest(pattern=pattern):
                self.reject(data, pattern, True)

    def test_quantize_pairs(self):
        q = {fb.INT8: (0.5, -3), fb.UINT8: (0.5, 128), INT16: (0.01, 7), fb.INT32: (0.001, -9),
             fb.FLOAT32: None}
        ctype = {fb.UINT8: "std::uint8_t", INT16: "std::int16_t", fb.INT32: "std::int32_t"}
        pairs = [(fb.FLOAT32, fb.INT8), (fb.INT8, fb.INT8), (fb.INT8, fb.UINT8),
                 (fb.INT8, INT16), (fb.INT8, fb.INT32), (fb.UINT8, fb.INT8), (INT16, fb.INT8),
                 (INT16, INT16), (INT16, fb.INT32)]
        for a, b in pairs:
            with self.subTest(pair=(a, b)):
                arg = ", " + ctype[b] if b in ctype else ""
                self.accept(typed_unary_model(114, a, q[a], b, q[b]),
                            "mote::Quantize<op0_out_q%s>" % arg,
                            compile_extra="static_assert(std::is_same_v<m::Model::output::"
                                          "value_type, %s>);\n" % ctype.get(b, "std::int8_t"))
        for a, b in ((fb.UINT8, INT16), (INT16, fb.UINT8), (fb.FLOAT32, INT16),
                     (fb.UINT8, fb.UINT8), (fb.INT8, fb.FLOAT32)):
            with self.subTest(pair=(a, b)):
                self.reject(typed_unary_model(114, a, q[a], b, q[b]),
                            r"\(QUANTIZE\): QUANTIZE %s -> %s is not supported"
                            % (tflite.TENSOR_TYPE_NAMES[a], tflite.TENSOR_TYPE_NAMES[b]), True)
        # zero points outside the output type
        self.reject(typed_unary_model(114, fb.INT8, q[fb.INT8], fb.UINT8, (0.5, -1)),
                    r"\(QUANTIZE\): output tensor 1 \(out\) has zero point -1 outside uint8",
                    True)
        self.reject(typed_unary_model(114, INT16, (0.01, 40000), fb.INT8, q[fb.INT8]),
                    r"\(QUANTIZE\): input tensor 0 \(in\) has zero point 40000 outside int16",
                    True)

    def test_softmax_int8_to_int16(self):
        opts = (9, fb.Table(f0=("f32", 0.5)))
        near = 1.0009 / 65536       # within TFLM's 0.1 %
        self.accept(typed_unary_model(25, fb.INT8, (0.1, 3), INT16, (2.0 ** -16, -32768)),
                    "mote::Softmax<mote::softmax_beta_one, std::int16_t, op0_out_q>",
                    "op0_out_q{0x1p-16f, -32768}")
        self.accept(typed_unary_model(25, fb.INT8, (0.1, 3), INT16, (near, -32768),
                                      options=opts),
                    "mote::SoftmaxParams op0_softmax{0x1p-1f};",
                    "mote::Softmax<op0_softmax, std::int16_t, op0_out_q>",
                    compile_extra="static_assert(std::is_same_v<m::Model::output::value_type, "
                                  "std::int16_t>);\n")
        # int8 -> int8 and float32 keep their emission
        self.accept(typed_unary_model(25, fb.INT8, (0.1, 3), fb.INT8, (1.0 / 256, -128)),
                    "mote::Softmax<>")
        for out_q in ((1.0011 / 65536, -32768), (2.0 ** -16, 0), (2.0 ** -15, -32768)):
            with self.subTest(out_q=out_q):
                self.reject(typed_unary_model(25, fb.INT8, (0.1, 3), INT16, out_q),
                            r"\(SOFTMAX\): int8 -> int16 softmax output must have scale "
                            r"1/65536 \(within 0\.1 %\) and zero point -32768", True)
        self.reject(typed_unary_model(25, fb.FLOAT32, None, INT16, (2.0 ** -16, -32768)),
                    r"\(SOFTMAX\): output tensor 1 \(out\) has type INT16", True)


# ---------------------------------------------------------------------------------------------
# Stateless layers: LEAKY_RELU, SUB, HARD_SWISH, RESIZE_NEAREST_NEIGHBOR, TRANSPOSE,
# STRIDED_SLICE, SLICE, SPLIT, SPLIT_V, EXPAND_DIMS


class OneSubgraph:
    """A one-subgraph .tflite under construction: tensors, constant buffers, operators."""

    def __init__(self):
        self.tensors, self.buffers, self.ops, self.codes = [], [b""], [], []

    def tensor(self, shape, ttype=fb.FLOAT32, q=None, data=None, name=None):
        buffer = 0
        if data is not None:
            self.buffers.append(data)
            buffer = len(self.buffers) - 1
        quant = dict(scale=q[0], zp=q[1]) if q else {}
        self.tensors.append(fb.tensor(list(shape), ttype, buffer=buffer,
                                      name=name or "t%d" % len(self.tensors), **quant))
        return len(self.tensors) - 1

    def ints(self, values, shape=None):
        """A constant INT32 tensor (shape: [len(values)] unless given, e.g. [] for a scalar)."""
        return self.tensor([len(values)] if shape is None else shape, fb.INT32,
                           data=struct.pack("<%di" % len(values), *values))

    def op(self, name, inputs, outputs, options=None, version=1):
        """options: (options table name, fb.Table)."""
        code = (tflite.OPS[name], version)
        if code not in self.codes:
            self.codes.append(code)
        tag, table = (tflite.OPTION_TAGS[options[0]], options[1]) if options else (0, None)
        self.ops.append(fb.operator(self.codes.index(code), inputs, outputs, tag, table))

    def build(self, inputs, outputs):
        return fb.model([fb.opcode(c, v) for c, v in self.codes], self.tensors, self.ops,
                        inputs, outputs, self.buffers)


def unary_op_model(name, in_shape, out_shape, in_q=None, out_q=None, consts=(), options=None,
                   version=1, dtype=fb.INT8):
    """in -> name(in, consts...) -> out; consts: lists of INT32 values (or tensor indices
    already made by a callable taking the builder)."""
    g = OneSubgraph()
    ttype = fb.FLOAT32 if in_q is None else dtype
    x = g.tensor(in_shape, ttype, in_q, name="in")
    extra = [c(g) if callable(c) else g.ints(c) for c in consts]
    y = g.tensor(out_shape, ttype, out_q, name="out")
    g.op(name, [x] + extra, [y], options, version)
    return g.build([x], [y])


# compile_header's extra text: instantiates run_bytes, so the layers' compile-time parameter
# checks run too.
INSTANTIATE_RUN = ("void infer(m::Model::Arena& a, const std::byte* in, std::byte* out) "
                   "{ m::Model::run_bytes(a, in, out); }\n")

RUN_MAIN = r"""#include "model.hpp"
#include <cstdio>
alignas(16) static std::byte in_buf[m::Model::input_bytes];
alignas(16) static std::byte out_buf[m::Model::output_bytes];
static m::Model::Arena arena;
int main() {
    if (std::fread(in_buf, 1, sizeof in_buf, stdin) != sizeof in_buf) return 1;
    m::Model::run_bytes(arena, in_buf, out_buf);
    return std::fwrite(out_buf, 1, sizeof out_buf, stdout) == sizeof out_buf ? 0 : 1;
}
"""


def nest(values, shape):
    if not shape:
        return values[0]
    step = len(values) // shape[0]
    return [nest(values[i * step:(i + 1) * step], shape[1:]) for i in range(shape[0])]


def flatten(nested):
    return [v for x in nested for v in flatten(x)] if isinstance(nested, list) else [nested]


def py_slice(nested, specs):
    """Python indexing (a slice or, for a shrunk axis, an int per dimension): for positive
    steps it resolves negative and out-of-range bounds as TFLite's STRIDED_SLICE does."""
    if not specs:
        return nested
    s = specs[0]
    if isinstance(s, int):
        return py_slice(nested[s], specs[1:])
    return [py_slice(x, specs[1:]) for x in nested[s]]


def py_transpose(values, shape, perm):
    """TFLite TRANSPOSE: output index o reads input index i with i[perm[k]] = o[k]."""
    x = nest(values, shape)
    out = []

    def walk(o):
        if len(o) == len(perm):
            v = x
            for a in range(len(shape)):
                v = v[o[perm.index(a)]]
            out.append(v)
            return
        for i in range(shape[perm[len(o)]]):
            walk(o + [i])
    walk([])
    return out


def py_nearest(index, in_size, out_size, align, half):
    """TFLite's nearest-neighbour source index (reference resize_nearest_neighbor.h)."""
    scale = (in_size - 1) / (out_size - 1) if align and out_size > 1 else in_size / out_size
    pos = (index + (0.5 if half else 0.0)) * scale
    return min(int(pos + 0.5) if align else int(pos), in_size - 1)


class StatelessLayers(unittest.TestCase):
    """The stateless layers' converters: each accepted model gets the expected C++ type (and
    compiles); float32 fan-out models run on the host and match TFLite's semantics computed
    here; every rejection names the operator."""
    reject = Broken.reject

    def accept(self, data, *expected, compile_extra=None):
        """SvdfAndTypePairs.accept, the expected texts compared without whitespace (the header
        breaks long types over lines)."""
        header = SvdfAndTypePairs.accept(self, data, compile_extra=compile_extra)
        flat = "".join(header.split())
        for text in expected:
            self.assertIn("".join(text.split()), flat)
        return header

    def run_host(self, data, inputs):
        """Convert, build with RUN_MAIN and run once on float32 inputs; the output floats."""
        if CXX is None:
            self.skipTest("no C++ compiler")
        rc, err, header, _ = convert_in_process(data)
        self.assertEqual((rc, err), (0, ""))
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "model.hpp"), "w") as f:
                f.write(header)
            exe = os.path.join(d, "run")
            cli.compile_program(RUN_MAIN, exe, [d], opt="-O0")
            r = subprocess.run([exe], input=struct.pack("<%df" % len(inputs), *inputs),
                               stdout=subprocess.PIPE, timeout=60)
        self.assertEqual(r.returncode, 0)
        return list(struct.unpack("<%df" % (len(r.stdout) // 4), r.stdout))

    # --- element-wise layers
    def test_leaky_relu(self):
        opts = ("LeakyReluOptions", fb.Table(f0=("f32", 0.1)))
        self.accept(unary_op_model("LEAKY_RELU", [1, 4, 4, 2], [1, 4, 4, 2], (0.05, 3),
                                   (0.02, -100), options=opts),
                    "inline constexpr mote::LeakyReluParams op0_leaky{0x1.99999ap-4f};",
                    "op0_out_q{0x1.47ae14p-6f, -100};",
                    "mote::LeakyRelu<op0_leaky, op0_out_q>", compile_extra=INSTANTIATE_RUN)
        self.accept(unary_op_model("LEAKY_RELU", [1, 8], [1, 8], options=opts),
                    "mote::LeakyRelu<op0_leaky>", compile_extra=INSTANTIATE_RUN)
        # no options: TFLite reads alpha 0
        self.accept(unary_op_model("LEAKY_RELU", [1, 8], [1, 8]), "op0_leaky{0x0p+0f};")
        cases = [
            (unary_op_model("LEAKY_RELU", [1, 8], [1, 8], (1.0, 0), (1e-12, 0), options=opts),
             r"\(LEAKY_RELU\): int8 LEAKY_RELU input scale 1\.0 \(alpha 0\.1\d*\) / output "
             r"scale 9\.99\d*e-13 is beyond 2\^31"),
            (unary_op_model("LEAKY_RELU", [1, 8], [1, 8], (1.0, 0), (2.0 ** -31, 0),
                            options=opts),
             r"\(LEAKY_RELU\): input scale / output scale \(float32\) 2\.14748365e\+09 needs a "
             r"requantization shift of 32"),
            (unary_op_model("LEAKY_RELU", [1, 8], [1, 8],
                            options=("LeakyReluOptions", fb.Table(f0=("f32", float("inf"))))),
             r"\(LEAKY_RELU\): alpha inf is not supported"),
            (unary_op_model("LEAKY_RELU", [1, 8], [1, 9], (0.1, 0), (0.1, 0)),
             r"\(LEAKY_RELU\): output shape \[1, 9\] differs"),
        ]
        for data, pattern in cases:
            with self.subTest(pattern=pattern):
                self.reject(data, pattern, True)

    def test_hard_swish(self):
        self.accept(unary_op_model("HARD_SWISH", [1, 3, 5], [1, 3, 5], (0.05, 3), (0.03, -60)),
                    "op0_out_q{0x1.eb851ep-6f, -60};", "mote::HardSwish<op0_out_q>",
                    compile_extra=INSTANTIATE_RUN)
        self.accept(unary_op_model("HARD_SWISH", [1, 3, 5], [1, 3, 5]), "mote::HardSwish<>",
                    compile_extra=INSTANTIATE_RUN)
        for out_scale, pattern in ((0.05 / 1000, r"output scale 4\.99\d*e-05 is too small"),
                                   (0.05 * 1024, r"output scale 51\.2\d* is out of range")):
            with self.subTest(out_scale=out_scale):
                self.reject(unary_op_model("HARD_SWISH", [1, 4], [1, 4], (0.05, 0),
                                           (out_scale, 0)),
                            r"\(HARD_SWISH\): int8 HARD_SWISH " + pattern, True)
        self.reject(unary_op_model("HARD_SWISH", [1, 4], [1, 4], (0.05, 0), (0.05, 0),
                                   options=("SoftmaxOptions", fb.Table(f0=("f32", 1.0)))),
                    r"\(HARD_SWISH\): builtin options type 9 \(SoftmaxOptions\) is not "
                    r"HardSwishOptions", True)

    def sub_model(self, qa=(0.1, 0), qb=(0.2, 5), qo=(0.3, -2), act=0, order=(0, 1),
                  shapes=([1, 4, 3], [1, 4, 3])):
        g = OneSubgraph()
        a = g.tensor(shapes[0], fb.INT8 if qa else fb.FLOAT32, qa, name="a")
        b = g.tensor(shapes[1], fb.INT8 if qa else fb.FLOAT32, qb, name="b")
        y = g.tensor(shapes[0], fb.INT8 if qa else fb.FLOAT32, qo, name="y")
        ins = [a, b]
        g.op("SUB", [ins[order[0]], ins[order[1]]], [y], ("SubOptions", fb.Table(f0=("i8", act))),
             version=2)
        return g.build([a, b], [y])

    def test_sub(self):
        self.accept(self.sub_model(act=1), "op0_out_q{0x1.333334p-2f, -2};",
                    "mote::Sub<mote::Activation::relu, op0_out_q>", "mote::Inputs<",
                    compile_extra=INSTANTIATE_RUN)
        # float32 (TFLite's default pot_scale_int16 = true only matters for int16); SUB is not
        # commutative: model inputs taken in the other order stay in that order (a Graph)
        a = [float(i) for i in range(12)]
        b = [0.5 * i * i for i in range(12)]
        g = self.sub_model(qa=None, qb=None, qo=None)
        self.accept(g, "mote::Sub<mote::Activation::none>")
        self.assertEqual(self.run_host(g, a + b), [x - y for x, y in zip(a, b)])
        g = self.sub_model(qa=None, qb=None, qo=None, order=(1, 0))
        self.accept(g, "/* 2 */ mote::Node<mote::Sub<mote::Activation::none>, 1, 0>,")
        self.assertEqual(self.run_host(g, a + b), [y - x for x, y in zip(a, b)])
        cases = [
            # s1 / (2 s2) = 2^-150 is positive in double (ADD takes it) but 0 in float32
            (self.sub_model(qa=(2.0 ** -149, 0), qb=(1.0, 0), qo=(1.0, 0)),
             r"\(SUB\): int8 SUB input 0 scale ratio 0 is outside \(0, 1\) \(float32\)"),
            (self.sub_model(qo=(1e-10, 0)), r"\(SUB\): int8 SUB output scale ratio 3814\.69727"),
            (self.sub_model(qa=(3e38, 0)), r"\(SUB\): int8 SUB: twice the input scale "
                                           r"3\.\d*e\+38 or 2\^20 times the output scale .* "
                                           r"overflows float32"),
            (self.sub_model(shapes=([1, 4, 3], [1, 1, 3])),
             r"\(SUB\): broadcasting is not supported"),
            (self.sub_model(act=4), r"\(SUB\): fused activation TANH is not supported"),
        ]
        for data, pattern in cases:
            with self.subTest(pattern=pattern):
                self.reject(data, pattern, True)

    # --- byte-moving layers: the C++ types
    def fc_model(self, in_shape, out_shape, units=5, keep=True, q=None):
        """in [.., k] -> FULLY_CONNECTED(weights [units, k], bias) -> out; float32 unless q."""
        g = OneSubgraph()
        k = 4
        w = [((3 * i + 1) % 7 - 3) / 4.0 for i in range(units * k)]
        b = [0.5 * o - 1.0 for o in range(units)]
        x = g.tensor(in_shape, fb.INT8 if q else fb.FLOAT32, q, name="in")
        if q:
            wt = g.tensor([units, k], fb.INT8, (0.02, 0),
                          data=bytes(int(v * 4) & 0xFF for v in w))
            bt = g.tensor([units], fb.INT32, data=struct.pack("<%di" % units, *range(units)))
        else:
            wt = g.tensor([units, k], data=struct.pack("<%df" % len(w), *w))
            bt = g.tensor([units], data=struct.pack("<%df" % units, *b))
        y = g.tensor(out_shape, fb.INT8 if q else fb.FLOAT32, q, name="out")
        g.op("FULLY_CONNECTED", [x, wt, bt], [y],
             ("FullyConnectedOptions", fb.Table(f0=("i8", 0), f2=("bool", int(keep)))))
        return g.build([x], [y]), w, b

    def test_batched_fully_connected(self):
        # keep_num_dims over [2, 3, 4]: six rows of four, each giving five values
        data, w, b = self.fc_model([2, 3, 4], [2, 3, 5])
        self.accept(data, "mote::Input<mote::Shape{2, 3, 4}", "mote::Dense<5,",
                    compile_extra=INSTANTIATE_RUN)
        x = [0.25 * i - 3.0 for i in range(24)]
        want = [sum(x[r * 4 + i] * w[o * 4 + i] for i in range(4)) + b[o]
                for r in range(6) for o in range(5)]
        got = self.run_host(data, x)
        self.assertEqual(len(got), 30)
        for g_, w_ in zip(got, want):
            self.assertAlmostEqual(g_, w_, places=5)
        # without keep_num_dims a [1, 3, 4] input gives [3, 5]; int8 rows compile too
        self.accept(self.fc_model([1, 3, 4], [3, 5], keep=False)[0], "mote::Dense<5,")
        self.accept(self.fc_model([1, 3, 4], [1, 3, 5], q=(0.1, 2))[0], "mote::Dense<5,",
                    compile_extra=INSTANTIATE_RUN)
        # [2, 3, 4] flattened to [6, 5] loses the leading axes mote keeps; 10 values are not rows
        self.reject(self.fc_model([2, 3, 4], [6, 5], keep=False)[0],
                    r"\(FULLY_CONNECTED\): output shape \[6, 5\] does not keep the input's "
                    r"leading dimensions \[2, 3\]", True)
        self.reject(self.fc_model([1, 10], [2, 5], keep=False)[0],
                    r"\(FULLY_CONNECTED\): input has 10 elements, not a whole number of rows "
                    r"of the weights' 4", True)

    def test_resize_transpose_slice_split_types(self):
        q = (0.25, 7)
        self.accept(unary_op_model("RESIZE_NEAREST_NEIGHBOR", [1, 3, 4, 2], [1, 6, 8, 2], q, q,
                                   [[6, 8]], version=2),
                    "mote::ResizeNearestNeighbor<6, 8>", compile_extra=INSTANTIATE_RUN)
        half = ("ResizeNearestNeighborOptions", fb.Table(f1=("bool", 1)))
        self.accept(unary_op_model("RESIZE_NEAREST_NEIGHBOR", [1, 3, 4, 2], [1, 5, 7, 2], q, q,
                                   [[5, 7]], half, version=4),
                    "mote::ResizeNearestNeighbor<5, 7, false, true>", compile_extra=INSTANTIATE_RUN)
        self.accept(unary_op_model("TRANSPOSE", [1, 3, 4, 2], [1, 2, 3, 4], q, q,
                                   [[0, 3, 1, 2]], version=2),
                    "mote::Transpose<mote::Permutation{mote::Axis::channels, "
                    "mote::Axis::height, mote::Axis::width}>", compile_extra=INSTANTIATE_RUN)
        self.accept(unary_op_model("TRANSPOSE", [3, 4], [4, 3], q, q, [[1, 0]]),
                    "mote::Transpose<mote::Permutation{mote::Axis::height, mote::Axis::channels, "
                    "mote::Axis::width}>")
        masks = ("StridedSliceOptions", fb.Table(f0=("i32", 0b1101), f1=("i32", 0b1111)))
        self.accept(unary_op_model("STRIDED_SLICE", [1, 5, 1, 40], [1, 2, 1, 40], q, q,
                                   [[0, -2, 0, 0], [0, 0, 1, 40], [1, 1, 1, 1]], masks,
                                   version=2),
                    "mote::StridedSlice<mote::Offsets{3, 0, 0}, mote::Strides{1, 1, 1}, "
                    "mote::Shape{2, 1, 40}>", compile_extra=INSTANTIATE_RUN)
        self.accept(unary_op_model("SLICE", [6, 5], [2, 5], q, q, [[3, 0], [2, -1]]),
                    "mote::StridedSlice<mote::Offsets{0, 3, 0}, mote::Strides{1, 1, 1}, "
                    "mote::Shape{1, 2, 5}>", compile_extra=INSTANTIATE_RUN)
        self.accept(unary_op_model("EXPAND_DIMS", [1, 320], [1, 1, 320], q, q,
                                   [lambda g: g.ints([-2], [])]),
                    "mote::Reshape<mote::Shape{1, 1, 320}>")
        g = OneSubgraph()
        axis = g.ints([-1], [])
        x = g.tensor([1, 11, 1, 64], fb.INT8, q, name="x")
        ys = [g.tensor([1, 11, 1, 32], fb.INT8, q, name="y%d" % k) for k in range(2)]
        g.op("SPLIT_V", [x, g.ints([32, -1]), axis], ys, ("SplitVOptions",
                                                           fb.Table(f0=("i32", 2))), version=2)
        header = self.accept(g.build([x], ys), "mote::Graph<",
                             "/* 1 */ mote::Node<mote::StridedSlice<mote::Offsets{0, 0, 0}, "
                             "mote::Strides{1, 1, 1}, mote::Shape{11, 1, 32}>, 0>",
                             "/* 2 */ mote::Node<mote::StridedSlice<mote::Offsets{0, 0, 32}, "
                             "mote::Strides{1, 1, 1}, mote::Shape{11, 1, 32}>, 0>",
                             "mote::Outputs<1, 2>>", compile_extra=INSTANTIATE_RUN)
        self.assertIn("// operator 0: SPLIT_V output 1 of 2: 11x1x64 -> 11x1x32 from (0, 0, 32)",
                      header)

    # --- byte-moving layers on the host: TFLite's semantics computed here
    def test_rank4_fan_out_runs_like_tflite(self):
        shape = [1, 4, 6, 3]
        n = 72
        g = OneSubgraph()
        x = g.tensor(shape, name="x")
        outs, expected = [], []

        def add(name, out_shape, consts, values, options=None, version=1, n_out=1):
            ys = [g.tensor(s, name="%s%d" % (name.lower(), len(outs) + k))
                  for k, s in enumerate(out_shape if n_out > 1 else [out_shape])]
            g.op(name, [x] + consts if name != "SPLIT" else consts + [x], ys, options,
                 version)
            outs.extend(ys)
            expected.extend(values)

        xs = list(range(n))
        nx = nest(xs, shape)
        for perm in ([0, 2, 1, 3], [0, 3, 1, 2], [0, 1, 3, 2], [0, 2, 3, 1]):
            add("TRANSPOSE", [shape[p] for p in perm], [g.ints(perm)],
                [py_transpose(xs, shape, perm)])
        # STRIDED_SLICE: negative begin, end beyond the extent, stride 2, masks, shrink
        for begin, end, steps, bm, em_, sm, spec in (
                ([0, -3, 1, 0], [1, 100, 6, 2], [1, 1, 2, 1], 0, 0, 0,
                 (slice(0, 1), slice(-3, 100), slice(1, 6, 2), slice(0, 2))),
                ([0, 3, -1, -5], [1, 3, 5, 2], [1, 2, 1, 1], 0b0010, 0b1100, 0,
                 (slice(0, 1), slice(None, 3, 2), slice(-1, None), slice(-5, None))),
                ([0, 2, 0, 0], [1, 3, 6, 3], [1, 1, 3, 1], 0, 0, 0b0010,
                 (slice(0, 1), 2, slice(0, 6, 3), slice(0, 3)))):
            vals = py_slice(nx, spec)
            out_shape = []
            v = vals
            while isinstance(v, list):
                out_shape.append(len(v))
                v = v[0]
            opts = ("StridedSliceOptions", fb.Table(f0=("i32", bm), f1=("i32", em_),
                                                    f4=("i32", sm)))
            add("STRIDED_SLICE", out_shape, [g.ints(begin), g.ints(end), g.ints(steps)],
                [flatten(vals)], opts, 2)
        add("SLICE", [1, 2, 5, 3], [g.ints([0, 1, 1, 0]), g.ints([-1, 2, -1, -1])],
            [flatten(py_slice(nx, (slice(0, 1), slice(1, 3), slice(1, 6), slice(0, 3))))])
        # SPLIT along width into 3, SPLIT_V along channels as [1, 2] with -1
        add("SPLIT", [[1, 4, 2, 3]] * 3, [g.ints([2], [])],
            [flatten(py_slice(nx, (slice(None), slice(None), slice(2 * k, 2 * k + 2))))
             for k in range(3)], ("SplitOptions", fb.Table(f0=("i32", 3))), 2, 3)
        add("SPLIT_V", [[1, 4, 6, 1], [1, 4, 6, 2]], [g.ints([-1, 2]), g.ints([-1], [])],
            [flatten(py_slice(nx, (slice(None), slice(None), slice(None), s)))
             for s in (slice(0, 1), slice(1, 3))],
            ("SplitVOptions", fb.Table(f0=("i32", 2))), 2, 2)
        for size, flags in (([8, 12], (0, 0)), ([7, 9], (0, 1)), ([7, 11], (1, 0)),
                            ([3, 4], (1, 1))):
            rows = [py_nearest(i, 4, size[0], *flags) for i in range(size[0])]
            cols = [py_nearest(j, 6, size[1], *flags) for j in range(size[1])]
            add("RESIZE_NEAREST_NEIGHBOR", [1] + size + [3], [g.ints(size)],
                [[nx[0][r][c][k] for r in rows for c in cols for k in range(3)]],
                ("ResizeNearestNeighborOptions", fb.Table(f0=("bool", flags[0]),
                                                          f1=("bool", flags[1]))), 3)
        got = self.run_host(g.build([x], outs), [float(v) for v in xs])
        at = 0
        for k, want in enumerate(expected):
            with self.subTest(output=k):
                self.assertEqual(got[at:at + len(want)], [float(v) for v in want])
            at += len(want)
        self.assertEqual(at, len(got))

    def test_low_rank_fan_out_runs_like_tflite(self):
        xs = list(range(30))
        nx = nest(xs, [6, 5])
        g = OneSubgraph()
        x = g.tensor([6, 5], name="x")
        # (EXPAND_DIMS reshapes a computed tensor: a model output cannot alias a model input)
        outs = [g.tensor(s) for s in ([5, 6], [1, 5, 6], [5, 6, 1], [3, 5], [3, 5], [3, 3],
                                      [4])]
        g.op("TRANSPOSE", [x, g.ints([1, 0])], [outs[0]], version=2)
        g.op("EXPAND_DIMS", [outs[0], g.ints([0], [])], [outs[1]])
        g.op("EXPAND_DIMS", [outs[0], g.ints([-1], [])], [outs[2]])
        g.op("SPLIT", [g.ints([0], []), x], outs[3:5], ("SplitOptions",
                                                         fb.Table(f0=("i32", 2))), 2)
        g.op("STRIDED_SLICE", [x, g.ints([1, 0]), g.ints([6, 5]), g.ints([2, 2])], [outs[5]],
             None, 2)
        g.op("STRIDED_SLICE", [x, g.ints([-2, 1]), g.ints([0, 5]), g.ints([1, 1])], [outs[6]],
             ("StridedSliceOptions", fb.Table(f4=("i32", 1))), 2)
        got = self.run_host(g.build([x], outs), [float(v) for v in xs])
        xt = py_transpose(xs, [6, 5], [1, 0])
        want = (xt + xt + xt + xs[:15] + xs[15:] +
                flatten(py_slice(nx, (slice(1, 6, 2), slice(0, 5, 2)))) +
                flatten(py_slice(nx, (-2, slice(1, 5)))))
        self.assertEqual(got, [float(v) for v in want])

    def test_strided_slice_bounds_resolve_like_python_slices(self):
        # For positive steps TFLite resolves begin / end (masks, negative indices, clamping)
        # exactly as Python's slice.indices() does; a shrunk axis takes index begin.
        rng = random.Random(20260901)
        q = (0.25, 7)
        layout = re.compile(r"StridedSlice<\s*mote::Offsets\{(\d+), (\d+), (\d+)\},\s*"
                            r"mote::Strides\{(\d+), (\d+), (\d+)\},\s*"
                            r"mote::Shape\{(\d+), (\d+), (\d+)\}>")
        outcomes = {"empty": 0, "layout": 0, "accepted": 0}
        for case in range(400):
            shape = [1] + [rng.randint(1, 6) for _ in range(3)]
            begin = [rng.randint(-7, 4) for _ in range(4)]
            end = [rng.randint(-3, 8) for _ in range(4)]
            steps = [rng.randint(1, 3) for _ in range(4)]
            bm, em, sm = rng.randrange(16), rng.randrange(16), rng.choice([0, 0, 2, 4, 8, 6])
            starts, counts = [], []
            for a, size in enumerate(shape):
                b = None if bm >> a & 1 else begin[a]
                if sm >> a & 1:
                    start = slice(b, None).indices(size)[0]
                    starts.append(start)
                    counts.append(1 if start < size else 0)
                    continue
                r = range(*slice(b, None if em >> a & 1 else end[a], steps[a]).indices(size))
                starts.append(r.start)
                counts.append(len(r))
            out_shape = [n for a, n in enumerate(counts) if not sm >> a & 1] or [1]
            opts = ("StridedSliceOptions", fb.Table(f0=("i32", bm), f1=("i32", em),
                                                    f4=("i32", sm)))
            data = unary_op_model("STRIDED_SLICE", shape, out_shape, q, q, [begin, end, steps],
                                  opts, 2)
            rc, err, header, _ = convert_in_process(data)
            mote_out = ([1] * 3 + out_shape)[-3:]
            with self.subTest(case=case, shape=shape, begin=begin, end=end, steps=steps,
                              masks=(bm, em, sm)):
                if 0 in counts:
                    outcome = "empty"
                    self.assertIn("is empty", err)
                elif mote_out != counts[1:]:
                    outcome = "layout"
                    self.assertIn("is not laid out as the slice", err)
                else:
                    outcome = "accepted"
                    self.assertEqual(rc, 0, err)
                    got = [int(v) for v in layout.search(header).groups()]
                    self.assertEqual(got, starts[1:] + [s if n > 1 else 1 for s, n in
                                                         zip(steps[1:], counts[1:])] +
                                     counts[1:])
                outcomes[outcome] += 1
        self.assertGreater(min(outcomes.values()), 20, outcomes)

    # --- rejections of the byte-moving layers
    def test_byte_moving_rejections(self):
        q, q2 = (0.25, 7), (0.5, 7)
        bounds = [[0, 0, 0, 0], [1, 2, 2, 2], [1, 1, 1, 1]]

        def ss(**fields):
            return ("StridedSliceOptions", fb.Table(**{k: ("bool" if k == "f5" else "i32", v)
                                                       for k, v in fields.items()}))

        def nonconst(g):
            return g.tensor([2], fb.INT32, name="size")
        cases = [
            ("RESIZE_NEAREST_NEIGHBOR", [1, 3, 4, 2], [1, 6, 8, 2], q, q, [nonconst], None, 1,
             r"size tensor 1 \(size\) must be constant"),
            ("RESIZE_NEAREST_NEIGHBOR", [1, 3, 4, 2], [1, 6, 8, 2], q, q2, [[6, 8]], None, 1,
             r"RESIZE_NEAREST_NEIGHBOR must keep the quantization"),
            ("RESIZE_NEAREST_NEIGHBOR", [3, 4, 2], [6, 8, 2], q, q, [[6, 8]], None, 1,
             r"input and output must be 4-D NHWC"),
            ("RESIZE_NEAREST_NEIGHBOR", [1, 3, 4, 2], [1, 6, 9, 2], q, q, [[6, 8]], None, 1,
             r"output shape \[1, 6, 9, 2\] is not the resized \[1, 6, 8, 2\]"),
            ("RESIZE_NEAREST_NEIGHBOR", [1, 3, 4, 2], [1, 6, 8, 2], q, q, [[6, 8]], None, 5,
             r"operator version 5 is not supported \(mote implements up to v4\)"),
            ("TRANSPOSE", [1, 3, 4, 2], [1, 3, 3, 4], q, q, [[0, 1, 1, 2]], None, 1,
             r"perm \[0, 1, 1, 2\] is not a permutation of the 4 input axes"),
            ("TRANSPOSE", [1, 1, 4, 2], [1, 1, 4, 2], q, q, [[1, 0, 2, 3]], None, 1,
             r"moves the batch axis"),
            ("TRANSPOSE", [1, 3, 4, 2], [1, 4, 3, 2], q, q2, [[0, 2, 1, 3]], None, 1,
             r"TRANSPOSE must keep the quantization"),
            ("TRANSPOSE", [1, 3, 4, 2], [1, 3, 4, 2], q, q, [[0, 2, 1, 3]], None, 1,
             r"output shape \[1, 3, 4, 2\] is not the transposed \[1, 4, 3, 2\]"),
            ("TRANSPOSE", [6], [6], q, q, [[0]], None, 1, r"rank-1 input is not supported"),
            ("STRIDED_SLICE", [1, 3, 4, 2], [1, 2, 2, 2], q, q, bounds, ss(f2=1), 1,
             r"ellipsis_mask and new_axis_mask are not supported"),
            ("STRIDED_SLICE", [1, 3, 4, 2], [1, 2, 2, 2], q, q, bounds, ss(f3=4), 1,
             r"ellipsis_mask and new_axis_mask are not supported"),
            ("STRIDED_SLICE", [1, 3, 4, 2], [1, 2, 2, 2], q, q, bounds, ss(f5=1), 1,
             r"offset=true .* is not supported"),
            ("STRIDED_SLICE", [1, 3, 4, 2], [1, 2, 2, 2], q, q,
             [[0, 2, 2, 2], [1, 0, 0, 0], [1, -1, -1, -1]], None, 1,
             r"strides \[1, -1, -1, -1\] are not supported \(positive strides only\)"),
            ("STRIDED_SLICE", [1, 3, 4, 2], [1, 0, 2, 2], q, q,
             [[0, 2, 0, 0], [1, 1, 2, 2], [1, 1, 1, 1]], None, 1,
             r"the slice of \[1, 3, 4, 2\] is empty"),
            ("STRIDED_SLICE", [1, 3, 4, 2], [1, 2, 2, 2], q, q2, bounds, None, 1,
             r"STRIDED_SLICE must keep the quantization"),
            ("STRIDED_SLICE", [1, 3, 4, 2], [1, 3, 2, 2], q, q, bounds, None, 1,
             r"output shape \[1, 3, 2, 2\] is not the sliced shape \[1, 2, 2, 2\]"),
            # shrinking channels: [1, 3, 4, 1] -> [1, 3, 4] is {1, 3, 4} in mote, not {3, 4, 1}
            ("STRIDED_SLICE", [1, 3, 4, 2], [1, 3, 4], q, q,
             [[0, 0, 0, 1], [1, 3, 4, 2], [1, 1, 1, 1]], ss(f4=8), 1,
             r"is not laid out as the slice"),
            ("STRIDED_SLICE", [1, 3, 4, 2], [1, 2, 2, 2], q, q,
             [nonconst, [1, 2, 2, 2], [1, 1, 1, 1]], None, 1,
             r"begin tensor 1 \(size\) must be constant"),
            ("STRIDED_SLICE", [1, 3, 4, 2], [1, 2, 2, 2], q, q, [[0, 0, 0], [1, 2, 2],
                                                                 [1, 1, 1]], None, 1,
             r"begin tensor has shape \[3\]; expected \[4\]"),
            ("SLICE", [1, 3, 4, 2], [1, 2, 2, 2], q, q, [[0, 2, 0, 0], [1, 2, 2, 2]], None, 1,
             r"begin \[0, 2, 0, 0\] and size \[1, 2, 2, 2\] do not fit"),
            ("SLICE", [1, 3, 4, 2], [1, 2, 2, 2], q, q, [[0, -1, 0, 0], [1, 2, 2, 2]], None, 1,
             r"do not fit the input shape"),
            ("EXPAND_DIMS", [1, 320], [1, 1, 320], q, q, [lambda g: g.ints([3], [])], None, 1,
             r"axis \[3\] is not one value in \[-3, 2\]"),
            ("EXPAND_DIMS", [1, 320], [1, 1, 320], q, q, [lambda g: g.ints([2], [])], None, 1,
             r"output shape \[1, 1, 320\] is not the expanded \[1, 320, 1\]"),
        ]
        for name, si, so, qi, qo, consts, options, version, pattern in cases:
            with self.subTest(op=name, pattern=pattern):
                # the first line; an empty output also fails the graph's shape check
                self.reject(unary_op_model(name, si, so, qi, qo, consts, options, version),
                            r"operator 0 \(%s\): .*%s" % (name, pattern), True, count=None)

    def split_model(self, name, sizes, out_shapes, axis=3, num=None, q=((0.25, 7),) * 3):
        g = OneSubgraph()
        x = g.tensor([1, 2, 3, 6], fb.INT8, q[0], name="x")
        ys = [g.tensor(s, fb.INT8, q[1 + k % 2], name="y%d" % k)
              for k, s in enumerate(out_shapes)]
        n = len(out_shapes) if num is None else num
        a = g.ints([axis], [])
        if name == "SPLIT":
            g.op(name, [a, x], ys, ("SplitOptions", fb.Table(f0=("i32", n))), 2)
        else:
            g.op(name, [x, g.ints(sizes), a], ys, ("SplitVOptions", fb.Table(f0=("i32", n))),
                 2)
        return g.build([x], ys)

    def test_split_rejections(self):
        q2 = ((0.25, 7), (0.25, 7), (0.5, 7))
        cases = [
            (self.split_model("SPLIT", None, [[1, 2, 3, 2]] * 4),
             r"\(SPLIT\): dimension 3 of size 6 does not split into 4 equal parts"),
            (self.split_model("SPLIT", None, [[1, 2, 3, 3]] * 2, num=3),
             r"\(SPLIT\): num_splits 3 does not match its 2 outputs"),
            (self.split_model("SPLIT", None, [[1, 2, 3, 6]], axis=0),
             r"\(SPLIT\): operating along the batch axis is not supported"),
            (self.split_model("SPLIT", None, [[1, 2, 3, 3]] * 2, q=q2),
             r"\(SPLIT\): SPLIT outputs must keep the quantization"),
            (self.split_model("SPLIT_V", [2, 2], [[1, 2, 3, 2], [1, 2, 3, 2]]),
             r"\(SPLIT_V\): size_splits \[2, 2\] do not add up to dimension 3 of size 6"),
            (self.split_model("SPLIT_V", [-1, -1], [[1, 2, 3, 3], [1, 2, 3, 3]]),
             r"\(SPLIT_V\): size_splits \[-1, -1\] do not split dimension 3"),
            (self.split_model("SPLIT_V", [6, -1], [[1, 2, 3, 6], [1, 2, 3, 0]]),
             r"\(SPLIT_V\): size_splits \[6, 0\] make an empty output"),
            (self.split_model("SPLIT_V", [2, 4], [[1, 2, 3, 2], [1, 2, 3, 3]]),
             r"\(SPLIT_V\): output 1 has shape \[1, 2, 3, 3\], expected \[1, 2, 3, 4\]"),
            (self.split_model("SPLIT_V", [2, 4], [[1, 2, 3, 2], [1, 2, 3, 4]], axis=7),
             r"\(SPLIT_V\): axis 7 is out of range for rank 4"),
        ]
        for data, pattern in cases:
            with self.subTest(pattern=pattern):
                self.reject(data, pattern, True)

    @unittest.skipUnless(have_models(), "models not found")
    def test_streaming_models_with_these_layers_convert(self):
        types = {"retinaface_torch_int8": ("mote::Transpose<", "mote::LeakyRelu<",
                                           "mote::ResizeNearestNeighbor<15, 20>"),
                 "usefulsensors_id_model_int8": ("mote::LeakyRelu<",
                                                 "mote::ResizeNearestNeighbor<"),
                 "mww_okay_computer_v2": ("mote::StridedSlice<mote::Offsets{4, 0, 0}",
                                          "mote::StridedSlice<mote::Offsets{0, 0, 32}")}
        for name, expected in types.items():
            with self.subTest(model=name):
                self.accept(read_model("streaming/" + name), *expected)


def main():
    prog = unittest.main(verbosity=2, exit=False)
    r = prog.result
    if not r.wasSuccessful():
        return 1
    if r.testsRun and len(r.skipped) == r.testsRun:
        print("SKIPPED: every test was skipped (MOTE_SHARED_DIR=%s)" % SHARED)
        return 77
    return 0


if __name__ == "__main__":
    sys.exit(main())
