"""mote-split planner: the library's per-cut facts x a link profile -> costs per cut.

The per-cut facts (MACs, arena, weights, cut tensor shape and bytes) come from the library
itself: a tiny host program includes the generated header and prints mote::cut_table<Model>()
as JSON.  Nothing about shapes or arena planning is re-derived here.
"""
import hashlib
import json
import math
import os
import subprocess
import tempfile

from . import VERSION, ConvertError
from . import cli

# Frame on the link (DESIGN.md section 5, include/mote/split/frame.hpp and fragment.hpp):
# a 32 B header (magic, version, kind, model id, sequence, cut, dtype, shape, quantisation,
# encoding, payload length, epoch), the payload, CRC-32C; then every frame travels as fragments
# of 6 B header + data + 2 B check, at most 255 of them.  These are the fallbacks; the figures
# actually used are read from the library by the cut-table program when it has those headers.
FRAME_HEADER = 32
FRAME_CRC = 4
FRAGMENT_OVERHEAD = 8
MAX_FRAGMENTS = 255
ALWAYS_FRAGMENT = True

# Defaults for the device model (docs/links.md, "Device compute").
CMSIS_NN_INSTR_PER_MAC = 2.9       # TFLM + CMSIS-NN on M4F, KWS: 7,697,868 / 2,656,768 (bench)
ENERGY_PER_MAC_NJ = 2.0            # DESIGN.md: ~1-3 nJ per int8 MAC on a Cortex-M4
ENERGY_PER_INSTRUCTION_NJ = round(ENERGY_PER_MAC_NJ / CMSIS_NN_INSTR_PER_MAC, 3)   # 0.69
CLOCK_MHZ = 80.0                   # instructions per second = clock (1 instruction per cycle)
STACK_ESTIMATE = 512               # bytes, when the bench has no stack peak for the model
SERVER_MACS_PER_S = 1e9            # when the bench has no host wall time for the model

CUT_TABLE_MAIN = r"""#include "%(header)s"
#include <mote/split/cut.hpp>
#include <cstdio>
#if %(with_frame)d && __has_include(<mote/split/frame.hpp>) && __has_include(<mote/split/fragment.hpp>)
#include <mote/split/frame.hpp>
#include <mote/split/fragment.hpp>
#define MOTE_SPLIT_FRAME 1
#endif
int main() {
    using Net = %(ns)s::%(name)s;
    constexpr auto rows = mote::cut_table<Net>();
    std::printf("{\"units\": %%zu, \"macs\": %%llu, \"input_bytes\": %%zu, \"output_bytes\": %%zu,"
                " \"arena_bytes\": %%zu, \"weight_bytes\": %%zu, \"cuts\": [",
                mote::unit_count<Net>, static_cast<unsigned long long>(Net::macs),
                Net::input_bytes, Net::output::bytes, Net::arena_bytes, Net::weight_bytes);
    bool first = true;
    for (const auto& r : rows) {
        std::printf("%%s\n  {\"cut\": %%zu, \"device_macs\": %%llu, \"device_arena\": %%zu,"
                    " \"device_weights\": %%zu, \"cut_bytes\": %%zu, \"cut_shape\": [%%d, %%d, %%d],"
                    " \"server_macs\": %%llu}", first ? "" : ",", r.cut,
                    static_cast<unsigned long long>(r.device_macs), r.device_arena,
                    r.device_weights, r.cut_bytes, r.cut_shape.h, r.cut_shape.w, r.cut_shape.c,
                    static_cast<unsigned long long>(r.server_macs));
        first = false;
    }
    std::printf("\n]");
#ifdef MOTE_SPLIT_FRAME
    std::printf(", \"framing\": {\"frame_header\": %%zu, \"frame_crc\": %%zu,"
                " \"fragment_overhead\": %%zu, \"max_fragments\": %%zu, \"always_fragment\": true,"
                " \"source\": \"library\"}",
                mote::split::frame_header_bytes, mote::split::frame_crc_bytes,
                mote::split::fragment_overhead, mote::split::max_fragment_count);
#endif
    std::printf("}\n");
    return 0;
}
"""


