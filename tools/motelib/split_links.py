"""Link profiles for mote-split: what it costs to move bytes off the device.

Numbers and their sources: docs/links.md.  Two kinds of link:

  lora  - airtime from the Semtech SX127x time-on-air formula, per LoRaWAN uplink
  rate  - airtime = bits on air / bit rate (NB-IoT, LTE-M, anything given in a JSON file)
"""
import json
import math

from . import ConvertError

# LoRaWAN EU868 (LoRaWAN Regional Parameters, EU863-870): DR -> (SF, bit rate b/s, max N)
# N = maximum application payload (FRMPayload) without FOpts, repeater compatible.
EU868_DR = {
    0: (12, 250, 51),
    1: (11, 440, 51),
    2: (10, 980, 51),
    3: (9, 1760, 115),
    4: (8, 3125, 222),
    5: (7, 5470, 222),
}
LORAWAN_OVERHEAD = 13   # MHDR 1 + DevAddr 4 + FCtrl 1 + FCnt 2 + FPort 1 + MIC 4
SX1276_TX_W = 0.087 * 3.3   # SX1276 IDDT at +17 dBm on PA_BOOST (87 mA), 3.3 V supply


def lora_symbol_time(sf, bw_hz):
    return (2 ** sf) / float(bw_hz)


def lora_ldro(sf, bw_hz):
    """Low data rate optimisation: mandated when a symbol lasts longer than 16 ms."""
    return lora_symbol_time(sf, bw_hz) > 0.016


def lora_payload_symbols(pl, sf, cr=1, crc=True, explicit_header=True, ldro=None, bw_hz=125000):
    """Number of payload symbols (SX1276 datasheet 4.1.1.7, AN1200.13)."""
    if ldro is None:
        ldro = lora_ldro(sf, bw_hz)
    de = 1 if ldro else 0
    ih = 0 if explicit_header else 1
    num = 8 * pl - 4 * sf + 28 + 16 * (1 if crc else 0) - 20 * ih
    den = 4 * (sf - 2 * de)
    return 8 + max(int(math.ceil(num / float(den))) * (cr + 4), 0)


def lora_time_on_air(pl, sf, bw_hz=125000, cr=1, preamble=8, crc=True, explicit_header=True,
                     ldro=None):
    """Seconds on air of one LoRa packet whose PHY payload is pl bytes.

    T = (n_preamble + 4.25) * Tsym + n_payload * Tsym,  Tsym = 2^SF / BW.
    cr is the coding-rate index (1 = 4/5 ... 4 = 4/8)."""
    ts = lora_symbol_time(sf, bw_hz)
    return (preamble + 4.25) * ts + lora_payload_symbols(pl, sf, cr, crc, explicit_header, ldro,
                                                         bw_hz) * ts


class Link:
    """A link profile.  Attributes (all plain numbers / strings):

    name, kind ('lora' | 'rate'), max_payload (application bytes per link frame),
    overhead_bytes (per link frame, on air), tx_power_w (radio supply power while sending),
    duty_cycle (fraction of time the device may send, 1.0 = no limit),
    per_message_energy_j / per_message_latency_s (fixed cost of one uplink session),
    bitrate (b/s; for 'lora' the nominal LoRaWAN rate, for information),
    sf, bw_hz, cr, preamble, crc, explicit_header, ldro (lora only), source (text).
    """

    FIELDS = ("name", "kind", "max_payload", "overhead_bytes", "tx_power_w", "duty_cycle",
              "per_message_energy_j", "per_message_latency_s", "bitrate", "sf", "bw_hz", "cr",
              "preamble", "crc", "explicit_header", "ldro", "description", "source")

    def __init__(self, **kw):
        self.name = kw.get("name")
        self.kind = kw.get("kind", "rate")
        self.max_payload = kw.get("max_payload")
        self.overhead_bytes = kw.get("overhead_bytes", 0)
        self.tx_power_w = kw.get("tx_power_w")
        self.duty_cycle = kw.get("duty_cycle", 1.0)
        self.per_message_energy_j = kw.get("per_message_energy_j", 0.0)
        self.per_message_latency_s = kw.get("per_message_latency_s", 0.0)
        self.bitrate = kw.get("bitrate")
        self.sf = kw.get("sf")
        self.bw_hz = kw.get("bw_hz", 125000)
        self.cr = kw.get("cr", 1)
        self.preamble = kw.get("preamble", 8)
        self.crc = kw.get("crc", True)
        self.explicit_header = kw.get("explicit_header", True)
        self.ldro = kw.get("ldro")
        self.description = kw.get("description", "")
        self.source = kw.get("source", "")
        self._check()

    def _check(self):
        def num(field, lo=None, integer=False, allow_zero=True):
            v = getattr(self, field)
            ok = isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
            if ok and integer:
                ok = float(v).is_integer()
            if ok and lo is not None:
                ok = v >= lo and (allow_zero or v > 0)
            if not ok:
                raise ConvertError("link %r: %s must be a%s number%s (got %r)"
                                   % (self.name, field, "n integer" if integer else "",
                                      "" if lo is None else " >= %s" % lo
                                      if allow_zero else " > %s" % lo, v))
        if not isinstance(self.name, str) or not self.name:
            raise ConvertError("link profile without a name")
        if self.kind not in ("lora", "rate"):
            raise ConvertError("link %r: kind must be 'lora' or 'rate'" % self.name)
        num("max_payload", 1, integer=True)
        num("overhead_bytes", 0, integer=True)
        num("tx_power_w", 0)
        num("duty_cycle", 0, allow_zero=False)
        if self.duty_cycle > 1:
            raise ConvertError("link %r: duty_cycle is a fraction in (0, 1]" % self.name)
        num("per_message_energy_j", 0)
        num("per_message_latency_s", 0)
        if self.kind == "rate":
            num("bitrate", 0, allow_zero=False)
        else:
            num("sf", 6, integer=True)
            if self.sf > 12:
                raise ConvertError("link %r: sf must be 6..12" % self.name)
            num("bw_hz", 0, allow_zero=False)
            num("cr", 1, integer=True)
            if self.cr > 4:
                raise ConvertError("link %r: cr is the coding-rate index 1..4 (4/5..4/8)"
                                   % self.name)
            num("preamble", 0, integer=True)
            if self.ldro is not None and not isinstance(self.ldro, bool):
                raise ConvertError("link %r: ldro must be true, false or absent (auto)"
                                   % self.name)
            if self.bitrate is None:
                # LoRa raw bit rate: SF * BW / 2^SF * 4 / (4 + CR)
                self.bitrate = self.sf * self.bw_hz / 2.0 ** self.sf * 4.0 / (4 + self.cr)

    def frame_airtime(self, payload):
        """Seconds on air for one link frame carrying `payload` application bytes."""
        on_air = payload + self.overhead_bytes
        if self.kind == "lora":
            return lora_time_on_air(on_air, self.sf, self.bw_hz, self.cr, self.preamble,
                                    self.crc, self.explicit_header, self.ldro)
        return on_air * 8.0 / self.bitrate

    def to_json(self):
        d = {f: getattr(self, f) for f in self.FIELDS}
        if self.kind != "lora":
            for f in ("sf", "bw_hz", "cr", "preamble", "crc", "explicit_header", "ldro"):
                d.pop(f)
        return d


