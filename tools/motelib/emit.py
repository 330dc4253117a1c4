"""Layer tree -> C++ header text for the mote model API (docs/model-api.md)."""
import math
import struct

from . import VERSION, ConvertError
from . import graph, ops
from . import tflite as tfl
from .ops.common import Weights, hwc

LINE = 100

CPP_KEYWORDS = set("""alignas alignof and and_eq asm auto bitand bitor bool break case catch char
char8_t char16_t char32_t class compl concept const consteval constexpr constinit const_cast
continue co_await co_return co_yield decltype default delete do double dynamic_cast else enum
explicit export extern false float for friend goto if inline int long mutable namespace new
noexcept not not_eq nullptr operator or or_eq private protected public register
reinterpret_cast requires return short signed sizeof static static_assert static_cast struct
switch template this thread_local throw true try typedef typeid typename union unsigned using
virtual void volatile wchar_t while xor xor_eq std mote""".split())


def identifier(text, fallback="model"):
    out = "".join(ch if (ch.isascii() and (ch.isalnum() or ch == "_")) else "_" for ch in text)
    if not out:
        out = fallback
    if out[0].isdigit():
        out = "m_" + out
    if out in CPP_KEYWORDS:
        out += "_"
    return out


def comment_text(text, limit=60):
    """Text safe inside a // comment: printable ASCII only, no backslash (a trailing one would
    splice the next line into the comment), bounded length."""
    out = "".join(ch if (" " <= ch <= "~" and ch != "\\") else "?" for ch in str(text))
    return out if len(out) <= limit else out[:limit - 3] + "..."


def valid_identifier(text):
    return (bool(text) and text.isascii() and (text[0].isalpha() or text[0] == "_")
            and all(ch.isalnum() or ch == "_" for ch in text) and text not in CPP_KEYWORDS
            and "__" not in text)


def _f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def hexfloat(x):
    """Exact C++ float literal of a float32 value, e.g. 0x1.2b5f2ep-1f."""
    if not math.isfinite(x):
        raise ConvertError("non-finite float %r cannot be emitted" % x)
    if x == 0.0:
        return "-0x0p+0f" if math.copysign(1.0, x) < 0 else "0x0p+0f"
    h = x.hex()                       # [-]0x1.hhhhhhhhhhhhhp[+-]e
    sign = "-" if h.startswith("-") else ""
    h = h.lstrip("-")
    mant, exp = h[2:].split("p")
    if "." in mant:
        whole, frac = mant.split(".")
        frac = frac.rstrip("0")
        mant = whole + ("." + frac if frac else "")
    return "%s0x%sp%sf" % (sign, mant, exp)


def shortfloat(x):
    """Shortest decimal C++ float literal that reads back as exactly the float32 value x."""
    if not math.isfinite(x):
        raise ConvertError("non-finite float %r cannot be emitted" % x)
    if x == 0.0:
        return "-0.f" if math.copysign(1.0, x) < 0 else "0.f"
    s = None
    p = 6
    if _f32(float("%.6g" % x)) == x:
        while p > 1 and _f32(float("%.*g" % (p - 1, x))) == x:
            p -= 1
    else:
        while p < 9 and _f32(float("%.*g" % (p, x))) != x:
            p += 1
    s = "%.*g" % (p, x)
    if "e" in s:
        m, e = s.split("e")
        e = int(e)
        s = "%se%d" % (m, e)
    if "." not in s and "e" not in s:
        s += "."
    elif "." not in s.split("e")[0]:
        pass
    return s + "f"


def wrap_values(tokens, indent="    ", width=LINE):
    lines = []
    cur = indent
    for i, tok in enumerate(tokens):
        piece = tok + ("," if i + 1 < len(tokens) else "")
        if len(cur) + len(piece) + 1 > width and cur.strip():
            lines.append(cur.rstrip())
            cur = indent
        cur += piece + " "
    if cur.strip():
        lines.append(cur.rstrip())
    return lines


def activation(act):
    """The mote::Activation enumerator for "none" / "relu" / "relu6"."""
    return "mote::Activation::" + act