def _unit_label(node):
    if hasattr(node, "join"):
        return "Branch(%s)" % node.join.kind
    return node.kind


def validate_cut_table(t):
    """Check the shape of a cut table (from the library or a file); raise ConvertError."""
    need = ("units", "macs", "input_bytes", "output_bytes", "cuts")
    if not isinstance(t, dict) or any(k not in t for k in need):
        raise ConvertError("cut table must be an object with %s" % ", ".join(need))
    cuts = t["cuts"]
    if not isinstance(cuts, list) or len(cuts) != t["units"] + 1:
        raise ConvertError("cut table must have units + 1 rows (K = 0 .. n)")
    for i, r in enumerate(cuts):
        for k in ("cut", "device_macs", "device_arena", "device_weights", "cut_bytes",
                  "server_macs"):
            v = r.get(k)
            if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                raise ConvertError("cut table row %d: %s must be a non-negative integer" % (i, k))
        if r["cut"] != i:
            raise ConvertError("cut table row %d has cut %d" % (i, r["cut"]))
        shape = r.get("cut_shape")
        if not (isinstance(shape, list) and len(shape) == 3
                and all(isinstance(x, int) and x > 0 for x in shape)):
            raise ConvertError("cut table row %d: cut_shape must be [h, w, c]" % i)
    fr = t.get("framing")
    if fr is not None:
        if not isinstance(fr, dict):
            raise ConvertError("cut table: framing must be an object")
        for k in ("frame_header", "frame_crc", "fragment_overhead", "max_fragments"):
            v = fr.get(k)
            if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                raise ConvertError("cut table: framing.%s must be a non-negative integer" % k)
        if not isinstance(fr.get("always_fragment"), bool):
            raise ConvertError("cut table: framing.always_fragment must be true or false")
    return t


def cut_table_from_model(path, cache_dir=None, use_cache=True):
    """Convert the model, compile the cut-table program, return (table dict, model info)."""
    data = cli._read(path)
    sha = hashlib.sha256(data).hexdigest()
    text, ir, ns = cli.convert_bytes(data, path, "mote_split_model", "Model")
    labels = [_unit_label(n) for n in ir.tree]
    info = {"file": os.path.basename(path), "stem": os.path.splitext(os.path.basename(path))[0],
            "sha256": sha}
    cache_file = None
    if use_cache:
        cache = cache_dir or os.path.join(
            os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
            "mote")
        cache_file = os.path.join(cache, "split-%s-%s-%s.json"
                                  % (sha[:32], VERSION, cli._lib_fingerprint()))
        try:
            with open(cache_file, "r", encoding="utf-8") as f:
                t = validate_cut_table(json.load(f))
                t["unit_labels"] = labels
                return t, info
        except (OSError, ValueError, ConvertError):
            pass
    with tempfile.TemporaryDirectory(prefix="mote-split-") as d:
        h = os.path.join(d, "model.hpp")
        with open(h, "w", encoding="utf-8") as f:
            f.write(text)
        exe = os.path.join(d, "cut_table")
        try:
            cli.compile_program(CUT_TABLE_MAIN % {"header": h, "ns": ns, "name": "Model",
                                                  "with_frame": 1}, exe, [], opt="-O0")
        except ConvertError:
            # the frame/fragment headers may be missing or broken: cut table alone
            cli.compile_program(CUT_TABLE_MAIN % {"header": h, "ns": ns, "name": "Model",
                                                  "with_frame": 0}, exe, [], opt="-O0")
        try:
            r = subprocess.run([exe], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=60)
        except subprocess.TimeoutExpired:
            raise ConvertError("the cut-table program timed out")
        if r.returncode != 0:
            raise ConvertError("the cut-table program failed (exit %d)" % r.returncode)
        try:
            t = validate_cut_table(json.loads(r.stdout.decode("utf-8")))
        except ValueError as e:
            raise ConvertError("the cut-table program printed invalid JSON: %s" % e)
    if cache_file:
        try:
            os.makedirs(os.path.dirname(cache_file), exist_ok=True)
            cli._write_atomic(cache_file, json.dumps(t))
        except ConvertError:
            pass
    t["unit_labels"] = labels
    return t, info


