#!/usr/bin/env python3
"""tests/split: mote-split, the split planner (standard library unittest).

Parts:  python3 test_planner.py Airtime Fragments Planner Output   (no shared data needed)
        python3 test_planner.py RealModel                          (kws_dscnn_int8.tflite)
Environment: MOTE_SHARED_DIR (default ../shared), MOTE_REPO (the source tree), CXX (optional).
Exit 77 when every test that ran was skipped (ctest SKIP_RETURN_CODE).
"""
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.environ.get("MOTE_REPO") or os.path.dirname(os.path.dirname(HERE))
TOOLS = os.path.join(REPO, "tools")
SPLIT = os.path.join(TOOLS, "mote-split")
SHARED = os.environ.get("MOTE_SHARED_DIR") or os.path.join(os.path.dirname(REPO), "shared")
KWS = os.path.join(SHARED, "models", "kws_dscnn_int8.tflite")
sys.path.insert(0, TOOLS)

from motelib import ConvertError  # noqa: E402
from motelib import split_links as sl  # noqa: E402
from motelib import split_plan as sp  # noqa: E402
from motelib import split_report as sr  # noqa: E402


def run_split(args, timeout=300, env=None):
    r = subprocess.run([sys.executable, SPLIT] + args, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout, env=env)
    return r.returncode, r.stdout.decode(), r.stderr.decode()


class Airtime(unittest.TestCase):
    """Semtech SX1276 datasheet 4.1.1.7 / AN1200.13: T = (Npre + 4.25 + Npayload) * 2^SF / BW,
    Npayload = 8 + max(ceil((8 PL - 4 SF + 28 + 16 CRC - 20 IH) / (4 (SF - 2 DE))) (CR + 4), 0).
    Explicit header, CRC on, CR 4/5, 8 preamble symbols, 125 kHz unless stated."""

    def toa_ms(self, pl, sf, **kw):
        return sl.lora_time_on_air(pl, sf, **kw) * 1e3

    def test_sf7_20_bytes(self):
        # 12.25 * 1.024 ms + (8 + ceil(176 / 28) * 5) * 1.024 ms = 12.544 + 44.032
        self.assertAlmostEqual(self.toa_ms(20, 7), 56.576, places=6)

    def test_sf12_51_bytes(self):
        # LDRO on (32.768 ms symbols): 12.25 * Ts + (8 + ceil(404 / 40) * 5) * Ts
        self.assertAlmostEqual(self.toa_ms(51, 12), 2465.792, places=6)

    def test_published_examples(self):
        # rfwireless-world.com LoRaWAN airtime calculator, examples 1 and 2
        self.assertAlmostEqual(self.toa_ms(10, 7), 41.216, places=6)
        self.assertAlmostEqual(self.toa_ms(10, 11), 577.536, places=6)
        # AN1200.13 spreadsheet (Semtech formulas): SF9, 13 B, LDRO off -> 164.864 ms
        self.assertAlmostEqual(self.toa_ms(13, 9), 164.864, places=6)

    def test_lorawan_dr0_full_frame(self):
        # 51 B application payload + 13 B LoRaWAN overhead = 64 B PHY payload at SF12
        link = sl.get_builtin("lora-dr0")
        self.assertAlmostEqual(link.frame_airtime(51) * 1e3, 2793.472, places=6)

    def test_ldro_rule(self):
        self.assertTrue(sl.lora_ldro(12, 125000))
        self.assertTrue(sl.lora_ldro(11, 125000))
        self.assertFalse(sl.lora_ldro(10, 125000))
        self.assertFalse(sl.lora_ldro(12, 500000))
        # forcing LDRO off at SF12 shortens the packet
        self.assertLess(self.toa_ms(51, 12, ldro=False), self.toa_ms(51, 12))

    def test_monotonic_in_payload_and_sf(self):
        for sf in range(7, 13):
            last = 0
            for pl in range(0, 256):
                t = sl.lora_time_on_air(pl, sf)
                self.assertGreaterEqual(t, last)
                last = t
        for pl in (0, 13, 64, 255):
            ts = [sl.lora_time_on_air(pl, sf) for sf in range(7, 13)]
            self.assertEqual(ts, sorted(ts))

    def test_eu868_table(self):
        want = {0: (12, 51), 1: (11, 51), 2: (10, 51), 3: (9, 115), 4: (8, 222), 5: (7, 222)}
        for dr, (sf, n) in want.items():
            l = sl.get_builtin("lora-dr%d" % dr)
            self.assertEqual((l.sf, l.max_payload, l.overhead_bytes, l.duty_cycle),
                             (sf, n, 13, 0.01))
        self.assertEqual(sl.get_builtin("lora-dr0").bitrate, 250)
        self.assertEqual(sl.get_builtin("lora-dr5").bitrate, 5470)
        # ~1 mJ per bit at SF12 (DESIGN.md section 5)
        l = sl.get_builtin("lora-dr0")
        self.assertAlmostEqual(l.tx_power_w / l.bitrate * 1e3, 1.15, delta=0.1)

    def test_rate_link(self):
        l = sl.get_builtin("nbiot")
        self.assertAlmostEqual(l.frame_airtime(1200), (1200 + 28) * 8 / 62500.0)


