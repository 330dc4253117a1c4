"""mote-split: where to cut a model between a microcontroller and a server, per link.

    tools/mote-split MODEL.tflite [--link NAME ...] [--link-file F ...] [--json OUT.json]
                     [--svg OUT.svg] [--energy-per-instruction NJ] [--instructions-per-mac X]

See docs/links.md (link facts, the cost model, example output).
"""
import json
import math
import os
import sys

from . import VERSION, ConvertError
from . import cli
from . import split_links as sl
from . import split_plan as sp
from . import split_report as sr

DEFAULT_LINKS = ["lora-dr0", "lora-dr5", "nbiot", "ltem"]
BENCH_JSON = os.path.join(cli.REPO_DIR, "bench", "results.json")


class _Parser(cli._Parser):
    pass


def _positive(kind):
    def f(s):
        try:
            v = kind(s)
        except ValueError:
            raise ConvertError("not a number: %r" % s)
        if not (v > 0) or (isinstance(v, float) and not math.isfinite(v)):
            raise ConvertError("must be positive: %r" % s)
        return v
    return f


def _ratio(s):
    v = _positive(float)(s)
    if v > 1.5:
        raise ConvertError("--compression-ratio is compressed/raw bytes (e.g. 0.4), got %s" % s)
    return v


def _nonneg_int(s):
    try:
        v = int(s)
    except ValueError:
        raise ConvertError("not an integer: %r" % s)
    if v < 0:
        raise ConvertError("must be >= 0: %r" % s)
    return v


def build_parser():
    p = _Parser(prog="mote-split",
                description="Plan where to cut a model between a microcontroller and a server: "
                            "per cut and per link, device instructions, RAM, energy, bytes and "
                            "frames on air, airtime, latency and the duty-cycle-limited rate.")
    p.add_argument("model", nargs="?", help="input .tflite file")
    p.add_argument("--link", action="append", metavar="NAME",
                   help="built-in link profile (repeatable; default: %s; all: %s)"
                        % (" ".join(DEFAULT_LINKS), " ".join(sl.builtin_names())))
    p.add_argument("--link-file", action="append", metavar="F",
                   help="JSON link profile(s), see docs/links.md (repeatable)")
    p.add_argument("--json", metavar="OUT.json", help="write the plan as JSON")
    p.add_argument("--svg", metavar="OUT.svg", help="write an SVG plot (energy and latency)")
    p.add_argument("--energy-per-instruction", type=_positive(float), metavar="NJ",
                   help="device energy per instruction in nJ (default %.2f = %.0f nJ per int8 "
                        "MAC at %.1f instructions/MAC)"
                        % (sp.ENERGY_PER_INSTRUCTION_NJ, sp.ENERGY_PER_MAC_NJ,
                           sp.CMSIS_NN_INSTR_PER_MAC))
    p.add_argument("--instructions-per-mac", type=_positive(float), metavar="X",
                   help="device instructions per MAC (default: measured in bench/results.json "
                        "for this model, else %.1f)" % sp.CMSIS_NN_INSTR_PER_MAC)
    p.add_argument("--clock-mhz", type=_positive(float), default=sp.CLOCK_MHZ, metavar="MHZ",
                   help="device clock; one instruction per cycle (default %g)" % sp.CLOCK_MHZ)
    p.add_argument("--stack-bytes", type=_nonneg_int, metavar="B",
                   help="device stack (default: bench stack peak, else %d)" % sp.STACK_ESTIMATE)
    p.add_argument("--compression-ratio", type=_ratio, metavar="R",
                   help="measured compressed/raw size of the cut tensor (e.g. 0.4); applied to "
                        "every payload")
    p.add_argument("--fragment-overhead", type=_nonneg_int, metavar="B",
                   help="bytes per fragment besides the frame data (default: the library's, "
                        "%d)" % sp.FRAGMENT_OVERHEAD)
    p.add_argument("--frame-header", type=_nonneg_int, metavar="B",
                   help="frame header bytes before the payload (default: the library's, %d; "
                        "CRC-32C adds %d)" % (sp.FRAME_HEADER, sp.FRAME_CRC))
    p.add_argument("--bench", metavar="FILE", default=BENCH_JSON,
                   help="bench results (default: bench/results.json)")
    p.add_argument("--no-bench", action="store_true", help="ignore bench results")
    p.add_argument("--cut-table", metavar="FILE",
                   help="use this cut table (JSON as printed by the library) instead of "
                        "converting MODEL")
    p.add_argument("--rows", choices=("all", "pareto"), default="all",
                   help="all cuts, or only those no other cut beats on both device MACs and "
                        "bytes (default all)")
    p.add_argument("--cache-dir", help="cut-table cache (default: $XDG_CACHE_HOME/mote)")
    p.add_argument("--no-cache", action="store_true", help="always recompile the cut table")
    p.add_argument("--list-links", action="store_true", help="print the built-in links and exit")
    p.add_argument("--version", action="version", version="mote-split %s" % VERSION)
    return p


def collect_links(a):
    links = []
    for name in a.link or []:
        links.append(sl.get_builtin(name))
    for f in a.link_file or []:
        links.extend(sl.load_link_file(f))
    if not links:
        links = [sl.get_builtin(n) for n in DEFAULT_LINKS]
    seen = set()
    for l in links:
        if l.name in seen:
            raise ConvertError("link %r given twice" % l.name)
        seen.add(l.name)
    return links


