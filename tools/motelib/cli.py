"""Command line front ends: mote-convert and mote-run."""
import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

from . import VERSION, ConvertError
from . import c_api
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
    """mote's headers: $MOTE_INCLUDE_DIR, else beside tools/ in a checkout, else <prefix>/include
    of an installed tree (tools in <prefix>/share/mote/tools)."""
    if os.environ.get("MOTE_INCLUDE_DIR"):
        return os.environ["MOTE_INCLUDE_DIR"]
    checkout = os.path.join(REPO_DIR, "include")
    if os.path.isdir(os.path.join(checkout, "mote")):
        return checkout
    return os.path.join(os.path.dirname(os.path.dirname(REPO_DIR)), "include")


# mote's compile-time checks end in a static_assert or a call of mote::fail("mote: ...") from
# a constant expression; where g++ / clang print that message (first match in output order).
_MOTE_REASONS = (
    re.compile(r"static assertion failed: (mote: .*)$"),                      # g++ static_assert
    re.compile(r"error: static.assert(?:ion)? failed.*?\"(mote: [^\"]*)\""),  # clang's
    re.compile(r"\bfail\(\"(mote: [^\"]*)\"\)"),             # the source line of the fail call
    re.compile(r"&\"(mote: [^\"]*)\"\[0\]"),  # clang: the message passed on, e.g. checked(p)
)


def compiler_reason(stderr_text):
    """The `mote: ...` reason of a failed compile, else None.  g++ does not print a message that
    reaches fail() through a variable (a make_*_params error); then the function is named."""
    for line in stderr_text.splitlines():
        for pattern in _MOTE_REASONS:
            m = pattern.search(line)
            if m:
                return m.group(1).strip()
    m = re.search(r"expansion of .*?\b(make_\w+_params)\b", stderr_text)
    if m:
        return ("mote: %s rejected the layer's quantization parameters (the compiler does not "
                "print why; clang does)" % m.group(1))
    return None


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
        text = r.stderr.decode("utf-8", "replace")
        log = exe_path + ".log"
        with open(log, "wb") as f:
            f.write(r.stderr)
        reason = compiler_reason(text)
        if reason is not None:
            raise ConvertError("compiling the host program failed: %s (full log: %s)"
                               % (reason[:300], log))
        first = [ln for ln in text.splitlines() if "error" in ln][:1]
        raise ConvertError("compiling the host program failed (%s; full log: %s)"
                           % (first[0].strip()[:300] if first else "exit %d" % r.returncode,
                              log))
    os.replace(exe_path + ".tmp", exe_path)


