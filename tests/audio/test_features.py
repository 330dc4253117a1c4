#!/usr/bin/env python3
"""tests/audio: mote-features against TFLite Micro's microfrontend reference features
(MOTE_SHARED_DIR/models/frontend): the CMake-built program on the PCM of all 30 stems and on WAV
files written from it, the tools/mote-features wrapper (which builds and caches the same
program), and the one-line rejection of inputs the tool cannot take.

Usage: test_features.py PATH_TO_BUILT_mote-features  (exit 77 = skipped: no reference data)
Environment: MOTE_SHARED_DIR (../shared), MOTE_REPO (the source tree), CXX (the wrapper's compiler).
"""
import os
import re
import struct
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.environ.get("MOTE_REPO") or os.path.dirname(os.path.dirname(HERE))
SHARED = os.environ.get("MOTE_SHARED_DIR") or os.path.join(os.path.dirname(REPO), "shared")
DATA = os.path.join(SHARED, "models", "frontend")
WRAPPER = os.path.join(REPO, "tools", "mote-features")
PROGRAM = None  # set from argv

CONFIGS = {"mww": "microwakeword", "microspeech": "micro_speech",
           "microspeech_pre2296": "micro_speech_pre2296"}
INPUTS = ["lcg_seed1", "lcg_seed2", "lcglow_seed1", "lcglow_seed2", "chirp", "zeros",
          "wav_yes", "wav_no", "wav_noise", "wav_silence"]
ERROR_LINE = re.compile(r"^mote-features: error: \S.*\n$")


def read(path):
    with open(path, "rb") as f:
        return f.read()


def wav_bytes(pcm, rate=16000, channels=1, bits=16, tag=1, extra_chunks=b"", data_size=None,
              fmt_extension=b""):
    """A RIFF/WAVE file around `pcm`; the arguments make it wrong in one way at a time."""
    block = channels * bits // 8
    fmt = struct.pack("<HHIIHH", tag, channels, rate, rate * block, block, bits) + fmt_extension
    data_size = len(pcm) if data_size is None else data_size
    body = (b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + extra_chunks +
            b"data" + struct.pack("<I", data_size) + pcm)
    return b"RIFF" + struct.pack("<I", len(body)) + body