class Fragments(unittest.TestCase):
    """include/mote/split/fragment.hpp: every frame travels as fragments of 4 B header + data +
    2 B check (6 B overhead), the data of all but the last fragment filling the MTU."""

    def test_fits(self):
        self.assertEqual(sp.fragments(40, 51), [48])   # 8 B of fragment overhead
        self.assertEqual(sp.fragments(43, 51), [51])
        self.assertEqual(sp.fragments(40, 51, always=False), [40])

    def test_split(self):
        self.assertEqual(sp.fragments(44, 51), [51, 9])
        self.assertEqual(len(sp.fragments(526, 51)), 13)        # KWS input frame at DR0
        self.assertEqual(len(sp.fragments(8036, 222)), 38)      # KWS interior frame at DR5
        self.assertEqual(len(sp.fragments(8036, 1200)), 7)      # ... on NB-IoT
        self.assertEqual(sp.fragments(100, 51, 3, always=False), [51, 51, 7])

    def test_properties(self):
        for mp in (51, 115, 222, 1200):
            for ov in (0, 3, 6):
                for always in (True, False):
                    for frame in list(range(1, 600)) + [8028, 27676]:
                        fr = sp.fragments(frame, mp, ov, always)
                        self.assertTrue(all(0 < s <= mp for s in fr))
                        if len(fr) == 1 and not always:
                            self.assertEqual(fr[0], frame)
                        else:
                            self.assertEqual(sum(s - ov for s in fr), frame)
                            self.assertEqual(len(fr), math.ceil(frame / float(mp - ov)))

    def test_overhead_too_big(self):
        with self.assertRaises(ConvertError):
            sp.fragments(100, 6, 6)


def synthetic_table():
    """4 units: a cheap first layer that shrinks 9,216 B to 96 B, a layer that grows it to
    4,000 B, an expensive last layer with a 4 B result, then a 0-MAC softmax."""
    cuts = [
        {"cut": 0, "device_macs": 0, "device_arena": 0, "device_weights": 0,
         "cut_bytes": 9216, "cut_shape": [48, 64, 3], "server_macs": 60000000},
        {"cut": 1, "device_macs": 100000, "device_arena": 9312, "device_weights": 500,
         "cut_bytes": 96, "cut_shape": [4, 4, 6], "server_macs": 59900000},
        {"cut": 2, "device_macs": 200000, "device_arena": 9312, "device_weights": 900,
         "cut_bytes": 4000, "cut_shape": [10, 10, 40], "server_macs": 59800000},
        {"cut": 3, "device_macs": 60000000, "device_arena": 12000, "device_weights": 90000,
         "cut_bytes": 4, "cut_shape": [1, 1, 4], "server_macs": 0},
        {"cut": 4, "device_macs": 60000000, "device_arena": 12000, "device_weights": 90000,
         "cut_bytes": 4, "cut_shape": [1, 1, 4], "server_macs": 0},
    ]
    return {"units": 4, "macs": 60000000, "input_bytes": 9216, "output_bytes": 4,
            "arena_bytes": 12000, "weight_bytes": 90000, "cuts": cuts,
            "unit_labels": ["Conv2D", "Conv2D", "Dense", "Softmax"]}