def load_bench(path, stem, total_macs, target="an386", opt="-O2"):
    """The bench row for this model (instructions, stack peak, host wall time) or None.

    A row is used only if its dense_macs equals the library's total MACs for the model
    (otherwise it measured a different model of the same name)."""
    try:
        with open(path, "r", encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return None
    rows = data.get("results", []) if isinstance(data, dict) else []
    out = {}
    for r in rows:
        if not isinstance(r, dict) or r.get("model") != stem:
            continue
        if r.get("dense_macs") != total_macs:
            continue
        if r.get("target") == target and r.get("opt") == opt and r.get("instructions"):
            out["instructions"] = int(r["instructions"])
            out["target"] = "%s %s" % (r.get("core") or target, opt)
            if r.get("stack_peak"):
                out["stack_peak"] = int(r["stack_peak"])
        if r.get("target") == "host" and r.get("wall_ms"):
            out["host_wall_ms"] = float(r["wall_ms"])
    return out if "instructions" in out else None


class Device:
    """How the device side is modelled (every figure printed in the report)."""

    def __init__(self, instructions_per_mac=None, energy_per_instruction_nj=None,
                 clock_mhz=CLOCK_MHZ, stack_bytes=None, bench=None, total_macs=0,
                 server_macs_per_s=None):
        self.energy_per_instruction_nj = (ENERGY_PER_INSTRUCTION_NJ
                                          if energy_per_instruction_nj is None
                                          else energy_per_instruction_nj)
        self.clock_mhz = clock_mhz
        self.bench = bench
        if instructions_per_mac is not None:
            self.instructions_per_mac = instructions_per_mac
            self.instructions_source = "given (--instructions-per-mac)"
        elif bench and total_macs:
            self.instructions_per_mac = bench["instructions"] / float(total_macs)
            self.instructions_source = ("measured: bench/results.json, %s, %d instructions "
                                        "per inference" % (bench["target"],
                                                           bench["instructions"]))
        else:
            self.instructions_per_mac = CMSIS_NN_INSTR_PER_MAC
            self.instructions_source = ("modelled: %.1f instructions/MAC (TFLM + CMSIS-NN on "
                                        "M4F, bench peers)" % CMSIS_NN_INSTR_PER_MAC)
        if stack_bytes is not None:
            self.stack_bytes = stack_bytes
            self.stack_source = "given"
        elif bench and bench.get("stack_peak"):
            self.stack_bytes = bench["stack_peak"]
            self.stack_source = "measured stack peak (bench)"
        else:
            self.stack_bytes = STACK_ESTIMATE
            self.stack_source = "estimate"
        if server_macs_per_s is not None:
            self.server_macs_per_s = server_macs_per_s
            self.server_source = "given"
        elif bench and bench.get("host_wall_ms") and total_macs:
            self.server_macs_per_s = total_macs / (bench["host_wall_ms"] / 1000.0)
            self.server_source = "host wall time (bench)"
        else:
            self.server_macs_per_s = SERVER_MACS_PER_S
            self.server_source = "assumed"

    def instructions(self, macs):
        return int(round(macs * self.instructions_per_mac))

    def to_json(self):
        return {"instructions_per_mac": self.instructions_per_mac,
                "instructions_source": self.instructions_source,
                "energy_per_instruction_nj": self.energy_per_instruction_nj,
                "clock_mhz": self.clock_mhz, "stack_bytes": self.stack_bytes,
                "stack_source": self.stack_source,
                "server_macs_per_s": self.server_macs_per_s,
                "server_source": self.server_source}


def default_framing():
    return {"frame_header": FRAME_HEADER, "frame_crc": FRAME_CRC,
            "fragment_overhead": FRAGMENT_OVERHEAD, "max_fragments": MAX_FRAGMENTS,
            "always_fragment": ALWAYS_FRAGMENT, "source": "defaults (mote-split)"}


def fragments(frame_bytes, max_payload, overhead=FRAGMENT_OVERHEAD, always=ALWAYS_FRAGMENT):
    """Sizes of the link frames (bytes handed to the link) that carry one frame.

    Every fragment carries `overhead` bytes besides its share of the frame; with always=False a
    frame that fits one link frame goes bare."""
    if not always and frame_bytes <= max_payload:
        return [frame_bytes]
    cap = max_payload - overhead
    if cap <= 0:
        raise ConvertError("the link's max payload (%d B) does not exceed the fragment overhead "
                           "(%d B)" % (max_payload, overhead))
    n = max(1, -(-frame_bytes // cap))
    return [max_payload] * (n - 1) + [frame_bytes - (n - 1) * cap + overhead]


def plan_link(table, link, device, compression_ratio=None, framing=None):
    """Per-cut costs on one link; returns a dict with 'rows', 'best_latency', 'best_energy'."""
    fr = framing or table.get("framing") or default_framing()
    rows = []
    n = table["units"]
    labels = table.get("unit_labels") or []
    for r in table["cuts"]:
        k = r["cut"]
        payload = r["cut_bytes"]
        if compression_ratio is not None:
            payload = max(1, int(math.ceil(payload * compression_ratio)))
        frame = fr["frame_header"] + payload + fr["frame_crc"]
        frags = fragments(frame, link.max_payload, fr["fragment_overhead"],
                          fr["always_fragment"])
        on_air = sum(frags) + link.overhead_bytes * len(frags)
        per_frag_air = [link.frame_airtime(s) for s in frags]
        airtime = sum(per_frag_air)
        # Duty cycle: after a frame of T seconds the device must stay silent T (1/dc - 1).
        waits = sum(per_frag_air[:-1]) * (1.0 / link.duty_cycle - 1.0)
        instr = device.instructions(r["device_macs"])
        dev_time = instr / (device.clock_mhz * 1e6)
        compute_j = instr * device.energy_per_instruction_nj * 1e-9
        radio_j = airtime * link.tx_power_w + link.per_message_energy_j
        server_time = r["server_macs"] / device.server_macs_per_s
        latency = dev_time + airtime + waits + link.per_message_latency_s + server_time
        # Sustained rate: the duty-cycle budget, and the device being busy computing and sending.
        per_inf = max(airtime / link.duty_cycle, dev_time + airtime)
        rate_h = 3600.0 / per_inf if per_inf > 0 else float("inf")
        ram = table["input_bytes"] + r["device_arena"] + device.stack_bytes + link.max_payload
        rows.append({
            "cut": k,
            "after": ("input" if k == 0 else (labels[k - 1] if k - 1 < len(labels) else "")),
            "kind": "input" if k == 0 else ("result" if k == n else "interior"),
            "cut_shape": r["cut_shape"], "cut_bytes": r["cut_bytes"], "payload_bytes": payload,
            "frame_bytes": frame, "fragments": len(frags),
            "sendable": len(frags) <= fr["max_fragments"], "on_air_bytes": on_air,
            "airtime_s": airtime, "duty_wait_s": waits,
            "device_macs": r["device_macs"], "device_instructions": instr,
            "device_time_s": dev_time, "device_arena": r["device_arena"],
            "device_weights": r["device_weights"], "device_ram": ram,
            "compute_energy_j": compute_j, "radio_energy_j": radio_j,
            "device_energy_j": compute_j + radio_j,
            "server_macs": r["server_macs"], "server_time_s": server_time,
            "latency_s": latency, "inferences_per_hour": rate_h,
        })

    def best(key):
        # Ties (equal cost, e.g. a cut before a 0-MAC softmax): not splitting wins (send the
        # result, then send the input), then fewer units on the device.
        def order(x):
            tie = 0 if x["cut"] == n else 1 if x["cut"] == 0 else 2
            return (0 if x["sendable"] else 1, round(x[key], 12), tie, x["cut"])
        return min(rows, key=order)["cut"]
    return {"link": link.name, "framing": fr, "rows": rows, "best_latency": best("latency_s"),
            "best_energy": best("device_energy_j")}


def verdicts(table, link, plan, model_name):
    """Plain-language lines: when not to split."""
    rows = plan["rows"]
    n = table["units"]
    out = []
    # Interior cuts that leave real work to the server (a cut before a 0-MAC softmax does not).
    interior = [r for r in rows if r["kind"] == "interior" and r["server_macs"] > 0]
    if interior and all(r["fragments"] > 1 for r in interior):
        smallest = min(interior, key=lambda r: (r["payload_bytes"], r["cut"]))
        out.append("%s on %s: no cut that leaves work to the server fits one link frame "
                   "(max %d B); the smallest, K=%d (%d B), needs %d fragments"
                   % (model_name, link.name, link.max_payload, smallest["cut"],
                      smallest["payload_bytes"], smallest["fragments"]))
    over = [r["cut"] for r in rows if not r["sendable"]]
    if over:
        out.append("%s on %s: K=%s need more than %d fragments - mote::split cannot send them"
                   % (model_name, link.name, _ranges(over), plan["framing"]["max_fragments"]))
    full = rows[n]
    bit_j = link.tx_power_w / link.bitrate if link.bitrate else 0.0
    if full["compute_energy_j"] > 0 and bit_j > 0:
        out.append("%s on %s: one bit on air costs %.3g mJ; the whole inference on the device "
                   "(%.3g mJ) costs as much as %.3g bits on air"
                   % (model_name, link.name, bit_j * 1e3, full["compute_energy_j"] * 1e3,
                      full["compute_energy_j"] / bit_j))
    be, bl = plan["best_energy"], plan["best_latency"]

    def name(k):
        return ("K=0 (send the input)" if k == 0 else
                "K=%d (send only the result)" % k if k == n else "K=%d (split)" % k)
    if be == n and bl == n:
        out.append("%s on %s: do not split - run the whole model on the device and send the "
                   "result (%s)" % (model_name, link.name, _fmt_summary(rows[n])))
    elif be == 0 and bl == 0:
        out.append("%s on %s: do not split - send the raw input (%s)"
                   % (model_name, link.name, _fmt_summary(rows[0])))
    else:
        out.append("%s on %s: least device energy at %s, lowest latency at %s"
                   % (model_name, link.name, name(be), name(bl)))
    if link.duty_cycle < 1:
        r = rows[be]
        out.append("%s on %s: the %g%% duty cycle allows at most %.3g inferences per hour at "
                   "K=%d (%s on air each)" % (model_name, link.name, link.duty_cycle * 100,
                                              r["inferences_per_hour"], be,
                                              fmt_time(r["airtime_s"])))
    return out


def _ranges(ks):
    out, start = [], None
    for i, k in enumerate(ks):
        if start is None:
            start = k
        if i + 1 == len(ks) or ks[i + 1] != k + 1:
            out.append(str(start) if start == k else "%d-%d" % (start, k))
            start = None
    return ",".join(out)


def _fmt_summary(r):
    return "%s B on air in %d frame%s, %s airtime, %s mJ on the device" % (
        r["on_air_bytes"], r["fragments"], "" if r["fragments"] == 1 else "s",
        fmt_time(r["airtime_s"]), "%.3g" % (r["device_energy_j"] * 1e3))


def fmt_time(s):
    if s >= 3600:
        return "%.1f h" % (s / 3600)
    if s >= 60:
        return "%.1f min" % (s / 60)
    if s >= 1:
        return "%.2f s" % s
    if s >= 1e-3:
        return "%.1f ms" % (s * 1e3)
    return "%.0f us" % (s * 1e6)
