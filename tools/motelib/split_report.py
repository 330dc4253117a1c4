"""mote-split output: the text table, the JSON document and an SVG plot (written by hand)."""
import math
from xml.sax.saxutils import escape

from .split_plan import fmt_time

COLUMNS = [
    # header, width, formatter(row)
    ("K", 3, lambda r: str(r["cut"])),
    ("after", 19, lambda r: r["after"][:19]),
    ("cut shape", 9, lambda r: "x".join(str(x) for x in r["cut_shape"])),
    ("cut B", 6, lambda r: str(r["cut_bytes"])),
    ("frame B", 7, lambda r: str(r["frame_bytes"])),
    ("frags", 5, lambda r: str(r["fragments"]) + ("" if r["sendable"] else "!")),
    ("on-air B", 8, lambda r: str(r["on_air_bytes"])),
    ("airtime", 8, lambda r: fmt_time(r["airtime_s"])),
    ("dev Minstr", 10, lambda r: "%.2f" % (r["device_instructions"] / 1e6)),
    ("dev RAM B", 9, lambda r: str(r["device_ram"])),
    ("CPU mJ", 8, lambda r: _mj(r["compute_energy_j"])),
    ("radio mJ", 9, lambda r: _mj(r["radio_energy_j"])),
    ("device mJ", 9, lambda r: _mj(r["device_energy_j"])),
    ("latency", 8, lambda r: fmt_time(r["latency_s"])),
    ("inf/h", 8, lambda r: _rate(r["inferences_per_hour"])),
]


def _mj(j):
    v = j * 1e3
    if v >= 1000:
        return "%.0f" % v
    return "%.3g" % v


def _rate(x):
    if math.isinf(x):
        return "inf"
    if x >= 1e6:
        return "%.2g" % x
    if x >= 10:
        return "%.0f" % x
    return "%.2g" % x


def pareto(rows):
    """Cuts not dominated in (device MACs, payload bytes), plus both extremes."""
    keep = []
    for r in rows:
        dominated = any((o["device_macs"] <= r["device_macs"]
                         and o["payload_bytes"] <= r["payload_bytes"]
                         and (o["device_macs"], o["payload_bytes"], o["cut"])
                         < (r["device_macs"], r["payload_bytes"], r["cut"]))
                        for o in rows)
        if not dominated or r["kind"] != "interior":
            keep.append(r)
    return keep


def text_table(plan, link, rows_mode="all"):
    rows = plan["rows"] if rows_mode == "all" else pareto(plan["rows"])
    out = []
    head = " ".join(h.rjust(w) if i not in (1,) else h.ljust(w)
                    for i, (h, w, _) in enumerate(COLUMNS)) + "  best"
    out.append(head)
    for r in rows:
        cells = []
        for i, (_, w, f) in enumerate(COLUMNS):
            s = f(r)
            cells.append(s.ljust(w) if i == 1 else s.rjust(w))
        marks = []
        if r["cut"] == plan["best_energy"]:
            marks.append("energy")
        if r["cut"] == plan["best_latency"]:
            marks.append("latency")
        tag = {"input": "send input", "result": "send result"}.get(r["kind"])
        line = " ".join(cells) + "  " + ",".join(marks)
        if tag:
            line += ("  " if marks else "") + "(" + tag + ")"
        out.append(line.rstrip())
    if any(not r["sendable"] for r in rows):
        out.append("(! = more fragments than the fragment format allows: not sendable)")
    if rows_mode != "all":
        out.append("(%d of %d cuts shown: those no other cut beats on both device MACs and "
                   "bytes; --rows all shows every cut)" % (len(rows), len(plan["rows"])))
    return "\n".join(out) + "\n"


# --- SVG --------------------------------------------------------------------------------

PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
           "#17becf", "#7f7f7f", "#bcbd22"]


def _nice_log_range(values):
    vals = [v for v in values if v > 0 and math.isfinite(v)]
    if not vals:
        return -1, 1
    lo = math.floor(math.log10(min(vals)))
    hi = math.ceil(math.log10(max(vals)))
    if hi <= lo:
        hi = lo + 1
    return lo, hi


def _fmt_tick(exp, unit):
    v = 10.0 ** exp
    if unit == "s":
        return fmt_time(v)
    if v >= 1000:
        return "%g J" % (v / 1000)
    if v >= 1:
        return "%g mJ" % v
    if v >= 1e-3:
        return "%g uJ" % (v * 1e3)
    return "%g nJ" % (v * 1e6)


