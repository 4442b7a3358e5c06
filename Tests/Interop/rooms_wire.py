"""The room protocol's binary layouts (docs/room-protocol.md) in Python:
enough to decode snapshots, whiteboard and arena states, operation batches
and position deltas, and to encode inputs."""
import struct


class Reader:
    def __init__(self, data):
        self.data = bytes(data)
        self.pos = 0

    @property
    def at_end(self):
        return self.pos >= len(self.data)

    def take(self, n):
        if self.pos + n > len(self.data):
            raise ValueError("truncated")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def u8(self):
        return self.take(1)[0]

    def i8(self):
        return struct.unpack("<b", self.take(1))[0]

    def u16(self):
        return struct.unpack("<H", self.take(2))[0]

    def u32(self):
        return struct.unpack("<I", self.take(4))[0]

    def i32(self):
        return struct.unpack("<i", self.take(4))[0]

    def u64(self):
        return struct.unpack("<Q", self.take(8))[0]

    def varint(self):
        result, shift = 0, 0
        while True:
            byte = self.u8()
            result |= (byte & 0x7F) << shift
            if byte < 0x80:
                return result
            shift += 7

    def zigzag(self):
        v = self.varint()
        return (v >> 1) ^ -(v & 1)

    def blob(self):
        return self.take(self.varint())

    def string(self):
        return self.blob().decode("utf-8")

    def points(self):
        return [(self.u16(), self.u16()) for _ in range(self.varint())]


def varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def fnv1a64(data):
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


# ---- snapshots and operation batches ---------------------------------------

def decode_snapshot(data):
    r = Reader(data)
    assert r.u8() == 1, "snapshot format"
    snap = {"kind": r.string(), "logicVersion": r.varint(), "room": r.string(),
            "tick": r.varint(), "operationSequence": r.varint()}
    snap["members"] = [r.string() for _ in range(r.varint())]
    snap["state"] = r.blob()
    assert r.u64() == fnv1a64(snap["state"]), "snapshot state hash"
    assert r.at_end
    return snap


def decode_operations(data):
    r = Reader(data)
    out = []
    while not r.at_end:
        out.append((r.varint(), r.varint(), r.blob()))  # sequence, tick, payload
    return out


# ---- whiteboard -------------------------------------------------------------

def _stroke(r):
    return {"slot": r.varint(), "id": r.varint(), "color": r.u32(), "width": r.u8(), "points": r.points()}


def _shape(r):
    return {"id": r.varint(), "kind": r.u8(), "bounds": (r.u16(), r.u16(), r.u16(), r.u16()), "color": r.u32()}


def decode_whiteboard(data):
    r = Reader(data)
    members = {}
    for _ in range(r.varint()):
        slot, member, color = r.varint(), r.string(), r.u32()
        cursor = (r.u16(), r.u16()) if r.u8() else None
        members[slot] = {"id": member, "color": color, "cursor": cursor}
    strokes = [_stroke(r) for _ in range(r.varint())]
    open_strokes = [_stroke(r) for _ in range(r.varint())]
    shapes = {s["id"]: s for s in (_shape(r) for _ in range(r.varint()))}
    r.take(32)  # the PRNG
    assert r.at_end
    return {"members": members, "strokes": strokes, "open": open_strokes, "shapes": shapes}


def apply_whiteboard(doc, payload):
    """Applies one operation to a decoded document (as WhiteboardState.apply)."""
    r = Reader(payload)
    tag = r.u8()
    if tag == 0x01:
        slot, member, color = r.varint(), r.string(), r.u32()
        doc["members"][slot] = {"id": member, "color": color, "cursor": None}
    elif tag == 0x02:
        slot = r.varint()
        del doc["members"][slot]
        doc["open"] = [s for s in doc["open"] if s["slot"] != slot]
    elif tag == 0x03:
        doc["open"].append({"slot": r.varint(), "id": r.varint(), "color": r.u32(), "width": r.u8(), "points": []})
    elif tag == 0x04:
        slot, sid, points = r.varint(), r.varint(), r.points()
        _open(doc, slot, sid)["points"].extend(points)
    elif tag in (0x05, 0x06):
        slot, sid = r.varint(), r.varint()
        stroke = _open(doc, slot, sid)
        doc["open"].remove(stroke)
        if tag == 0x05:
            doc["strokes"].append(stroke)
    elif tag == 0x07:
        shape = _shape(r)
        doc["shapes"][shape["id"]] = shape
    elif tag == 0x08:
        sid = r.varint()
        doc["shapes"][sid]["bounds"] = (r.u16(), r.u16(), r.u16(), r.u16())
    elif tag == 0x09:
        del doc["shapes"][r.varint()]
    elif tag == 0x0A:
        doc["strokes"] = []
        doc["shapes"] = {}
    else:
        raise ValueError(f"unknown whiteboard operation {tag}")


