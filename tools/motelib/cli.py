"""Command line front ends: mote-convert and mote-run."""
import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

from . import VERSION, ConvertError
from . import emit as em
from . import graph, tflite
from .flatbuf import FlatbufferError

TOOLS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO_DIR = os.path.dirname(TOOLS_DIR)


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise ConvertError(message)


def _read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise ConvertError("cannot read %s: %s" % (path, e.strerror or e))


def convert_bytes(data, source_name, namespace=None, type_name="Model"):
    """Convert .tflite bytes; returns (header text, ModelIR).  Raises ConvertError."""
    sha = hashlib.sha256(data).hexdigest()
    try:
        model = tflite.parse(data)
        ir = graph.build(model)
        stem = os.path.splitext(os.path.basename(source_name))[0]
        ns = namespace or em.identifier(stem)
        text = em.emit_header(ir, os.path.basename(source_name), sha, ns, type_name)
    except FlatbufferError as e:
        raise ConvertError("malformed model: %s" % e)
    except RecursionError:
        raise ConvertError("malformed model: structure nested too deeply")
    return text, ir, ns


def _check_namespace(ns):
    parts = ns.split("::")
    if not all(em.valid_identifier(p) for p in parts):
        raise ConvertError("--namespace %r is not a valid C++ namespace name" % ns)


def _write_atomic(path, text):
    d = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(d, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".mote-convert-", dir=d)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except OSError as e:
        raise ConvertError("cannot write %s: %s" % (path, e.strerror or e))


def find_compiler():
    for c in (os.environ.get("CXX"), "c++", "g++", "clang++"):
        if c and shutil.which(c):
            return shutil.which(c)
    return None


def include_dir():
    return os.environ.get("MOTE_INCLUDE_DIR") or os.path.join(REPO_DIR, "include")


def compile_program(source_text, exe_path, extra_includes, opt="-O2", timeout=600):
    cxx = find_compiler()
    if cxx is None:
        raise ConvertError("no C++ compiler found (set CXX); needed to build the host program")
    d = os.path.dirname(exe_path)
    src = exe_path + ".cpp"
    with open(src, "w", encoding="utf-8") as f:
        f.write(source_text)
    cmd = [cxx, "-std=c++20", opt, "-I", include_dir()]
    if "clang" in os.path.basename(os.path.realpath(cxx)):
        cmd.append("-fconstexpr-steps=134217728")   # compile-time weight folding (see README)
    for inc in extra_includes:
        cmd += ["-I", inc]
    cmd += [src, "-o", exe_path + ".tmp"]
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout,
                           cwd=d)
    except subprocess.TimeoutExpired:
        raise ConvertError("compiling the host program timed out")
    if r.returncode != 0:
        first = [ln for ln in r.stderr.decode("utf-8", "replace").splitlines()
                 if "error" in ln][:1]
        log = exe_path + ".log"
        with open(log, "wb") as f:
            f.write(r.stderr)
        raise ConvertError("compiling the host program failed (%s; full log: %s)"
                           % (first[0].strip()[:300] if first else "exit %d" % r.returncode,
                              log))
    os.replace(exe_path + ".tmp", exe_path)


SUMMARY_MAIN = r"""#include "%(header)s"
#include <cstdio>
int main() {
    using Net = %(ns)s::%(name)s;
    mote::describe<Net>([](const char* s) { std::fputs(s, stdout); });
    std::printf("\ncuts (K units on the device; 0 sends the input, %%zu sends the result):\n",
                mote::unit_count<Net>);
    std::printf("    K   device MACs  device arena B  device weights B  cut shape     cut B"
                "   server MACs\n");
    for (const auto& r : mote::cut_table<Net>()) {
        char shape[32];
        std::snprintf(shape, sizeof shape, "%%dx%%dx%%d", r.cut_shape.h, r.cut_shape.w,
                      r.cut_shape.c);
        std::printf("%%5zu %%13llu %%15zu %%17zu  %%-11s %%7zu %%13llu\n", r.cut,
                    static_cast<unsigned long long>(r.device_macs), r.device_arena,
                    r.device_weights, shape, r.cut_bytes,
                    static_cast<unsigned long long>(r.server_macs));
    }
    return 0;
}
"""


