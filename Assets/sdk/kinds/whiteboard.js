// The whiteboard kind on the client (room-engine.md §4.1): its inputs, its
// operations, its state, and the rules that apply an operation to the state
// exactly as WhiteboardState.apply does on the server (same order of
// members, strokes and shapes; same refusals), so every client's document
// equals the server's.
import { Reader, Writer } from '../binary.js';
import { RoomError } from '../errors.js';

/** Canvas units on both axes (coordinates are 0…4095). */
export const WHITEBOARD_SIZE = 4096;
/** Points per `appendPoints` input, at most. */
export const MAX_POINTS_PER_CHUNK = 256;
/** Shape kinds of `addShape`. */
export const ShapeKind = Object.freeze({ rectangle: 1, ellipse: 2, line: 3 });

/**
 * Encoders of the whiteboard's inputs: each returns the bytes of one
 * `input` (send them with `room.send`, or use `room.inputs`, which also
 * picks the volatile flag). Out-of-range values throw `RoomError('outOfRange')`.
 *
 * @example
 * room.send(WhiteboardInput.beginStroke(1, 0xe6194b, 6));
 * room.send(WhiteboardInput.cursor(100, 200), { volatile: true });
 */
export const WhiteboardInput = Object.freeze({
  cursor: (x, y) => new Writer().u8(0x01).u16(x).u16(y).done(),
  beginStroke: (id, color, width) => new Writer().u8(0x02).varint(id).u32(color).u8(width).done(),
  appendPoints: (id, points) => new Writer().u8(0x03).varint(id).points(points).done(),
  endStroke: (id) => new Writer().u8(0x04).varint(id).done(),
  addShape: (id, kind, from, to, color) => new Writer().u8(0x05).varint(id).u8(kind).point(from).point(to).u32(color).done(),
  moveShape: (id, from, to) => new Writer().u8(0x06).varint(id).point(from).point(to).done(),
  deleteShape: (id) => new Writer().u8(0x07).varint(id).done(),
  clear: () => new Uint8Array([0x08]),
});

function readStroke(r) {
  return { authorSlot: r.varint(), id: r.varint(), color: r.u32(), width: r.u8(), points: r.points() };
}

function readShape(r) {
  return { id: r.varint(), kind: r.u8(), from: r.point(), to: r.point(), color: r.u32() };
}

/**
 * Decodes the whiteboard's state bytes (a snapshot's `state`): members by
 * slot (with their cursor at the snapshot's tick), committed strokes in
 * commit order, open strokes, shapes by id.
 *
 * @param {Uint8Array} bytes
 */
export function decodeWhiteboardState(bytes) {
  const r = new Reader(bytes), state = { members: [], strokes: [], openStrokes: [], shapes: [] };
  for (let n = r.varint(); n > 0; n--) {
    const member = { slot: r.varint(), id: r.string(), color: r.u32() };
    member.cursor = r.u8() ? r.point() : null;
    state.members.push(member);
  }
  for (let n = r.varint(); n > 0; n--) state.strokes.push(readStroke(r));
  for (let n = r.varint(); n > 0; n--) state.openStrokes.push(readStroke(r));
  for (let n = r.varint(); n > 0; n--) state.shapes.push(readShape(r));
  return state;  // the room's random state follows; clients never need it
}

/**
 * Decodes one whiteboard operation payload into `{type, …}`.
 *
 * @param {Uint8Array} bytes
 */
export function decodeWhiteboardOperation(bytes) {
  const r = new Reader(bytes), tag = r.u8();
  let op;
  switch (tag) {
    case 0x01: op = { type: 'memberJoined', slot: r.varint(), member: r.string(), color: r.u32() }; break;
    case 0x02: op = { type: 'memberLeft', slot: r.varint() }; break;
    case 0x03: op = { type: 'strokeBegan', slot: r.varint(), id: r.varint(), color: r.u32(), width: r.u8() }; break;
    case 0x04: op = { type: 'pointsAppended', slot: r.varint(), id: r.varint(), points: r.points() }; break;
    case 0x05: op = { type: 'strokeCommitted', slot: r.varint(), id: r.varint() }; break;
    case 0x06: op = { type: 'strokeAbandoned', slot: r.varint(), id: r.varint() }; break;
    case 0x07: op = { type: 'shapeAdded', shape: readShape(r) }; break;
    case 0x08: op = { type: 'shapeMoved', id: r.varint(), from: r.point(), to: r.point() }; break;
    case 0x09: op = { type: 'shapeDeleted', id: r.varint() }; break;
    case 0x0a: op = { type: 'cleared' }; break;
    default: throw new RoomError('malformed', `unknown whiteboard operation ${tag}`);
  }
  r.end();
  return op;
}