def _lorawan(dr):
    sf, rate, n = EU868_DR[dr]
    return Link(name="lora-dr%d" % dr, kind="lora", max_payload=n,
                overhead_bytes=LORAWAN_OVERHEAD, tx_power_w=SX1276_TX_W, duty_cycle=0.01,
                bitrate=rate, sf=sf, bw_hz=125000, cr=1, preamble=8, crc=True,
                explicit_header=True, ldro=None,
                description="LoRaWAN EU868 DR%d (SF%d/125 kHz, %d b/s), max %d B payload, "
                            "1%% duty cycle" % (dr, sf, rate, n),
                source="LoRaWAN Regional Parameters EU863-870; SX1276 datasheet 4.1.1.7 "
                       "(time on air), Table 6 (TX current); ETSI EN 300 220 (1 %)")


def builtin_links():
    links = [_lorawan(dr) for dr in sorted(EU868_DR)]
    links.append(Link(
        name="nbiot", kind="rate", max_payload=1200, overhead_bytes=28,
        tx_power_w=0.220 * 3.6, duty_cycle=1.0, bitrate=62500,
        per_message_energy_j=0.0, per_message_latency_s=1.6,
        description="NB-IoT Cat-NB1 uplink 62.5 kb/s peak (multi-tone), ~1,200 B per "
                    "datagram, IPv4+UDP 28 B, 23 dBm",
        source="3GPP Rel-13 Cat-NB1 peak UL; u-blox SARA-N2 TX 220 mA at 23 dBm, 3.6 V; "
               "latency 1.6-10 s (Rel-13 target)"))
    links.append(Link(
        name="ltem", kind="rate", max_payload=1600, overhead_bytes=28,
        tx_power_w=0.115 * 3.7, duty_cycle=1.0, bitrate=1000000,
        per_message_energy_j=0.0, per_message_latency_s=0.015,
        description="LTE-M Cat-M1 uplink 1 Mb/s peak (FD-FDD), ~1,600 B per datagram, "
                    "IPv4+UDP 28 B, 23 dBm",
        source="3GPP Rel-13 Cat-M1 peak UL; nRF9160 PS: 115 mA at 23 dBm uplink, 3.7 V; "
               "latency 10-15 ms"))
    return links


def builtin_names():
    return [l.name for l in builtin_links()]


def get_builtin(name):
    for l in builtin_links():
        if l.name == name:
            return l
    aliases = {"nb-iot": "nbiot", "lte-m": "ltem", "catm1": "ltem", "nb1": "nbiot"}
    if name.lower() in aliases:
        return get_builtin(aliases[name.lower()])
    if name.lower().startswith("dr") and name[2:].isdigit():
        return get_builtin("lora-dr" + name[2:])
    raise ConvertError("unknown link %r (built in: %s; or use --link-file)"
                       % (name, ", ".join(builtin_names())))


def load_link_file(path):
    """A JSON file with one profile object, a list of them, or {"links": [...]}."""
    try:
        with open(path, "r", encoding="utf-8") as f:
            data = json.load(f)
    except OSError as e:
        raise ConvertError("cannot read %s: %s" % (path, e.strerror or e))
    except ValueError as e:
        raise ConvertError("%s is not valid JSON: %s" % (path, e))
    if isinstance(data, dict) and "links" in data:
        data = data["links"]
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not data:
        raise ConvertError("%s: expected a link object, a list of them or {\"links\": [...]}"
                           % path)
    out = []
    for i, d in enumerate(data):
        if not isinstance(d, dict):
            raise ConvertError("%s: link %d is not an object" % (path, i))
        unknown = sorted(set(d) - set(Link.FIELDS))
        if unknown:
            raise ConvertError("%s: link %r: unknown field(s) %s (known: %s)"
                               % (path, d.get("name", i), ", ".join(unknown),
                                  ", ".join(Link.FIELDS)))
        if "name" not in d:
            raise ConvertError("%s: link %d has no name" % (path, i))
        out.append(Link(**d))
    return out