class Planner(unittest.TestCase):
    def setUp(self):
        self.table = sp.validate_cut_table(synthetic_table())
        self.dev = sp.Device(instructions_per_mac=3.0, energy_per_instruction_nj=1.0,
                             clock_mhz=100.0, stack_bytes=512, server_macs_per_s=1e9)

    def test_interior_cut_wins_on_fast_link(self):
        p = sp.plan_link(self.table, sl.get_builtin("ltem"), self.dev)
        # K=1: 0.3 mJ of compute + 124 B frame; K=4: 180 mJ of compute; K=0: 9,244 B
        self.assertEqual(p["best_energy"], 1)
        self.assertEqual(p["best_latency"], 1)
        r = p["rows"][1]
        self.assertEqual(r["device_instructions"], 300000)
        self.assertAlmostEqual(r["compute_energy_j"], 300000e-9)
        self.assertEqual(r["frame_bytes"], sp.FRAME_HEADER + 96 + sp.FRAME_CRC)
        self.assertEqual(r["fragments"], 1)
        self.assertEqual(r["on_air_bytes"], r["frame_bytes"] + sp.FRAGMENT_OVERHEAD + 28)
        self.assertEqual(r["device_ram"], 9216 + 9312 + 512 + 1600)

    def test_costs_add_up(self):
        link = sl.get_builtin("lora-dr3")
        p = sp.plan_link(self.table, link, self.dev)
        for r in p["rows"]:
            self.assertAlmostEqual(r["device_energy_j"],
                                   r["compute_energy_j"] + r["radio_energy_j"])
            self.assertAlmostEqual(r["radio_energy_j"], r["airtime_s"] * link.tx_power_w)
            frags = sp.fragments(r["frame_bytes"], link.max_payload)
            self.assertAlmostEqual(r["airtime_s"], sum(link.frame_airtime(s) for s in frags))
            self.assertEqual(r["on_air_bytes"], sum(frags) + 13 * len(frags))
            # duty cycle 1 %: a fragment of T seconds is followed by 99 T of silence
            self.assertAlmostEqual(r["duty_wait_s"],
                                   99 * sum(link.frame_airtime(s) for s in frags[:-1]))
            self.assertAlmostEqual(r["inferences_per_hour"], 36.0 / r["airtime_s"])

    def test_slow_radio_sends_result(self):
        p = sp.plan_link(self.table, sl.get_builtin("lora-dr0"), self.dev)
        # K=1 needs 4 DR0 frames (32 + 96 + 4 B in 43 B pieces) and 3 duty-cycle waits; the
        # whole model (180 mJ of compute) then one 37 B frame costs less energy and time.
        self.assertEqual(p["rows"][1]["fragments"], 4)
        self.assertEqual(p["rows"][4]["fragments"], 1)
        self.assertEqual(p["best_energy"], 4)

    def test_tie_prefers_not_splitting(self):
        # K=3 and K=4 cost the same (softmax has no MACs): K=4 (send the result) wins.
        p = sp.plan_link(self.table, sl.get_builtin("lora-dr0"), self.dev)
        self.assertEqual(p["rows"][3]["device_energy_j"], p["rows"][4]["device_energy_j"])
        self.assertEqual(p["best_energy"], 4)
        self.assertEqual(p["best_latency"], 4)

    def test_fragment_limit(self):
        fr = dict(sp.default_framing(), max_fragments=100)
        p = sp.plan_link(self.table, sl.get_builtin("lora-dr0"), self.dev, framing=fr)
        self.assertFalse(p["rows"][0]["sendable"])         # 9,248 B in 45 B pieces: 206
        self.assertTrue(p["rows"][2]["sendable"])
        v = "\n".join(sp.verdicts(self.table, sl.get_builtin("lora-dr0"), p, "syn"))
        self.assertIn("K=0 need more than 100 fragments", v)
        # an unsendable cut is never chosen, however cheap
        cheap = sl.Link(name="free", kind="rate", bitrate=1e12, max_payload=51, tx_power_w=0)
        p = sp.plan_link(self.table, cheap, self.dev, framing=fr)
        self.assertEqual(p["best_energy"], 1)
        self.assertEqual(p["best_latency"], 1)

    def test_compression_ratio(self):
        link = sl.get_builtin("nbiot")
        raw = sp.plan_link(self.table, link, self.dev)
        half = sp.plan_link(self.table, link, self.dev, compression_ratio=0.5)
        self.assertEqual(half["rows"][0]["payload_bytes"], 4608)
        self.assertEqual(half["rows"][3]["payload_bytes"], 2)
        self.assertLess(half["rows"][0]["airtime_s"], raw["rows"][0]["airtime_s"])

    def test_verdicts(self):
        link = sl.get_builtin("lora-dr0")
        p = sp.plan_link(self.table, link, self.dev)
        v = "\n".join(sp.verdicts(self.table, link, p, "syn"))
        self.assertIn("no cut that leaves work to the server fits one link frame", v)
        self.assertIn("do not split - run the whole model on the device", v)
        self.assertIn("duty cycle allows at most", v)

    def test_bad_tables(self):
        t = synthetic_table()
        t["cuts"].pop()
        with self.assertRaises(ConvertError):
            sp.validate_cut_table(t)
        t = synthetic_table()
        t["cuts"][2]["cut_bytes"] = -1
        with self.assertRaises(ConvertError):
            sp.validate_cut_table(t)

    def test_bench_lookup(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "results.json")
            with open(path, "w") as f:
                json.dump({"results": [
                    {"model": "m", "target": "an386", "opt": "-O2", "instructions": 1000,
                     "dense_macs": 100, "stack_peak": 300, "core": "M4F"},
                    {"model": "m", "target": "host", "opt": "-O2", "instructions": 50,
                     "dense_macs": 100, "wall_ms": 0.001}]}, f)
            b = sp.load_bench(path, "m", 100)
            self.assertEqual((b["instructions"], b["stack_peak"]), (1000, 300))
            dev = sp.Device(bench=b, total_macs=100)
            self.assertAlmostEqual(dev.instructions_per_mac, 10.0)
            self.assertEqual(dev.instructions(100), 1000)
            self.assertEqual(dev.stack_bytes, 300)
            # a row for a different model of the same name (other MAC count) is ignored
            self.assertIsNone(sp.load_bench(path, "m", 101))
            self.assertIsNone(sp.load_bench(os.path.join(d, "missing.json"), "m", 100))