def _ints_from(data, fmt, size):
    n = len(data) // size
    return struct.unpack("<%d%s" % (n, fmt), data[:n * size])


# ----------------------------------------------------------------------------------------------
# Type expressions: (head, [args]) trees, printed inline when short, else one argument a line.

class T:
    def __init__(self, head, args=None, brackets=True):
        self.head = head
        self.args = args or []
        self.brackets = brackets

    def flat(self):
        if not self.brackets:
            return self.head
        return "%s<%s>" % (self.head, ", ".join(a.flat() if isinstance(a, T) else a
                                                  for a in self.args))

    def render(self, indent, width=LINE):
        """Lines for this type at column `indent`: inline if it fits, else its arguments
        packed greedily, one level deeper (an argument that itself breaks gets its own lines)."""
        f = self.flat()
        if indent + len(f) + 2 <= width or not self.args:
            return [f]
        lines = [self.head + "<"]
        pad = " " * 4
        cur = None
        n = len(self.args)
        for i, a in enumerate(self.args):
            sub = a.render(indent + 4, width) if isinstance(a, T) else [a]
            tail = "," if i + 1 < n else ">"
            if len(sub) == 1:
                piece = sub[0] + tail
                if cur is not None and indent + 4 + len(cur) + 1 + len(piece) + 2 <= width:
                    cur += " " + piece
                    continue
                if cur is not None:
                    lines.append(pad + cur)
                cur = piece
                continue
            if cur is not None:
                lines.append(pad + cur)
                cur = None
            sub[-1] += tail
            lines.extend(pad + x for x in sub)
        if cur is not None:
            lines.append(pad + cur)
        return lines


C_TYPES = {tfl.INT8: "std::int8_t", tfl.UINT8: "std::uint8_t", tfl.INT16: "std::int16_t",
           tfl.INT32: "std::int32_t"}
# Zero-point ranges of quantized model inputs, by element type.
INPUT_RANGES = {tfl.INT8: (-128, 127), tfl.UINT8: (0, 255), tfl.INT16: (-32768, 32767)}