def add_split(text, ns, name, k):
    """Define Head/Tail types for a cut after unit k inside the header's namespace."""
    closing = "}  // namespace %s" % ns
    at = text.rfind(closing)
    split = ("// mote-convert --split %d: the device runs Head (units [0, %d)), the server runs\n"
             "// Tail (the rest); Tail's input is Head's output tensor.\n"
             "inline constexpr std::size_t split_cut = %d;\n"
             "using Head = mote::head<%s, %d>;\n"
             "using Tail = mote::tail<%s, %d>;\n\n" % (k, k, k, name, k, name, k))
    return text[:at] + split + text[at:]


def summary(header_path, ns, name):
    with tempfile.TemporaryDirectory(prefix="mote-summary-") as d:
        exe = os.path.join(d, "summary")
        compile_program(SUMMARY_MAIN % {"header": os.path.abspath(header_path), "ns": ns,
                                        "name": name}, exe, [], opt="-O0")
        r = subprocess.run([exe], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        if r.returncode != 0:
            raise ConvertError("the summary program failed (exit %d)" % r.returncode)
        out = r.stdout.decode("utf-8", "replace")
        return out if out.endswith("\n") else out + "\n"


def run_main(argv, prog, body):
    """Run body(argv); one-line errors on stderr, exit status 1, never a traceback."""
    try:
        body(argv)
        return 0
    except ConvertError as e:
        msg = e.line()
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else 0
    except KeyboardInterrupt:
        msg = "interrupted"
    except MemoryError:
        msg = "out of memory (model too large or malformed)"
    except RecursionError:
        msg = "malformed model: structure nested too deeply"
    except BaseException as e:   # noqa: B902 - the one-line contract covers internal errors too
        msg = "internal error: %s: %s" % (type(e).__name__, str(e).splitlines()[0][:200]
                                          if str(e) else "")
    msg = " ".join(msg.split())
    try:
        sys.stderr.write("%s: error: %s\n" % (prog, msg))
        sys.stderr.flush()
    except Exception:
        pass
    return 1


def _convert_body(argv):
    p = _Parser(prog="mote-convert", description="Convert a TFLite model into a mote C++ header.")
    p.add_argument("model", help="input .tflite file")
    p.add_argument("-o", "--output", help="output header (.hpp)")
    p.add_argument("--namespace", help="C++ namespace (default: from the file name)")
    p.add_argument("--name", default="Model", help="name of the model type (default: Model)")
    p.add_argument("--summary", action="store_true",
                   help="print per-layer shapes, MACs, weight and arena bytes (compiles a host "
                        "program with the C++ compiler)")
    p.add_argument("--split", type=int, metavar="K",
                   help="also define Head (the first K units, for the device) and Tail (the "
                        "rest, for the server); a Branch counts as one unit")
    p.add_argument("--version", action="version", version="mote-convert %s" % VERSION)
    a = p.parse_args(argv)
    if a.namespace is not None:
        _check_namespace(a.namespace)
    if not em.valid_identifier(a.name):
        raise ConvertError("--name %r is not a valid C++ identifier" % a.name)
    if not a.output and not a.summary:
        raise ConvertError("no output: give -o FILE.hpp (and/or --summary)")
    data = _read(a.model)
    text, ir, ns = convert_bytes(data, a.model, a.namespace, a.name)
    if a.split is not None:
        units = len(ir.tree)
        if not 1 <= a.split < units:
            raise ConvertError("--split %d: the model has %d units, so a cut goes after unit 1 "
                               "to %d" % (a.split, units, units - 1))
        text = add_split(text, ns, a.name, a.split)
    if a.output:
        _write_atomic(a.output, text)
    if a.summary:
        if a.output:
            sys.stdout.write(summary(a.output, ns, a.name))
        else:
            with tempfile.TemporaryDirectory(prefix="mote-convert-") as d:
                h = os.path.join(d, "model.hpp")
                _write_atomic(h, text)
                sys.stdout.write(summary(h, ns, a.name))


def convert_main(argv=None):
    return run_main(sys.argv[1:] if argv is None else argv, "mote-convert", _convert_body)


RUNNER_MAIN = r"""#include "model.hpp"
#include <cstddef>
#include <cstdio>
#include <utility>

using Net = %(ns)s::Model;

template <std::size_t... I>
constexpr std::size_t input_bytes(std::index_sequence<I...>) {
    return (std::size_t{0} + ... + Net::template input<I>::bytes);
}
constexpr std::size_t in_bytes = input_bytes(std::make_index_sequence<Net::input_count>{});
constexpr std::size_t out_bytes = Net::output::bytes;

alignas(16) static std::byte in_buf[in_bytes];
alignas(16) static std::byte out_buf[out_bytes];
static typename Net::Arena arena;

int main(int argc, char** argv) {
    if (argc == 2) {  // "--sizes": print input and output byte counts
        std::printf("%%zu %%zu\n", in_bytes, out_bytes);
        return 0;
    }
    if (argc != 3) return 2;
    std::FILE* f = std::fopen(argv[1], "rb");
    if (!f) { std::fprintf(stderr, "cannot open %%s\n", argv[1]); return 1; }
    std::size_t n = std::fread(in_buf, 1, in_bytes, f);
    int extra = std::fgetc(f);
    std::fclose(f);
    if (n != in_bytes || extra != EOF) {
        std::fprintf(stderr, "input %%s must be exactly %%zu bytes\n", argv[1], in_bytes);
        return 1;
    }
    Net::run_bytes(arena, in_buf, out_buf);
    std::FILE* o = std::fopen(argv[2], "wb");
    if (!o) { std::fprintf(stderr, "cannot open %%s for writing\n", argv[2]); return 1; }
    bool ok = std::fwrite(out_buf, 1, out_bytes, o) == out_bytes;
    ok = (std::fclose(o) == 0) && ok;
    if (!ok) { std::fprintf(stderr, "cannot write %%s\n", argv[2]); return 1; }
    return 0;
}
"""


def _lib_fingerprint():
    h = hashlib.sha256()
    inc = include_dir()
    for root, dirs, files in os.walk(inc):
        dirs.sort()
        for fn in sorted(files):
            path = os.path.join(root, fn)
            h.update(os.path.relpath(path, inc).encode())
            try:
                with open(path, "rb") as f:
                    h.update(f.read())
            except OSError:
                pass
    for root, dirs, files in os.walk(os.path.join(TOOLS_DIR, "motelib")):
        dirs.sort()
        for fn in sorted(files):
            if fn.endswith(".py"):
                with open(os.path.join(root, fn), "rb") as f:
                    h.update(f.read())
    h.update((find_compiler() or "").encode())
    return h.hexdigest()[:16]


def _io_bytes(ir):
    m = ir.model

    def size(t):
        return t.elements() * (4 if t.type == tflite.FLOAT32 else 1)
    return sum(size(m.tensors[i]) for i in ir.inputs), size(m.tensors[ir.output])


def _run_body(argv):
    p = _Parser(prog="mote-run", description="Run one inference of a TFLite model with mote.")
    p.add_argument("model")
    p.add_argument("--input", required=True, help="raw input bytes (all inputs concatenated)")
    p.add_argument("--output", required=True, help="where to write the raw output bytes")
    p.add_argument("--cache-dir", help="build cache (default: $XDG_CACHE_HOME/mote)")
    a = p.parse_args(argv)
    data = _read(a.model)
    sha = hashlib.sha256(data).hexdigest()
    text, ir, ns = convert_bytes(data, a.model, "mote_run_model", "Model")
    in_bytes, out_bytes = _io_bytes(ir)
    inp = _read(a.input)
    if len(inp) != in_bytes:
        raise ConvertError("input %s is %d bytes; the model expects %d (%s)"
                           % (a.input, len(inp), in_bytes,
                              " + ".join("%s %s" % (m_t.type_name.lower(), m_t.shape)
                                         for m_t in (ir.model.tensors[i] for i in ir.inputs))))
    cache = a.cache_dir or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
        "mote")
    key = "%s-%s-%s" % (sha[:32], VERSION, _lib_fingerprint())
    d = os.path.join(cache, key)
    exe = os.path.join(d, "runner")
    if not os.path.exists(exe):
        try:
            os.makedirs(d, exist_ok=True)
        except OSError as e:
            raise ConvertError("cannot create cache directory %s: %s" % (d, e.strerror or e))
        _write_atomic(os.path.join(d, "model.hpp"), text)
        compile_program(RUNNER_MAIN % {"ns": ns}, exe, [d], opt="-O2")
    try:
        r = subprocess.run([exe, os.path.abspath(a.input), os.path.abspath(a.output)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
    except subprocess.TimeoutExpired:
        raise ConvertError("inference timed out")
    if r.returncode != 0:
        why = r.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ConvertError("runner failed (exit %d)%s" % (r.returncode,
                                                          ": " + why[0] if why else ""))


def run_cli_main(argv=None):
    return run_main(sys.argv[1:] if argv is None else argv, "mote-run", _run_body)