class Output(unittest.TestCase):
    def test_cli_json_svg(self):
        with tempfile.TemporaryDirectory() as d:
            tab = os.path.join(d, "table.json")
            with open(tab, "w") as f:
                json.dump(synthetic_table(), f)
            link = os.path.join(d, "links.json")
            with open(link, "w") as f:
                json.dump({"links": [
                    {"name": "ble", "kind": "rate", "bitrate": 1000000, "max_payload": 244,
                     "overhead_bytes": 10, "tx_power_w": 0.015, "source": "example"},
                    {"name": "lora-sf9-250k", "kind": "lora", "sf": 9, "bw_hz": 250000,
                     "max_payload": 115, "overhead_bytes": 13, "tx_power_w": 0.29,
                     "duty_cycle": 0.01}]}, f)
            js, svg = os.path.join(d, "plan.json"), os.path.join(d, "plan.svg")
            rc, out, err = run_split(["--cut-table", tab, "--link", "lora-dr0", "--link",
                                      "nbiot", "--link-file", link, "--json", js, "--svg", svg,
                                      "--instructions-per-mac", "3", "--no-bench"])
            self.assertEqual(rc, 0, err)
            self.assertEqual(err, "")
            for name in ("lora-dr0", "nbiot", "ble", "lora-sf9-250k"):
                self.assertIn("== %s" % name, out)
            self.assertIn("(send input)", out)
            self.assertIn("(send result)", out)
            with open(js) as f:
                doc = json.load(f)
            self.assertEqual([p["link"] for p in doc["plans"]],
                             ["lora-dr0", "nbiot", "ble", "lora-sf9-250k"])
            for p in doc["plans"]:
                self.assertEqual(len(p["rows"]), 5)
                self.assertIn(p["best_energy"], range(5))
                for r in p["rows"]:
                    for k, v in r.items():
                        if isinstance(v, float):
                            self.assertTrue(math.isfinite(v), (k, v))
            self.assertEqual(doc["assumptions"]["instructions_per_mac"], 3.0)
            root = ET.parse(svg).getroot()
            self.assertTrue(root.tag.endswith("svg"))
            lines = root.findall("{http://www.w3.org/2000/svg}polyline")
            self.assertEqual(len(lines), 2 * 4)       # energy and latency, one per link
            for pl in lines:
                pts = [tuple(map(float, p.split(","))) for p in pl.get("points").split()]
                self.assertEqual(len(pts), 5)
                w, h = float(root.get("width")), float(root.get("height"))
                self.assertTrue(all(0 <= x <= w and 0 <= y <= h for x, y in pts))

    def test_pareto_rows(self):
        dev = sp.Device(instructions_per_mac=3.0, energy_per_instruction_nj=1.0)
        p = sp.plan_link(synthetic_table(), sl.get_builtin("ltem"), dev)
        kept = [r["cut"] for r in sr.pareto(p["rows"])]
        self.assertEqual(kept, [0, 1, 3, 4])      # K=2 is beaten by K=1 on MACs and bytes

    def test_errors_are_one_line(self):
        with tempfile.TemporaryDirectory() as d:
            bad = os.path.join(d, "bad.json")
            with open(bad, "w") as f:
                json.dump({"name": "x", "kind": "rate", "bitrate": 0, "max_payload": 10,
                           "tx_power_w": 1}, f)
            tab = os.path.join(d, "t.json")
            with open(tab, "w") as f:
                json.dump(synthetic_table(), f)
            cases = [["--cut-table", tab, "--link", "nope"],
                     ["--cut-table", tab, "--link-file", bad],
                     ["--cut-table", tab, "--link-file", os.path.join(d, "missing.json")],
                     ["--cut-table", tab, "--compression-ratio", "7"],
                     [os.path.join(d, "missing.tflite")],
                     []]
            for args in cases:
                rc, out, err = run_split(args)
                self.assertEqual(rc, 1, args)
                self.assertRegex(err, r"^mote-split: error: \S[^\n]*\n$")
                self.assertNotIn("Traceback", err)


