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


# ArenaGeometry (arena rules, logicVersion 1) in grid units, the 1/16 unit of
# positions on the wire: the walls are not in a snapshot, they are the rules.
ARENA_LOGIC_VERSION = 1
ARENA_GRID = 4096 * 16
PLAYER_RADIUS = 24 * 16
WALLS = [tuple(v * 16 for v in wall) for wall in (
    (900, 900, 1200, 1200), (2896, 900, 3196, 1200), (900, 2896, 1200, 3196),
    (2896, 2896, 3196, 3196), (1848, 1948, 2248, 2148))]  # min x, min y, max x, max y
AXES = ((1, 0), (-1, 0), (0, 1), (0, -1))


def free_run(position, direction, others=(), slack=0):
    """How far (grid units) a player at `position` can go along `direction`
    (an axis) before an arena edge, a wall or another player (at `others`)
    could stop it. Conservative: a wall counts as its rectangle grown by the
    player radius on every side, a player as a square of twice that plus
    `slack` around its centre (rounded corners only let a player nearer),
    and a position may be anywhere in its grid unit."""
    r = PLAYER_RADIUS
    (dx, dy) = direction
    along, across = position if dx else position[::-1]
    forward = (dx or dy) > 0
    run = (ARENA_GRID - r - along) if forward else (along - r)
    # Obstacles as (low, high) along the axis where the centre stops, the
    # extent of the obstacle itself, and the band across the axis it blocks.
    obstacles = []
    for x0, y0, x1, y1 in WALLS:
        (lo, hi), (clo, chi) = ((x0, x1), (y0, y1)) if dx else ((y0, y1), (x0, x1))
        obstacles.append((lo - r, hi + r, lo, hi, clo - r, chi + r))
    for other in others:
        o_along, o_across = other if dx else other[::-1]
        reach = 2 * r + slack
        obstacles.append((o_along - reach, o_along + reach, o_along, o_along, o_across - reach, o_across + reach))
    # A quantized coordinate q stands for one in [q, q + 1).
    for stop_low, stop_high, low, high, band_low, band_high in obstacles:
        if not band_low - 1 < across < band_high:
            continue
        if forward and along < high:
            run = min(run, max(0, stop_low - along))
        elif not forward and along >= low:
            run = min(run, max(0, along - stop_high))
    return max(0, run - 1)


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
