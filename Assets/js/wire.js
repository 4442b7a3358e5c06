// The room protocol's binary layouts (docs/room-protocol.md), in the browser:
// little-endian integers, LEB128 varints, zigzag, length-prefixed strings.

export class Reader {
  constructor(bytes) {
    this.bytes = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    this.offset = 0;
  }
  get atEnd() { return this.offset >= this.bytes.length; }
  need(n) { if (this.offset + n > this.bytes.length) throw new Error('truncated'); }
  u8() { this.need(1); return this.bytes[this.offset++]; }
  i8() { const v = this.u8(); return v > 127 ? v - 256 : v; }
  u16() { this.need(2); const v = this.view.getUint16(this.offset, true); this.offset += 2; return v; }
  u32() { this.need(4); const v = this.view.getUint32(this.offset, true); this.offset += 4; return v; }
  i32() { this.need(4); const v = this.view.getInt32(this.offset, true); this.offset += 4; return v; }
  u64() { this.need(8); const v = this.view.getBigUint64(this.offset, true); this.offset += 8; return v; }
  varint() {
    let result = 0, scale = 1;
    for (;;) {
      const byte = this.u8();
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
      if (scale > 2 ** 63) throw new Error('varint too long');
    }
  }
  zigzag() { const v = this.varint(); return v % 2 === 0 ? v / 2 : -(v + 1) / 2; }
  raw(n) { this.need(n); const out = this.bytes.subarray(this.offset, this.offset + n); this.offset += n; return out; }
  lengthPrefixed() { return this.raw(this.varint()); }
  string() { return new TextDecoder().decode(this.lengthPrefixed()); }
  points() {
    const n = this.varint(), out = [];
    for (let i = 0; i < n; i++) out.push({ x: this.u16(), y: this.u16() });
    return out;
  }
}

export class Writer {
  constructor() { this.bytes = []; }
  u8(v) { this.bytes.push(v & 0xff); return this; }
  u16(v) { return this.u8(v).u8(v >> 8); }
  u32(v) { return this.u16(v & 0xffff).u16((v >>> 16) & 0xffff); }
  varint(v) {
    while (v >= 0x80) { this.u8((v % 128) | 0x80); v = Math.floor(v / 128); }
    return this.u8(v);
  }
  points(points) { this.varint(points.length); for (const p of points) this.u16(p.x).u16(p.y); return this; }
  done() { return new Uint8Array(this.bytes); }
}

// ---- Snapshots and operation batches -------------------------------------

export function decodeSnapshot(bytes) {
  const r = new Reader(bytes);
  if (r.u8() !== 1) throw new Error('unknown snapshot format');
  const snapshot = { kind: r.string(), logicVersion: r.varint(), roomID: r.string(), tick: r.varint(), operationSequence: r.varint() };
  const members = [];
  for (let n = r.varint(); n > 0; n--) members.push(r.string());
  snapshot.members = members;
  snapshot.state = r.lengthPrefixed();
  r.u64(); // FNV-1a-64 of the state bytes
  return snapshot;
}

export function decodeOperationBatch(bytes) {
  const r = new Reader(bytes), out = [];
  while (!r.atEnd) out.push({ sequence: r.varint(), tick: r.varint(), payload: r.lengthPrefixed() });
  return out;
}

// ---- Whiteboard ------------------------------------------------------------

function readStroke(r) {
  return { authorSlot: r.varint(), id: r.varint(), color: r.u32(), width: r.u8(), points: r.points() };
}

function readShape(r) {
  return { id: r.varint(), kind: r.u8(), from: { x: r.u16(), y: r.u16() }, to: { x: r.u16(), y: r.u16() }, color: r.u32() };
}

export function decodeWhiteboardState(bytes) {
  const r = new Reader(bytes), state = { members: [], strokes: [], openStrokes: [], shapes: [] };
  for (let n = r.varint(); n > 0; n--) {
    const member = { slot: r.varint(), id: r.string(), color: r.u32() };
    member.cursor = r.u8() ? { x: r.u16(), y: r.u16() } : null;
    state.members.push(member);
  }
  for (let n = r.varint(); n > 0; n--) state.strokes.push(readStroke(r));
  for (let n = r.varint(); n > 0; n--) state.openStrokes.push(readStroke(r));
  for (let n = r.varint(); n > 0; n--) state.shapes.push(readShape(r));
  return state;
}