def make_plan(table, info, links, a):
    """The whole plan document (also what --json writes)."""
    bench = None
    if not a.no_bench and info.get("stem"):
        bench = sp.load_bench(a.bench, info["stem"], table["macs"])
    dev = sp.Device(instructions_per_mac=a.instructions_per_mac,
                    energy_per_instruction_nj=a.energy_per_instruction,
                    clock_mhz=a.clock_mhz, stack_bytes=a.stack_bytes, bench=bench,
                    total_macs=table["macs"])
    framing = dict(table.get("framing") or sp.default_framing())
    if a.frame_header is not None:
        framing["frame_header"] = a.frame_header
        framing["source"] = "given"
    if a.fragment_overhead is not None:
        framing["fragment_overhead"] = a.fragment_overhead
        framing["source"] = "given"
    plans = []
    for l in links:
        p = sp.plan_link(table, l, dev, a.compression_ratio, framing)
        p["verdicts"] = sp.verdicts(table, l, p, info.get("stem") or "model")
        plans.append(p)
    return {
        "tool": "mote-split", "version": VERSION,
        "model": dict(info, units=table["units"], macs=table["macs"],
                      input_bytes=table["input_bytes"], output_bytes=table["output_bytes"],
                      unit_labels=table.get("unit_labels", [])),
        "assumptions": dict(dev.to_json(), framing=framing,
                            compression_ratio=a.compression_ratio,
                            device_ram="input buffer + head arena + stack + one link frame"),
        "cut_table": table["cuts"],
        "links": [l.to_json() for l in links],
        "plans": plans,
    }, dev


def render_text(doc, dev, links, rows_mode):
    m = doc["model"]
    a = doc["assumptions"]
    out = []
    out.append("mote-split %s: %s (%d units, %d MACs, input %d B, output %d B)"
               % (doc["version"], m.get("file") or "cut table", m["units"], m["macs"],
                  m["input_bytes"], m["output_bytes"]))
    out.append("device: %.2f instructions/MAC (%s); %.3g nJ/instruction; %g MHz; "
               "stack %d B (%s)" % (a["instructions_per_mac"], a["instructions_source"],
                                    a["energy_per_instruction_nj"], a["clock_mhz"],
                                    a["stack_bytes"], a["stack_source"]))
    f = a["framing"]
    out.append("frame: %d B header + payload + %d B CRC-32C; %s%d B per fragment, at most %d "
               "fragments (%s)%s"
               % (f["frame_header"], f["frame_crc"],
                  "always fragmented, " if f["always_fragment"] else "",
                  f["fragment_overhead"], f["max_fragments"], f["source"],
                  "; payload x %.3g (measured compression)" % a["compression_ratio"]
                  if a["compression_ratio"] else ""))
    out.append("device RAM = %s; server at %.3g MAC/s (%s)"
               % (a["device_ram"], a["server_macs_per_s"], a["server_source"]))
    for l, p in zip(links, doc["plans"]):
        out.append("")
        out.append("== %s: %s" % (l.name, l.description or l.kind))
        if l.kind == "lora":
            out.append("   SF%d/%g kHz CR 4/%d, preamble %d, %s header, CRC %s, LDRO %s; "
                       "%d B MAC overhead per frame; TX %.3g W; duty cycle %g%%"
                       % (l.sf, l.bw_hz / 1e3, 4 + l.cr, l.preamble,
                          "explicit" if l.explicit_header else "implicit",
                          "on" if l.crc else "off",
                          ("auto: on" if sl.lora_ldro(l.sf, l.bw_hz) else "auto: off")
                          if l.ldro is None else ("on" if l.ldro else "off"),
                          l.overhead_bytes, l.tx_power_w, l.duty_cycle * 100))
        else:
            out.append("   %g b/s, max %d B per frame + %d B overhead; TX %.3g W; duty cycle "
                       "%g%%; fixed %s per uplink%s"
                       % (l.bitrate, l.max_payload, l.overhead_bytes, l.tx_power_w,
                          l.duty_cycle * 100, sp.fmt_time(l.per_message_latency_s),
                          "" if not l.per_message_energy_j else
                          ", %.3g mJ" % (l.per_message_energy_j * 1e3)))
        out.append(sr.text_table(p, l, rows_mode).rstrip("\n"))
        for v in p["verdicts"]:
            out.append("-> " + v)
    return "\n".join(out) + "\n"


def _body(argv):
    p = build_parser()
    a = p.parse_args(argv)
    if a.list_links:
        for l in sl.builtin_links():
            sys.stdout.write("%-10s %s\n" % (l.name, l.description))
        return
    links = collect_links(a)
    if a.cut_table:
        try:
            with open(a.cut_table, "r", encoding="utf-8") as f:
                table = sp.validate_cut_table(json.load(f))
        except OSError as e:
            raise ConvertError("cannot read %s: %s" % (a.cut_table, e.strerror or e))
        except ValueError as e:
            raise ConvertError("%s is not valid JSON: %s" % (a.cut_table, e))
        stem = os.path.splitext(os.path.basename(a.model or a.cut_table))[0]
        info = {"file": os.path.basename(a.model) if a.model else None,
                "stem": stem if a.model else None}
    elif a.model:
        table, info = sp.cut_table_from_model(a.model, a.cache_dir, not a.no_cache)
    else:
        raise ConvertError("no model: give MODEL.tflite (or --cut-table FILE)")
    doc, dev = make_plan(table, info, links, a)
    sys.stdout.write(render_text(doc, dev, links, a.rows))
    if a.json:
        cli._write_atomic(a.json, json.dumps(doc, indent=1, sort_keys=False,
                                             allow_nan=False, default=str) + "\n")
    if a.svg:
        note = "; ".join("%s: best energy K=%d, latency K=%d"
                         % (p["link"], p["best_energy"], p["best_latency"])
                         for p in doc["plans"])
        cli._write_atomic(a.svg, sr.svg_plot(info.get("stem") or "model", table, doc["plans"],
                                             note[:150]))


def main(argv=None):
    return cli.run_main(sys.argv[1:] if argv is None else argv, "mote-split", _body)
