"""A tiny FlatBuffers writer for tests: builds synthetic .tflite files (stdlib only).

Objects are laid out front to back (root table first, children after their parents), which
keeps every uoffset positive as the format requires.
"""
import struct


class Vec:
    def __init__(self, kind, values):
        self.kind = kind          # 'u8' 'i8' 'i32' 'u32' 'f32' 'i64'
        self.values = list(values)


class Bytes:
    def __init__(self, data):
        self.data = bytes(data)


class Str:
    def __init__(self, s):
        self.s = s


class Table:
    def __init__(self, **fields):
        # fields: f<id>=(kind, value) for scalars, or f<id>=Table/Vec/Bytes/Str/list-of-Table
        self.fields = {int(k[1:]): v for k, v in fields.items()}


_FMT = {"u8": "B", "i8": "b", "bool": "B", "i32": "i", "u32": "I", "f32": "f", "i64": "q",
        "u64": "Q"}
_SIZE = {"u8": 1, "i8": 1, "bool": 1, "i32": 4, "u32": 4, "f32": 4, "i64": 8, "u64": 8}


class Builder:
    def __init__(self):
        self.buf = bytearray()

    def _align(self, n, extra=0):
        while (len(self.buf) + extra) % n:
            self.buf.append(0)

    def _patch(self, at, target):
        struct.pack_into("<I", self.buf, at, target - at)

    def obj(self, o):
        if isinstance(o, Table):
            return self.table(o)
        if isinstance(o, Vec):
            size = _SIZE[o.kind]
            self._align(max(size, 4), 4)
            pos = len(self.buf)
            self.buf += struct.pack("<I", len(o.values))
            self.buf += struct.pack("<%d%s" % (len(o.values), _FMT[o.kind]), *o.values)
            return pos
        if isinstance(o, Bytes):
            self._align(16, 4)
            pos = len(self.buf)
            self.buf += struct.pack("<I", len(o.data)) + o.data
            return pos
        if isinstance(o, Str):
            self._align(4)
            pos = len(self.buf)
            b = o.s.encode()
            self.buf += struct.pack("<I", len(b)) + b + b"\0"
            return pos
        if isinstance(o, list):    # vector of tables
            self._align(4)
            pos = len(self.buf)
            self.buf += struct.pack("<I", len(o))
            slots = []
            for _ in o:
                slots.append(len(self.buf))
                self.buf += b"\0\0\0\0"
            for slot, t in zip(slots, o):
                self._patch(slot, self.table(t))
            return pos
        raise TypeError(o)

    def table(self, t):
        ids = sorted(t.fields)
        nfields = (ids[-1] + 1) if ids else 0
        layout = {}
        off = 4
        for i in ids:
            v = t.fields[i]
            size = 4
            if isinstance(v, tuple) and _SIZE[v[0]] == 8:
                size = 8
            if size == 8 and off % 8:
                off += 4
            layout[i] = off
            off += size
        tbl_size = off
        self._align(4)
        vt = len(self.buf)
        self.buf += struct.pack("<HH", 4 + 2 * nfields, tbl_size)
        for i in range(nfields):
            self.buf += struct.pack("<H", layout.get(i, 0))
        self._align(8)
        pos = len(self.buf)
        self.buf += bytes(tbl_size)
        struct.pack_into("<i", self.buf, pos, pos - vt)
        refs = []
        for i in ids:
            v = t.fields[i]
            at = pos + layout[i]
            if isinstance(v, tuple):
                struct.pack_into("<" + _FMT[v[0]], self.buf, at, v[1])
            else:
                refs.append((at, v))
        for at, v in refs:
            self._patch(at, self.obj(v))
        return pos

    def finish(self, root, ident=b"TFL3"):
        self.buf = bytearray(8)
        self.buf[4:8] = ident
        pos = self.table(root)
        struct.pack_into("<I", self.buf, 0, pos)
        return bytes(self.buf)


# --- TFLite helpers ------------------------------------------------------------------------

INT8, FLOAT32, INT32, UINT8 = 9, 0, 2, 3


def tensor(shape, ttype=INT8, buffer=0, scale=None, zp=None, name="t", qdim=0):
    f = dict(f0=Vec("i32", shape), f1=("i8", ttype), f2=("u32", buffer), f3=Str(name))
    if scale is not None:
        scales = scale if isinstance(scale, list) else [scale]
        zps = zp if isinstance(zp, list) else [zp if zp is not None else 0] * len(scales)
        f["f4"] = Table(f2=Vec("f32", scales), f3=Vec("i64", zps), f6=("i32", qdim))
    return Table(**f)


def operator(opcode_index, inputs, outputs, options_type=0, options=None):
    f = dict(f0=("u32", opcode_index), f1=Vec("i32", inputs), f2=Vec("i32", outputs))
    if options_type:
        f["f3"] = ("u8", options_type)
        f["f4"] = options
    return Table(**f)


def opcode(code, version=1):
    return Table(f0=("i8", min(code, 127)), f2=("i32", version), f3=("i32", code))


def model(opcodes, tensors, ops, inputs, outputs, buffers):
    """buffers: list of bytes (index 0 should be b'')."""
    sg = Table(f0=tensors, f1=Vec("i32", inputs), f2=Vec("i32", outputs), f3=ops,
               f4=Str("main"))
    bufs = [Table(f0=Bytes(b)) if b else Table() for b in buffers]
    root = Table(f0=("u32", 3), f1=opcodes, f2=[sg], f3=Str("synthetic"), f4=bufs)
    return Builder().finish(root)