export function decodeWhiteboardOperation(bytes) {
  const r = new Reader(bytes), tag = r.u8();
  switch (tag) {
    case 0x01: return { type: 'memberJoined', slot: r.varint(), member: r.string(), color: r.u32() };
    case 0x02: return { type: 'memberLeft', slot: r.varint() };
    case 0x03: return { type: 'strokeBegan', slot: r.varint(), id: r.varint(), color: r.u32(), width: r.u8() };
    case 0x04: return { type: 'pointsAppended', slot: r.varint(), id: r.varint(), points: r.points() };
    case 0x05: return { type: 'strokeCommitted', slot: r.varint(), id: r.varint() };
    case 0x06: return { type: 'strokeAbandoned', slot: r.varint(), id: r.varint() };
    case 0x07: return { type: 'shapeAdded', shape: readShape(r) };
    case 0x08: return { type: 'shapeMoved', id: r.varint(), from: { x: r.u16(), y: r.u16() }, to: { x: r.u16(), y: r.u16() } };
    case 0x09: return { type: 'shapeDeleted', id: r.varint() };
    case 0x0a: return { type: 'cleared' };
    default: throw new Error('unknown whiteboard operation ' + tag);
  }
}

export const WhiteboardInput = {
  cursor: (x, y) => new Writer().u8(0x01).u16(x).u16(y).done(),
  beginStroke: (id, color, width) => new Writer().u8(0x02).varint(id).u32(color).u8(width).done(),
  appendPoints: (id, points) => new Writer().u8(0x03).varint(id).points(points).done(),
  endStroke: (id) => new Writer().u8(0x04).varint(id).done(),
  addShape: (id, kind, from, to, color) =>
    new Writer().u8(0x05).varint(id).u8(kind).u16(from.x).u16(from.y).u16(to.x).u16(to.y).u32(color).done(),
  moveShape: (id, from, to) => new Writer().u8(0x06).varint(id).u16(from.x).u16(from.y).u16(to.x).u16(to.y).done(),
  deleteShape: (id) => new Writer().u8(0x07).varint(id).done(),
  clear: () => new Uint8Array([0x08]),
};

// ---- Arena -----------------------------------------------------------------

export function decodeArenaState(bytes) {
  const r = new Reader(bytes), state = { players: [], pickups: [] };
  for (let n = r.varint(); n > 0; n--) {
    state.players.push({ slot: r.varint(), member: r.string(), x: r.i32(), y: r.i32(), dx: r.i8(), dy: r.i8(), buttons: r.u8(), score: r.varint() });
  }
  for (let n = r.varint(); n > 0; n--) state.pickups.push({ id: r.varint(), x: r.i32(), y: r.i32() });
  return state;
}

export function decodeArenaOperation(bytes) {
  const r = new Reader(bytes), tag = r.u8();
  switch (tag) {
    case 0x01: return { type: 'playerJoined', slot: r.varint(), member: r.string() };
    case 0x02: return { type: 'playerLeft', slot: r.varint() };
    case 0x03: return { type: 'pickupSpawned', id: r.varint(), x: r.u16(), y: r.u16() };
    case 0x04: return { type: 'pickupCollected', id: r.varint(), slot: r.varint(), score: r.varint() };
    case 0x05: return { type: 'emoted', slot: r.varint(), code: r.u8() };
    default: throw new Error('unknown arena operation ' + tag);
  }
}

export const ArenaInput = {
  move: (dx, dy, buttons) => new Uint8Array([0x01, dx & 0xff, dy & 0xff, buttons]),
  emote: (code) => new Uint8Array([0x02, code]),
};

// ---- Position deltas -------------------------------------------------------

// Keeps the tables of recent ticks and applies each delta to the baseline it
// names, like PositionDeltaMirror on the server side of the tests.
export class PositionMirror {
  constructor(history = 64) { this.history = history; this.held = []; }
  get tick() { return this.held.length ? this.held[this.held.length - 1].tick : null; }
  get table() { return this.held.length ? this.held[this.held.length - 1].table : new Map(); }
  adopt(table, tick) {
    this.held = this.held.filter((h) => h.tick < tick);
    this.held.push({ tick, table });
  }
  // Returns the tick to acknowledge, or null for a stale delta.
  receive(bytes) {
    const r = new Reader(bytes), format = r.u8(), tick = r.varint();
    if (format !== 1 && format !== 2) throw new Error('unknown delta format');
    const baselineTick = format === 2 ? tick - r.varint() : null;
    if (this.tick !== null && tick <= this.tick) return null;
    let table;
    if (baselineTick === null) {
      table = new Map();
    } else {
      const held = this.held.find((h) => h.tick === baselineTick);
      if (!held) throw new Error('missing baseline ' + baselineTick);
      table = new Map(held.table);
    }
    for (let n = r.varint(); n > 0; n--) {
      const key = r.varint(), id = Math.floor(key / 4), op = key % 4;
      if (op === 0) table.set(id, { x: r.u16(), y: r.u16() });
      else if (op === 1) { const old = table.get(id), dx = r.zigzag(), dy = r.zigzag(); table.set(id, { x: old.x + dx, y: old.y + dy }); }
      else if (op === 2) table.delete(id);
      else throw new Error('unknown change op');
    }
    this.held.push({ tick, table });
    if (this.held.length > this.history) this.held.shift();
    return tick;
  }
}