@unittest.skipUnless(os.path.exists(KWS), "kws_dscnn_int8.tflite not found in %s" % SHARED)
@unittest.skipUnless(os.environ.get("CXX") or shutil.which("c++") or shutil.which("g++"),
                     "no C++ compiler")
class RealModel(unittest.TestCase):
    def test_kws(self):
        with tempfile.TemporaryDirectory() as d:
            js = os.path.join(d, "kws.json")
            svg = os.path.join(d, "kws.svg")
            rc, out, err = run_split([KWS, "--json", js, "--svg", svg, "--cache-dir", d,
                                      "--link", "lora-dr0", "--link", "lora-dr5",
                                      "--link", "nbiot", "--link", "ltem"], timeout=600)
            self.assertEqual(rc, 0, err)
            with open(js) as f:
                doc = json.load(f)
            ET.parse(svg)
        m = doc["model"]
        # the library's own figures (same as mote-convert --summary)
        self.assertEqual((m["units"], m["macs"], m["input_bytes"], m["output_bytes"]),
                         (13, 2656768, 490, 12))
        cuts = doc["cut_table"]
        self.assertEqual(cuts[0]["cut_bytes"], 490)
        self.assertEqual(cuts[1]["cut_bytes"], 8000)
        self.assertEqual(cuts[1]["cut_shape"], [25, 5, 64])
        self.assertEqual(cuts[13]["device_macs"], 2656768)
        plans = {p["link"]: p for p in doc["plans"]}
        # LoRaWAN: send only the result; no cut that leaves work to the server fits 51 B
        dr0 = plans["lora-dr0"]
        self.assertEqual(dr0["best_energy"], 13)
        self.assertEqual(dr0["best_latency"], 13)
        fr = doc["assumptions"]["framing"]
        frame = fr["frame_header"] + 12 + fr["frame_crc"]
        self.assertEqual(dr0["rows"][13]["frame_bytes"], frame)
        # the 12 B result as a 48 B tensor frame, with 8 B per fragment, takes two 51 B fragments
        # (LoRaWAN users send result.hpp's 14 B top-k frame instead)
        result_frags = sp.fragments(frame, 51, fr["fragment_overhead"], fr["always_fragment"])
        self.assertEqual(len(result_frags), 2)
        self.assertEqual(dr0["rows"][13]["fragments"], 2)
        self.assertEqual(dr0["rows"][0]["fragments"],
                         len(sp.fragments(fr["frame_header"] + 490 + fr["frame_crc"], 51,
                                          fr["fragment_overhead"], fr["always_fragment"])))
        self.assertTrue(any("no cut that leaves work to the server fits one link frame" in v
                            for v in dr0["verdicts"]))
        self.assertTrue(any("do not split" in v for v in dr0["verdicts"]))
        # each fragment + 13 B LoRaWAN overhead, at SF12
        self.assertAlmostEqual(dr0["rows"][13]["airtime_s"],
                               sum(sl.lora_time_on_air(f + 13, 12) for f in result_frags))
        self.assertIn("== lora-dr0", out)


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