SUMMARY_MAIN = r"""#include "%(header)s"
#include <cstdio>
// A template, so that the branch a Graph model does not take is never instantiated.
template <class Net>
void print_cuts() {
    if constexpr (mote::cuttable<Net>) {
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
    } else {
        std::printf("\n(a Graph model: --split and the cut table need a Sequential)\n");
    }
}
int main() {
    using Net = %(ns)s::%(name)s;
    mote::describe<Net>([](const char* s) { std::fputs(s, stdout); });
    print_cuts<Net>();
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
    """Run body(argv); errors on stderr one line each (every blocking problem of a model), exit
    status 1, never a traceback."""
    try:
        body(argv)
        return 0
    except ConvertError as e:
        msgs = e.lines()
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else 0
    except KeyboardInterrupt:
        msgs = ["interrupted"]
    except MemoryError:
        msgs = ["out of memory (model too large or malformed)"]
    except RecursionError:
        msgs = ["malformed model: structure nested too deeply"]
    except BaseException as e:   # noqa: B902 - the one-line contract covers internal errors too
        msgs = ["internal error: %s: %s" % (type(e).__name__, str(e).splitlines()[0][:200]
                                            if str(e) else "")]
    try:
        sys.stderr.write("".join("%s: error: %s\n" % (prog, " ".join(m.split())) for m in msgs))
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
    p.add_argument("--c-api", action="store_true",
                   help="also write a C interface beside the header: STEM.h (sizes, shapes, "
                        "quantization, PREFIX_run) and STEM.cpp implementing it (compile as C++)")
    p.add_argument("--c-prefix", metavar="PREFIX",
                   help="prefix of the C names (default: the namespace, :: written _)")
    p.add_argument("--version", action="version", version="mote-convert %s" % VERSION)
    a = p.parse_args(argv)
    if a.namespace is not None:
        _check_namespace(a.namespace)
    if not em.valid_identifier(a.name):
        raise ConvertError("--name %r is not a valid C++ identifier" % a.name)
    if not a.output and not a.summary:
        raise ConvertError("no output: give -o FILE.hpp (and/or --summary)")
    if a.c_prefix is not None and not a.c_api:
        raise ConvertError("--c-prefix is for --c-api")
    if a.c_api:
        if not a.output or a.output.endswith((".h", ".cpp")):
            raise ConvertError("--c-api writes STEM.h and STEM.cpp beside the C++ header: give "
                               "-o STEM.hpp")
        if a.c_prefix is not None:
            c_api.check_prefix(a.c_prefix)
    data = _read(a.model)
    text, ir, ns = convert_bytes(data, a.model, a.namespace, a.name)
    if a.split is not None:
        if ir.tree is None:
            raise ConvertError("--split %d: the model converts to a mote::Graph (several outputs, "
                               "state or a DAG); only a Sequential can be cut" % a.split)
        units = len(ir.tree)
        if not 1 <= a.split < units:
            raise ConvertError("--split %d: the model has %d units, so a cut goes after unit 1 "
                               "to %d" % (a.split, units, units - 1))
        text = add_split(text, ns, a.name, a.split)
    if a.c_api:   # before anything is written: a model the C header cannot describe fails whole
        stem = os.path.splitext(a.output)[0]
        h_text, cpp_text = c_api.emit_c_api(
            ir, a.c_prefix or ns.replace("::", "_"), ns, a.name, os.path.basename(a.model),
            hashlib.sha256(data).hexdigest(), os.path.basename(a.output),
            os.path.basename(stem) + ".h")
    if a.output:
        _write_atomic(a.output, text)
    if a.c_api:
        _write_atomic(stem + ".h", h_text)
        _write_atomic(stem + ".cpp", cpp_text)
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
#include <vector>

using Net = %(ns)s::Model;

static typename Net::Arena arena;
static typename Net::State state;

template <class N>
void infer(const std::byte* in, std::byte* out) {
    if constexpr (N::stateful) N::run_bytes(arena, state, in, out);
    else N::run_bytes(arena, in, out);
}

// IN holds k whole inputs: k inferences, on one fresh state for a stateful model; OUT gets
// each inference's outputs back to back (several outputs in subgraph-output order).
int main(int argc, char** argv) {
    if (argc != 3) return 2;
    std::FILE* f = std::fopen(argv[1], "rb");
    if (!f) { std::fprintf(stderr, "cannot open %%s\n", argv[1]); return 1; }
    std::vector<unsigned char> in;
    for (int c; (c = std::fgetc(f)) != EOF;) in.push_back(static_cast<unsigned char>(c));
    std::fclose(f);
    if (in.empty() || in.size() %% Net::input_bytes != 0) {
        std::fprintf(stderr, "input %%s must hold whole inputs of %%zu bytes\n", argv[1],
                     Net::input_bytes);
        return 1;
    }
    const std::size_t frames = in.size() / Net::input_bytes;
    alignas(16) static std::byte frame[Net::input_bytes];
    std::vector<std::byte> out(frames * Net::output_bytes);
    for (std::size_t k = 0; k < frames; ++k) {
        for (std::size_t i = 0; i < Net::input_bytes; ++i)
            frame[i] = static_cast<std::byte>(in[k * Net::input_bytes + i]);
        infer<Net>(frame, out.data() + k * Net::output_bytes);
    }
    std::FILE* o = std::fopen(argv[2], "wb");
    if (!o) { std::fprintf(stderr, "cannot open %%s for writing\n", argv[2]); return 1; }
    bool ok = std::fwrite(out.data(), 1, out.size(), o) == out.size();
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


ELEMENT_BYTES = {tflite.FLOAT32: 4, tflite.INT32: 4, tflite.INT16: 2, tflite.INT8: 1,
                 tflite.UINT8: 1}


def _input_bytes(ir):
    m = ir.model
    return sum(m.tensors[i].elements() * ELEMENT_BYTES[m.tensors[i].type] for i in ir.inputs)


def _run_body(argv):
    p = _Parser(prog="mote-run", description="Run a TFLite model with mote on the host: IN holds "
                "k whole inputs (k inferences, on one state for a stateful model); OUT gets their "
                "outputs back to back")
    p.add_argument("model")
    p.add_argument("--input", required=True, help="raw input bytes (all inputs concatenated)")
    p.add_argument("--output", required=True, help="where to write the raw output bytes")
    p.add_argument("--cache-dir", help="build cache (default: $XDG_CACHE_HOME/mote)")
    a = p.parse_args(argv)
    data = _read(a.model)
    sha = hashlib.sha256(data).hexdigest()
    text, ir, ns = convert_bytes(data, a.model, "mote_run_model", "Model")
    in_bytes = _input_bytes(ir)
    inp = _read(a.input)
    if not inp or len(inp) % in_bytes != 0:
        raise ConvertError("input %s is %d bytes; the model expects a multiple of %d (%s)"
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