class Features(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="mote-features-test-")
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.dir, name)

    def run_tool(self, args, tool=None, env=None):
        cmd = [sys.executable, WRAPPER] if tool == "wrapper" else [PROGRAM]
        r = subprocess.run(cmd + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300,
                           env=env)
        return r.returncode, r.stdout.decode(), r.stderr.decode()

    def features(self, preset, source, int8=False, tool=None, env=None):
        out = self.path("out.bin")
        args = ["--preset", preset] + (["--int8"] if int8 else []) + [source, out]
        code, _, err = self.run_tool(args, tool, env)
        self.assertEqual(code, 0, err)
        self.assertEqual(err, "")
        return read(out)

    def test_pcm_all_stems(self):
        for config, preset in CONFIGS.items():
            for name in INPUTS:
                stem = os.path.join(DATA, "%s_%s" % (config, name))
                with self.subTest(stem=stem):
                    self.assertEqual(self.features(preset, stem + ".pcm"), read(stem + ".features.u16"))
                    self.assertEqual(self.features(preset, stem + ".pcm", int8=True),
                                     read(stem + ".features.i8"))

    def test_wav_inputs(self):
        stem = os.path.join(DATA, "mww_wav_yes")
        pcm = read(stem + ".pcm")
        variants = {
            "plain.wav": wav_bytes(pcm),
            # An odd-sized chunk (padded) before the data, and a name without .wav.
            "with_list.audio": wav_bytes(pcm, extra_chunks=b"LIST" + struct.pack("<I", 5) + b"INFOx\0"),
            # WAVE_FORMAT_EXTENSIBLE with the PCM sub-format GUID.
            "extensible.wav": wav_bytes(pcm, tag=0xFFFE, fmt_extension=struct.pack(
                "<HHIH", 22, 16, 4, 1) + bytes.fromhex("000000001000800000aa00389b71")),
        }
        for name, data in variants.items():
            with self.subTest(wav=name):
                with open(self.path(name), "wb") as f:
                    f.write(data)
                self.assertEqual(self.features("microwakeword", self.path(name)),
                                 read(stem + ".features.u16"))
                self.assertEqual(self.features("microwakeword", self.path(name), int8=True),
                                 read(stem + ".features.i8"))

    def check_rejected(self, args, phrase, tool=None, env=None):
        code, out, err = self.run_tool(args, tool, env)
        self.assertEqual(code, 1, err)
        self.assertEqual(out, "")
        self.assertRegex(err, ERROR_LINE)
        self.assertIn(phrase, err)

    def test_rejections(self):
        pcm = read(os.path.join(DATA, "mww_zeros.pcm"))[:3200]
        cases = {
            "junk.wav": (b"this is not audio at all", "not a RIFF/WAVE file"),
            "wrong_form.wav": (b"RIFF" + struct.pack("<I", 4) + b"AVI ", "not a RIFF/WAVE file"),
            "eight_bit.wav": (wav_bytes(pcm, bits=8), "8-bit samples; need 16-bit PCM"),
            "stereo.wav": (wav_bytes(pcm, channels=2), "2 channels; need mono"),
            "rate.wav": (wav_bytes(pcm, rate=44100), "sample rate 44100 Hz; need 16000 Hz"),
            "float.wav": (wav_bytes(pcm, bits=32, tag=3), "not PCM (format tag 3)"),
            "truncated.wav": (wav_bytes(pcm, data_size=len(pcm) + 100),
                              "truncated 'data' chunk: 3300 bytes declared, 3200 present"),
            "odd_data.wav": (wav_bytes(pcm[:-1]), "'data' chunk holds a partial sample"),
            "no_data.wav": (wav_bytes(b"")[:-8], "no 'data' chunk"),
            "short_fmt.wav": (b"RIFF" + struct.pack("<I", 16) + b"WAVEfmt " + struct.pack("<I", 4)
                              + b"\1\0\1\0", "'fmt ' chunk too short"),
            "odd.pcm": (b"\0\0\0", "raw PCM must be whole int16 samples (3 bytes)"),
        }
        for name, (data, phrase) in cases.items():
            with self.subTest(input=name):
                with open(self.path(name), "wb") as f:
                    f.write(data)
                self.check_rejected(["--preset", "microwakeword", self.path(name), self.path("o")], phrase)
                self.assertFalse(os.path.exists(self.path("o")))
        self.check_rejected(["--preset", "microwakeword", self.path("missing.pcm"), self.path("o")],
                            "cannot read")
        self.check_rejected(["--preset", "speech", self.path("odd.pcm"), self.path("o")],
                            "unknown preset 'speech'")
        self.check_rejected([self.path("odd.pcm"), self.path("o")], "--preset is required")
        self.check_rejected(["--preset", "micro_speech", self.path("odd.pcm")], "one input and one output")
        self.check_rejected(["--preset", "micro_speech", "--fast", "a", "b"], "unknown option --fast")

    def test_wrapper_builds_caches_and_runs(self):
        env = dict(os.environ, XDG_CACHE_HOME=self.path("cache"))
        stem = os.path.join(DATA, "microspeech_chirp")
        self.assertEqual(self.features("micro_speech", stem + ".pcm", tool="wrapper", env=env),
                         read(stem + ".features.u16"))
        built = [os.path.join(root, f) for root, _, files in os.walk(self.path("cache"))
                 for f in files if f == "mote-features"]
        self.assertEqual(len(built), 1)
        first_build = os.stat(built[0]).st_mtime_ns
        with open(self.path("chirp.wav"), "wb") as f:
            f.write(wav_bytes(read(stem + ".pcm")))
        self.assertEqual(self.features("micro_speech", self.path("chirp.wav"), int8=True,
                                       tool="wrapper", env=env), read(stem + ".features.i8"))
        self.assertEqual(os.stat(built[0]).st_mtime_ns, first_build)  # the cached program ran
        with open(self.path("stereo.wav"), "wb") as f:
            f.write(wav_bytes(read(stem + ".pcm"), channels=2))
        self.check_rejected(["--preset", "micro_speech", self.path("stereo.wav"), self.path("o")],
                            "2 channels; need mono", tool="wrapper", env=env)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: test_features.py PATH_TO_BUILT_mote-features [unittest args]")
    PROGRAM = os.path.abspath(sys.argv.pop(1))
    if not os.path.isfile(os.path.join(DATA, "tables_mww.json")):
        print("SKIPPED: no microfrontend reference data in %s" % DATA)
        sys.exit(77)
    unittest.main(verbosity=2)