def svg_plot(model_name, table, plans, title_note=""):
    """Device energy and latency per cut, one line per link, log y axes."""
    n = table["units"]
    width, left, right = 960, 90, 190
    panel_h, top, gap = 250, 84, 70
    height = top + 2 * panel_h + gap + 60
    plot_w = width - left - right
    parts = []
    parts.append('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
                 'viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">'
                 % (width, height, width, height))
    parts.append('<rect x="0" y="0" width="%d" height="%d" fill="white"/>' % (width, height))
    parts.append('<text x="%d" y="24" font-size="16" font-weight="bold">%s</text>'
                 % (left, escape("mote-split: %s - device energy and latency per cut" %
                                 model_name)))
    if title_note:
        parts.append('<text x="%d" y="42" fill="#555">%s</text>' % (left, escape(title_note)))

    def x_of(k):
        return left + (plot_w * k / float(n) if n else plot_w / 2.0)

    panels = [("device energy per inference (mJ, log)", "device_energy_j", 1e3, "mJ", top),
              ("latency per inference (log)", "latency_s", 1.0, "s", top + panel_h + gap)]
    for title, key, scale, unit, y0 in panels:
        values = [r[key] * scale for p in plans for r in p["rows"]]
        lo, hi = _nice_log_range(values)

        def y_of(v, lo=lo, hi=hi, y0=y0):
            v = max(v, 10.0 ** lo)
            return y0 + panel_h - panel_h * (math.log10(v) - lo) / float(hi - lo)
        parts.append('<text x="%d" y="%d" font-weight="bold">%s</text>'
                     % (left, y0 - 8, escape(title)))
        parts.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#888"/>'
                     % (left, y0, plot_w, panel_h))
        for e in range(lo, hi + 1):
            y = y_of(10.0 ** e)
            parts.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>'
                         % (left, y, left + plot_w, y))
            parts.append('<text x="%d" y="%.1f" text-anchor="end">%s</text>'
                         % (left - 6, y + 4, escape(_fmt_tick(e, unit) if unit == "s"
                                                      else _fmt_tick(e, "mJ"))))
        step = max(1, int(math.ceil(n / 20.0)))
        for k in range(0, n + 1):
            x = x_of(k)
            parts.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#888"/>'
                         % (x, y0 + panel_h, x, y0 + panel_h + 4))
            if k % step == 0 or k == n:
                parts.append('<text x="%.1f" y="%d" text-anchor="middle">%d</text>'
                             % (x, y0 + panel_h + 16, k))
        parts.append('<text x="%d" y="%d" text-anchor="middle" fill="#555">cut K (units on the '
                     'device; 0 = send the input, %d = send the result)</text>'
                     % (left + plot_w // 2, y0 + panel_h + 32, n))
        best_key = "best_energy" if key == "device_energy_j" else "best_latency"
        for i, p in enumerate(plans):
            color = PALETTE[i % len(PALETTE)]
            pts = " ".join("%.1f,%.1f" % (x_of(r["cut"]), y_of(r[key] * scale))
                           for r in p["rows"])
            parts.append('<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>'
                         % (pts, color))
            b = p["rows"][p[best_key]]
            parts.append('<circle cx="%.1f" cy="%.1f" r="5" fill="%s"><title>%s</title></circle>'
                         % (x_of(b["cut"]), y_of(b[key] * scale), color,
                            escape("%s best: K=%d" % (p["link"], b["cut"]))))
    # legend
    ly = top
    parts.append('<text x="%d" y="%d" font-weight="bold">links</text>'
                 % (left + plot_w + 16, ly))
    for i, p in enumerate(plans):
        color = PALETTE[i % len(PALETTE)]
        y = ly + 20 + 20 * i
        parts.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="3"/>'
                     % (left + plot_w + 16, y - 4, left + plot_w + 40, y - 4, color))
        parts.append('<text x="%d" y="%d">%s</text>' % (left + plot_w + 46, y, escape(p["link"])))
    parts.append('<text x="%d" y="%d" fill="#555">dot = best cut</text>'
                 % (left + plot_w + 16, ly + 30 + 20 * len(plans)))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