class Emitter:
    def __init__(self, ir, source_name, sha256, namespace, type_name):
        self.ir = ir
        self.model = ir.model
        self.source_name = source_name
        self.sha256 = sha256
        self.namespace = namespace
        self.type_name = type_name
        self.decls = []
        self.qnames = {}
        self.declared = set()     # names declared once per header (resource variables)

    # -- declarations
    def quant_object(self, name, q, comment=None):
        self.decls.append("inline constexpr mote::QuantParams %s{%s, %d};%s"
                          % (name, hexfloat(q[0]), q[1],
                             ("  // %s" % comment) if comment else ""))
        return name

    def array(self, ctype, name, tokens):
        head = "alignas(16) inline constexpr %s %s[%d] = {" % (ctype, name, len(tokens))
        body = wrap_values(tokens, width=LINE - 2)
        if len(head) + len(body[0]) - 3 + 2 <= LINE and len(body) == 1:
            self.decls.append(head + body[0].strip() + "};")
        else:
            self.decls.append(head)
            body[-1] += "};"
            self.decls.extend(body)

    def weights(self, w, prefix):
        """Declarations of a weighted layer's filter, bias, scales and weights object (w: an
        ops.common.Weights); returns the weights object's name."""
        if w.scales is None:
            vals = struct.unpack("<%df" % w.filter.elements(), w.filter.data)
            self.array("float", prefix + "_filter", [shortfloat(v) for v in vals])
            bname = "{}"
            if w.bias is not None:
                bv = struct.unpack("<%df" % w.bias.elements(), w.bias.data)
                self.array("float", prefix + "_bias", [shortfloat(v) for v in bv])
                bname = prefix + "_bias"
            self.decls.append("inline constexpr mote::FloatWeights %s_w{%s_filter, %s};"
                              % (prefix, prefix, bname))
            return prefix + "_w"
        vals = _ints_from(w.filter.data, "b", 1)
        self.array("std::int8_t", prefix + "_filter", [str(v) for v in vals])
        bname = "{}"
        if w.bias is not None:
            bv = _ints_from(w.bias.data, "i", 4)
            self.array("std::int32_t", prefix + "_bias", [str(v) for v in bv])
            bname = prefix + "_bias"
        self.array("float", prefix + "_scales", [hexfloat(s) for s in w.scales])
        q = self.quant_object(prefix + "_out_q", w.out_q)
        self.decls.append("inline constexpr mote::QuantizedWeights %s_w{%s_filter, %s_scales, "
                          "%s, %s};" % (prefix, prefix, prefix, bname, q))
        return prefix + "_w"

    def out_q_layer(self, layer, prefix, out_q):
        """mote::<kind><opN_out_q> when the layer takes an output quantization, else <>."""
        if out_q is not None:
            return T("mote::" + layer.kind, [self.quant_object(prefix + "_out_q", out_q)])
        return T("mote::" + layer.kind, [])

    # -- layers
    def layer_type(self, layer):
        prefix = "op%d" % layer.op.index
        self.decls.append("")
        self.decls.append("// operator %d: %s %s" % (layer.op.index, layer.op.name, layer.summary))
        module = ops.lookup(layer.op.name)
        if module is None:
            raise ConvertError("internal: no emitter for %s" % layer.op.name)
        return module.emit(self, layer, prefix)

    def nodes(self, nodes):
        out = []
        for n in nodes:
            if isinstance(n, graph.Branch):
                paths = []
                for path in n.paths:
                    if not path:
                        paths.append(T("mote::Identity", brackets=False))
                    else:
                        paths.append(T("mote::Sequential", self.nodes(path)))
                join = self.layer_type(n.join)
                out.append(T("mote::Branch", [join] + paths))
            else:
                out.append(self.layer_type(n))
        return out

    def input_node(self, t_index, name):
        t = self.model.tensors[t_index]
        h, w, c = hwc(t, None, "model input")
        if t.type == tfl.FLOAT32:
            return T("mote::Input", ["mote::Shape{%d, %d, %d}" % (h, w, c), "mote::float32"])
        if t.quant is None or len(t.quant.scales) != 1 or len(t.quant.zero_points) != 1:
            raise ConvertError("model input tensor %d (%s) is %s but not quantized per tensor"
                               % (t_index, t.name, t.type_name))
        s, z = t.quant.scales[0], t.quant.zero_points[0]
        lo, hi = INPUT_RANGES[t.type]
        if not (math.isfinite(s) and s > 0) or not lo <= z <= hi:
            raise ConvertError("model input tensor %d (%s) has invalid quantization"
                               % (t_index, t.name))
        q = self.quant_object(name, (s, z), "model input %s" % comment_text(t.name, 30))
        args = ["mote::Shape{%d, %d, %d}" % (h, w, c), q]
        if t.type != tfl.INT8:
            args.append(C_TYPES[t.type])
        return T("mote::Input", args)

    def graph_lines(self, first, indent):
        """mote::Graph<inputs, Node<layer, values...>..., Outputs<...>>, one node a line, each
        led by the number of the value it defines."""
        ir = self.ir
        value = {t: k for k, t in enumerate(ir.inputs)}
        lines = ["mote::Graph<"]
        lines.extend(" " * 4 + x for x in first.render(indent + 4))
        lines[-1] += ","
        for n, layer in enumerate(ir.nodes):
            number = len(ir.inputs) + n
            node = T("mote::Node", [self.layer_type(layer)] +
                     [str(value[t]) for t in layer.inputs])
            label = "/* %d */ " % number
            sub = node.render(indent + 4 + len(label))
            lines.append(" " * 4 + label + sub[0])
            lines.extend(" " * (4 + len(label)) + x for x in sub[1:])
            lines[-1] += ","
            if layer.output is not None:
                value[layer.output] = number
        lines.append(" " * 4 + "mote::Outputs<%s>>" % ", ".join(str(value[t])
                                                                  for t in ir.outputs))
        return lines

    # -- whole header
    def header(self):
        ir = self.ir
        m = self.model
        if len(ir.inputs) == 1:
            first = [self.input_node(ir.inputs[0], "input_q")]
        else:
            first = [T("mote::Inputs", [self.input_node(t, "input%d_q" % i)
                                        for i, t in enumerate(ir.inputs)])]
        if ir.tree is not None:
            model_lines = T("mote::Sequential", first + self.nodes(ir.tree)).render(
                len("using %s = " % self.type_name))
        else:
            spec = first[0]
            model_lines = self.graph_lines(spec, 0)

        lines = []
        lines.append("// Generated by mote-convert %s from a TensorFlow Lite model. Do not edit."
                     % VERSION)
        lines.append("//")
        lines.append("//   source:       %s" % comment_text(self.source_name, 80))
        lines.append("//   sha256:       %s" % self.sha256)
        lines.append("//   converter:    mote-convert %s (tools/motelib)" % VERSION)
        for i, part in enumerate(self.scheme()):
            lines.append("//   %s %s" % ("quantization:" if i == 0 else " " * 13, part))
        if m.description:
            lines.append("//   description:  %s" % comment_text(m.description))
        for i, t in enumerate(ir.inputs):
            lines.append("//   input %d:      %s" % (i, self.tensor_desc(m.tensors[t])))
        for i, t in enumerate(ir.outputs):
            lines.append("//   output%s      %s" % ((" %d:" % i) if len(ir.outputs) > 1 else ": ",
                                                  self.tensor_desc(m.tensors[t])))
        if ir.variables:
            lines.append("//   state:        %d resource variable(s), initial values from the "
                         "CALL_ONCE init subgraph" % len(ir.variables))
        lines.append("//   operators:    %d" % len(m.operators))
        lines.append("#pragma once")
        lines.append("")
        lines.append("#include <cstdint>")
        lines.append("")
        lines.append("#include <mote/mote.hpp>")
        lines.append("")
        lines.append("namespace %s {" % self.namespace)
        lines.append("")
        lines.append("// sha256 of the source .tflite file")
        lines.append('inline constexpr char model_sha256[] =\n    "%s";' % self.sha256)
        lines.append("")
        lines.extend(d for d in self.decls_in_order())
        lines.append("")
        lines.append("// The model: %s." % self.shape_story())
        tl = model_lines
        tl[0] = "using %s = %s" % (self.type_name, tl[0])
        tl[-1] += ";"
        lines.extend(tl)
        lines.append("")
        lines.append("}  // namespace %s" % self.namespace)
        lines.append("")
        return "\n".join(lines)

    def decls_in_order(self):
        # Input quantization objects were emitted first by header(); keep declaration order.
        return self.decls

    def scheme(self):
        m = self.model
        types = set(m.tensors[i].type for i in self.ir.inputs)
        wt = [layer for layer in self.ir.layers
              if isinstance(getattr(layer.p, "weights", None), Weights)]
        int8 = any(not layer.out_float for layer in self.ir.layers) or tfl.INT8 in types
        if int8 and not wt:
            return ["int8 activations (per-tensor asymmetric, TFLite scheme), no weights"]
        if int8:
            per_ch = any(len(layer.p.weights.scales or []) > 1 for layer in wt)
            return ["int8 activations (per-tensor asymmetric, TFLite scheme),",
                    "int8 weights (symmetric, %s), int32 bias"
                    % ("per-channel" if per_ch else "per-tensor")]
        return ["float32 (no quantization)"]

    @staticmethod
    def tensor_desc(t):
        s = "%s %s" % (t.type_name.lower(), "[" + ",".join(str(d) for d in t.shape) + "]")
        if t.type in C_TYPES and t.quant is not None and t.quant.scales:
            s += " scale %.9g zero point %d" % (t.quant.scales[0], t.quant.zero_points[0]
                                                 if t.quant.zero_points else 0)
        return s

    def shape_story(self):
        m = self.model
        ins = " + ".join("x".join(str(d) for d in m.tensors[i].shape) for i in self.ir.inputs)
        outs = " + ".join("x".join(str(d) for d in m.tensors[t].shape) for t in self.ir.outputs)
        return "%s -> %s" % (ins, outs)


def emit_header(ir, source_name, sha256, namespace, type_name):
    return Emitter(ir, source_name, sha256, namespace, type_name).header()
