"""A small, bounds-checked reader for FlatBuffers binary data.

Only what a TFLite model needs: tables with scalar, string, vector and sub-table fields,
vectors of scalars / tables, and union type/value pairs.  Every access is checked against the
buffer size; violations raise FlatbufferError (converted to a one-line error by the CLI).

Wire format facts used here (FlatBuffers binary format):
  * offset 0: uoffset (u32, little-endian) to the root table; bytes 4..8: file identifier.
  * a table starts with a soffset (i32); its vtable lives at table_pos - soffset.
  * a vtable is u16 vtable_bytes, u16 table_bytes, then one u16 per field (0 = absent),
    each the field's offset from the table start.
  * references (tables, vectors, strings) are u32 offsets relative to where they are stored.
  * a vector / string is a u32 element count followed by the elements (strings add a NUL).
"""
import struct


class FlatbufferError(Exception):
    pass


_SCALARS = {
    "bool": ("<B", 1), "u8": ("<B", 1), "i8": ("<b", 1), "u16": ("<H", 2), "i16": ("<h", 2),
    "u32": ("<I", 4), "i32": ("<i", 4), "u64": ("<Q", 8), "i64": ("<q", 8),
    "f32": ("<f", 4), "f64": ("<d", 8),
}

# Sanity bound on any vector length we are willing to materialise as Python objects.
MAX_VECTOR_ELEMENTS = 1 << 26


class Buffer:
    def __init__(self, data):
        self.data = bytes(data)
        self.size = len(self.data)

    def check(self, pos, length, what):
        if pos < 0 or length < 0 or pos + length > self.size:
            raise FlatbufferError("%s at offset %d (+%d bytes) lies outside the %d-byte file"
                                  % (what, pos, length, self.size))

    def scalar(self, kind, pos, what="value"):
        fmt, n = _SCALARS[kind]
        self.check(pos, n, what)
        return struct.unpack_from(fmt, self.data, pos)[0]

    def deref(self, pos, what):
        """Follow the u32 offset stored at pos; returns the absolute target position."""
        off = self.scalar("u32", pos, what + " offset")
        target = pos + off
        if target >= self.size:
            raise FlatbufferError("%s offset at %d points to %d, beyond the %d-byte file"
                                  % (what, pos, target, self.size))
        return target

    def root(self, identifier=None):
        if self.size < 8:
            raise FlatbufferError("file too small to be a flatbuffer (%d bytes)" % self.size)
        if identifier is not None and self.data[4:8] != identifier:
            raise FlatbufferError("file identifier is %r, expected %r"
                                  % (self.data[4:8], identifier))
        return Table(self, self.deref(0, "root table"), "root table")


class Table:
    """A table at absolute position pos; fields addressed by their id (declaration order)."""

    def __init__(self, buf, pos, what="table"):
        self.buf = buf
        self.pos = pos
        self.what = what
        soff = buf.scalar("i32", pos, what + " vtable offset")
        self.vt = pos - soff
        buf.check(self.vt, 4, what + " vtable")
        self.vt_size = buf.scalar("u16", self.vt, what + " vtable size")
        self.tbl_size = buf.scalar("u16", self.vt + 2, what + " table size")
        if self.vt_size < 4 or self.vt_size % 2:
            raise FlatbufferError("%s has a malformed vtable (size %d)" % (what, self.vt_size))
        buf.check(self.vt, self.vt_size, what + " vtable")
        buf.check(pos, max(self.tbl_size, 4), what)

    def _field_pos(self, fid, width):
        slot = 4 + 2 * fid
        if slot + 2 > self.vt_size:
            return None
        off = self.buf.scalar("u16", self.vt + slot, self.what + " vtable entry")
        if off == 0:
            return None
        if off + width > self.tbl_size:
            raise FlatbufferError("%s field %d at +%d exceeds the table size %d"
                                  % (self.what, fid, off, self.tbl_size))
        return self.pos + off

    def has(self, fid):
        return self._field_pos(fid, 0) is not None

    def scalar(self, fid, kind, default=0):
        p = self._field_pos(fid, _SCALARS[kind][1])
        if p is None:
            return default
        return self.buf.scalar(kind, p, "%s field %d" % (self.what, fid))

    def _ref(self, fid, what):
        p = self._field_pos(fid, 4)
        if p is None:
            return None
        return self.buf.deref(p, what)

    def table(self, fid, what):
        p = self._ref(fid, what)
        if p is None:
            return None
        return Table(self.buf, p, what)

    def string(self, fid, what="string"):
        p = self._ref(fid, what)
        if p is None:
            return None
        n = self.buf.scalar("u32", p, what + " length")
        self.buf.check(p + 4, n, what)
        return self.buf.data[p + 4:p + 4 + n].decode("utf-8", "replace")

    def _vector(self, fid, elem_size, what):
        p = self._ref(fid, what)
        if p is None:
            return None, 0
        n = self.buf.scalar("u32", p, what + " length")
        if n > MAX_VECTOR_ELEMENTS:
            raise FlatbufferError("%s claims %d elements" % (what, n))
        self.buf.check(p + 4, n * elem_size, what)
        return p + 4, n

    def vector(self, fid, kind, what="vector"):
        """Vector of scalars as a Python list (None when the field is absent)."""
        fmt, size = _SCALARS[kind]
        start, n = self._vector(fid, size, what)
        if start is None:
            return None
        return list(struct.unpack_from("<%d%s" % (n, fmt[1]), self.buf.data, start))

    def bytes_vector(self, fid, what="byte vector"):
        start, n = self._vector(fid, 1, what)
        if start is None:
            return None
        return self.buf.data[start:start + n]

    def bytes_vector_pos(self, fid, what="byte vector"):
        """(absolute start, length) of a [ubyte] vector, or (None, 0)."""
        return self._vector(fid, 1, what)

    def tables(self, fid, what="table vector"):
        start, n = self._vector(fid, 4, what)
        if start is None:
            return None
        return [Table(self.buf, self.buf.deref(start + 4 * i, "%s[%d]" % (what, i)),
                      "%s[%d]" % (what, i)) for i in range(n)]