const missing = (what) => new RoomError('unknownElement', `${what} not in the document`);
const taken = (what) => new RoomError('duplicateElement', `${what} already in the document`);

/**
 * Applies one decoded operation to a state from `decodeWhiteboardState`,
 * in place, by the server's rules. Throws `unknownElement` /
 * `duplicateElement` when the operation does not fit the state (the
 * client's document then differs from the server's).
 */
export function applyWhiteboardOperation(state, op) {
  const openIndex = (slot, id) => state.openStrokes.findIndex((s) => s.authorSlot === slot && s.id === id);
  switch (op.type) {
    case 'memberJoined': {
      if (state.members.some((m) => m.slot === op.slot || m.id === op.member)) throw taken(`member slot ${op.slot}`);
      insertSorted(state.members, { slot: op.slot, id: op.member, color: op.color, cursor: null }, (m) => m.slot);
      break;
    }
    case 'memberLeft': {
      const index = state.members.findIndex((m) => m.slot === op.slot);
      if (index < 0) throw missing(`member slot ${op.slot}`);
      state.members.splice(index, 1);
      state.openStrokes = state.openStrokes.filter((s) => s.authorSlot !== op.slot);
      break;
    }
    case 'strokeBegan':
      if (!state.members.some((m) => m.slot === op.slot)) throw missing(`member slot ${op.slot}`);
      if (openIndex(op.slot, op.id) >= 0) throw taken(`stroke ${op.id}`);
      state.openStrokes.push({ authorSlot: op.slot, id: op.id, color: op.color, width: op.width, points: [] });
      break;
    case 'pointsAppended': {
      const index = openIndex(op.slot, op.id);
      if (index < 0) throw missing(`stroke ${op.id}`);
      state.openStrokes[index].points.push(...op.points);
      break;
    }
    case 'strokeCommitted':
    case 'strokeAbandoned': {
      const index = openIndex(op.slot, op.id);
      if (index < 0) throw missing(`stroke ${op.id}`);
      const [stroke] = state.openStrokes.splice(index, 1);
      if (op.type === 'strokeCommitted') state.strokes.push(stroke);
      break;
    }
    case 'shapeAdded':
      if (state.shapes.some((s) => s.id === op.shape.id)) throw taken(`shape ${op.shape.id}`);
      insertSorted(state.shapes, { ...op.shape }, (s) => s.id);
      break;
    case 'shapeMoved': {
      const shape = state.shapes.find((s) => s.id === op.id);
      if (!shape) throw missing(`shape ${op.id}`);
      shape.from = op.from;
      shape.to = op.to;
      break;
    }
    case 'shapeDeleted': {
      const index = state.shapes.findIndex((s) => s.id === op.id);
      if (index < 0) throw missing(`shape ${op.id}`);
      state.shapes.splice(index, 1);
      break;
    }
    case 'cleared':
      state.strokes = [];
      state.shapes = [];
      break;
    default:
      throw new RoomError('malformed', `unknown whiteboard operation ${op.type}`);
  }
}

function insertSorted(array, value, key) {
  const index = array.findIndex((other) => key(other) > key(value));
  array.splice(index < 0 ? array.length : index, 0, value);
}

/**
 * The whiteboard as the SDK's rooms use it (a `RoomKind`): codecs, the
 * operation rules, and where members and cursors are in its state.
 */
export const whiteboardKind = Object.freeze({
  name: 'whiteboard',
  decodeState: decodeWhiteboardState,
  decodeOperation: decodeWhiteboardOperation,
  applyOperation: applyWhiteboardOperation,
  /** Cursors by slot, at the state's tick. */
  positions: (state) => new Map(state.members.filter((m) => m.cursor).map((m) => [m.slot, m.cursor])),
  /** `{slot, id}` by slot. */
  members: (state) => state.members.map((m) => ({ slot: m.slot, id: m.id })),
  inputs: Object.freeze({
    cursor: { encode: WhiteboardInput.cursor, volatile: true },
    beginStroke: { encode: WhiteboardInput.beginStroke },
    appendPoints: { encode: WhiteboardInput.appendPoints },
    endStroke: { encode: WhiteboardInput.endStroke },
    addShape: { encode: WhiteboardInput.addShape },
    moveShape: { encode: WhiteboardInput.moveShape },
    deleteShape: { encode: WhiteboardInput.deleteShape },
    clear: { encode: WhiteboardInput.clear },
  }),
});
