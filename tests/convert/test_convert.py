#!/usr/bin/env python3
"""tests/convert: mote-convert on the real models, on broken files and on >= 1,000
deterministic mutations of the real models (standard library unittest).

Environment: MOTE_SHARED_DIR (../shared), MOTE_REPO (the source tree), CXX (optional).
Run a part:  python3 test_convert.py RealModels | Broken | Mutations
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
        r = subprocess.run([CXX, "-std=c++20", "-O0", "-fsyntax-only", "-I",
                            os.path.join(REPO, "include"), src], stdout=subprocess.PIPE,
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
            self.assertEqual(len(err.splitlines()), 1)
            self.assertRegex(err.strip(), OP_ERROR_LINE)
            self.assertIn("hybrid", err)
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
                                  r"490")

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
    def reject(self, data, pattern=None, op_specific=None):
        rc, err, header, timed_out = convert_in_process(data)
        self.assertFalse(timed_out)
        self.assertEqual(rc, 1, "accepted: %r" % err)
        lines = err.splitlines()
        self.assertEqual(len(lines), 1, err)
        self.assertRegex(lines[0], ERROR_LINE)
        self.assertNotIn("internal error", lines[0])
        if op_specific:
            self.assertRegex(lines[0], OP_ERROR_LINE)
        if pattern:
            self.assertRegex(lines[0], pattern)
        self.assertIsNone(header)
        return lines[0]

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
        for code, name in ((41, "SUB"), (200, "BUILTIN_200"), (99, "SQUARED_DIFFERENCE")):
            data = fb.model([fb.opcode(code)], t, [fb.operator(0, [0], [1])], [0], [1], [b""])
            self.reject(data, r"operator 0 \(%s\): operator is not supported" % name, True)

    def test_unsupported_version(self):
        self.reject(self.relu_model(version=9), r"version 9", True)

    def test_multi_output(self):
        t = [fb.tensor([1, 4], scale=0.1, zp=0), fb.tensor([1, 4], scale=0.1, zp=0),
             fb.tensor([1, 4], scale=0.1, zp=0)]
        data = fb.model([fb.opcode(19)], t, [fb.operator(0, [0], [1]), fb.operator(0, [0], [2])],
                        [0], [1, 2], [b""])
        self.reject(data, r"2 outputs")

    def test_batch_two_and_uint8(self):
        t = [fb.tensor([2, 4], scale=0.1, zp=0), fb.tensor([2, 4], scale=0.1, zp=0)]
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
        self.reject(data, r"operator \d \(RELU\)")
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
        line = self.reject(bytes(data), None, True)
        self.assertRegex(line, r"operator 0 \(BUILTIN_(250|127)\): operator is not supported")

    def test_missing_and_directory_inputs(self):
        rc, _o, err = run_cli(["/nonexistent/model.tflite", "-o", "/tmp/x.hpp"])
        self.assertEqual(rc, 1)
        self.assertRegex(err.strip(), r"^mote-convert: error: cannot read ")
        rc, _o, err = run_cli([HERE, "-o", "/tmp/x.hpp"])
        self.assertEqual(rc, 1)
        self.assertEqual(len(err.splitlines()), 1)


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
                elif rc != 1 or len(lines) != 1 or not ERROR_LINE.match(lines[0]):
                    failures.append("%s: exit %d, stderr %r" % (tag, rc, err[:300]))
                elif "internal error" in lines[0]:
                    failures.append("%s: %s" % (tag, lines[0]))
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