def _open(doc, slot, sid):
    for stroke in doc["open"]:
        if stroke["slot"] == slot and stroke["id"] == sid:
            return stroke
    raise KeyError(f"no open stroke {slot}:{sid}")


def document(doc):
    """The document part (what operations carry), cursors left out."""
    return {
        "members": {slot: (m["id"], m["color"]) for slot, m in doc["members"].items()},
        "strokes": doc["strokes"], "open": doc["open"], "shapes": doc["shapes"],
    }


def cursor(x, y):
    return bytes([0x01]) + struct.pack("<HH", x, y)


def begin_stroke(sid, color=0x3366FF, width=3):
    return bytes([0x02]) + varint(sid) + struct.pack("<IB", color, width)


def append_points(sid, points):
    return bytes([0x03]) + varint(sid) + varint(len(points)) + b"".join(struct.pack("<HH", x, y) for x, y in points)


def end_stroke(sid):
    return bytes([0x04]) + varint(sid)


def add_shape(sid, kind, x0, y0, x1, y1, color=0x22AA22):
    return bytes([0x05]) + varint(sid) + struct.pack("<BHHHHI", kind, x0, y0, x1, y1, color)


# ---- arena --------------------------------------------------------------------

def decode_arena(data):
    r = Reader(data)
    players = {}
    for _ in range(r.varint()):
        slot, member = r.varint(), r.string()
        x, y, dx, dy, buttons, score = r.i32(), r.i32(), r.i8(), r.i8(), r.u8(), r.varint()
        players[slot] = {"member": member, "x": x, "y": y, "score": score}
    pickups = {}
    for _ in range(r.varint()):
        pid, x, y = r.varint(), r.i32(), r.i32()
        pickups[pid] = (x, y)
    return {"players": players, "pickups": pickups}


def move(dx, dy, buttons=0):
    return struct.pack("<Bbbb", 0x01, dx, dy, buttons)


# ---- position deltas ------------------------------------------------------------

class Mirror:
    """Holds the tables of recent ticks; applies each delta to the baseline
    it names and returns the tick to acknowledge (None for a stale one)."""

    def __init__(self, history=64):
        self.held = []  # [(tick, {id: (x, y)})]
        self.history = history

    @property
    def tick(self):
        return self.held[-1][0] if self.held else None

    @property
    def table(self):
        return self.held[-1][1] if self.held else {}

    def adopt(self, table, tick):
        self.held = [h for h in self.held if h[0] < tick] + [(tick, dict(table))]

    def receive(self, data):
        r = Reader(data)
        fmt, tick = r.u8(), r.varint()
        assert fmt in (1, 2), f"delta format {fmt}"
        baseline = tick - r.varint() if fmt == 2 else None
        if self.tick is not None and tick <= self.tick:
            return None
        if baseline is None:
            table = {}
        else:
            held = [t for k, t in self.held if k == baseline]
            assert held, f"missing baseline {baseline}"
            table = dict(held[0])
        for _ in range(r.varint()):
            key = r.varint()
            ident, op = key >> 2, key & 3
            if op == 0:
                table[ident] = (r.u16(), r.u16())
            elif op == 1:
                x, y = table[ident]
                table[ident] = (x + r.zigzag(), y + r.zigzag())
            elif op == 2:
                del table[ident]
            else:
                raise ValueError("unknown change op")
        assert r.at_end
        self.held.append((tick, table))
        self.held = self.held[-self.history:]
        return tick


def full_table_size(tick, table):
    """What sending the whole table as a full delta (format 0x01) would cost."""
    size = 1 + len(varint(tick)) + len(varint(len(table)))
    for ident in table:
        size += len(varint(ident << 2)) + 4
    return size
