// The arena kind on the client (room-engine.md §4.2): its inputs, its
// operations, and the part of its state a client keeps current from
// operations (players, scores, pickups). Positions move every tick without
// operations: they come from the position mirror (`room.positions`).
import { Reader, Writer } from '../binary.js';
import { RoomError } from '../errors.js';

/** The arena's side on the 1/16-unit grid of deltas and pickups (4096 units × 16). */
export const ARENA_GRID = 65536;
/** Raw fixed-point positions (1/256 unit) shift right by this to the grid. */
export const ARENA_RAW_TO_GRID_SHIFT = 4;
/** Bit 0 of `move`'s buttons: dash (double speed). */
export const ARENA_DASH = 1;

/**
 * Encoders of the arena's inputs (`move` is volatile: the latest direction
 * persists until the next one; `emote` is reliable).
 *
 * @example
 * room.send(ArenaInput.move(1, 0, ARENA_DASH), { volatile: true });
 */
export const ArenaInput = Object.freeze({
  move: (dx, dy, buttons = 0) => new Writer().u8(0x01).i8(direction(dx)).i8(direction(dy)).u8(buttons).done(),
  emote: (code) => new Writer().u8(0x02).u8(code).done(),
});

function direction(v) {
  if (v !== -1 && v !== 0 && v !== 1) throw new RoomError('outOfRange', `a direction is -1, 0 or 1, not ${v}`);
  return v;
}

/**
 * Decodes the arena's state bytes: players by slot (position on the
 * 1/16-unit grid, and `raw` fixed point) and pickups by id (grid).
 *
 * @param {Uint8Array} bytes
 */
export function decodeArenaState(bytes) {
  const r = new Reader(bytes), state = { players: [], pickups: [] };
  for (let n = r.varint(); n > 0; n--) {
    const slot = r.varint(), member = r.string(), rawX = r.i32(), rawY = r.i32();
    const dx = r.i8(), dy = r.i8(), buttons = r.u8(), score = r.varint();
    state.players.push({ slot, member, x: rawX >> ARENA_RAW_TO_GRID_SHIFT, y: rawY >> ARENA_RAW_TO_GRID_SHIFT, raw: { x: rawX, y: rawY }, dx, dy, buttons, score });
  }
  for (let n = r.varint(); n > 0; n--) {
    const id = r.varint(), rawX = r.i32(), rawY = r.i32();
    state.pickups.push({ id, x: rawX >> ARENA_RAW_TO_GRID_SHIFT, y: rawY >> ARENA_RAW_TO_GRID_SHIFT });
  }
  return state;  // the pickup counters and the room's random state follow
}

/**
 * Decodes one arena operation payload into `{type, …}` (pickup positions
 * on the grid).
 *
 * @param {Uint8Array} bytes
 */
export function decodeArenaOperation(bytes) {
  const r = new Reader(bytes), tag = r.u8();
  let op;
  switch (tag) {
    case 0x01: op = { type: 'playerJoined', slot: r.varint(), member: r.string() }; break;
    case 0x02: op = { type: 'playerLeft', slot: r.varint() }; break;
    case 0x03: op = { type: 'pickupSpawned', id: r.varint(), x: r.u16(), y: r.u16() }; break;
    case 0x04: op = { type: 'pickupCollected', id: r.varint(), slot: r.varint(), score: r.varint() }; break;
    case 0x05: op = { type: 'emoted', slot: r.varint(), code: r.u8() }; break;
    default: throw new RoomError('malformed', `unknown arena operation ${tag}`);
  }
  r.end();
  return op;
}

/**
 * Applies one decoded operation to a state from `decodeArenaState`, in
 * place: players join and leave (a joiner's position is unknown until its
 * first delta: null), pickups spawn and are collected (the collector's
 * score set), emotes change nothing. Throws `unknownElement` /
 * `duplicateElement` when the operation does not fit the state.
 */
export function applyArenaOperation(state, op) {
  switch (op.type) {
    case 'playerJoined': {
      if (state.players.some((p) => p.slot === op.slot)) throw new RoomError('duplicateElement', `player slot ${op.slot}`);
      const player = { slot: op.slot, member: op.member, x: null, y: null, raw: null, dx: 0, dy: 0, buttons: 0, score: 0 };
      const index = state.players.findIndex((p) => p.slot > op.slot);
      state.players.splice(index < 0 ? state.players.length : index, 0, player);
      break;
    }
    case 'playerLeft': {
      const index = state.players.findIndex((p) => p.slot === op.slot);
      if (index < 0) throw new RoomError('unknownElement', `player slot ${op.slot}`);
      state.players.splice(index, 1);
      break;
    }
    case 'pickupSpawned': {
      if (state.pickups.some((p) => p.id === op.id)) throw new RoomError('duplicateElement', `pickup ${op.id}`);
      const index = state.pickups.findIndex((p) => p.id > op.id);
      state.pickups.splice(index < 0 ? state.pickups.length : index, 0, { id: op.id, x: op.x, y: op.y });
      break;
    }
    case 'pickupCollected': {
      const index = state.pickups.findIndex((p) => p.id === op.id);
      const player = state.players.find((p) => p.slot === op.slot);
      if (index < 0 || !player) throw new RoomError('unknownElement', `pickup ${op.id} or player slot ${op.slot}`);
      state.pickups.splice(index, 1);
      player.score = op.score;
      break;
    }
    case 'emoted':
      break;
    default:
      throw new RoomError('malformed', `unknown arena operation ${op.type}`);
  }
}

/**
 * The arena as the SDK's rooms use it (a `RoomKind`): codecs, the
 * operation rules, and where players and positions are in its state.
 */
export const arenaKind = Object.freeze({
  name: 'arena',
  decodeState: decodeArenaState,
  decodeOperation: decodeArenaOperation,
  applyOperation: applyArenaOperation,
  /** Player positions by slot on the grid, at the state's tick. */
  positions: (state) => new Map(state.players.filter((p) => p.x !== null).map((p) => [p.slot, { x: p.x, y: p.y }])),
  /** `{slot, id}` by slot. */
  members: (state) => state.players.map((p) => ({ slot: p.slot, id: p.member })),
  inputs: Object.freeze({
    move: { encode: ArenaInput.move, volatile: true },
    emote: { encode: ArenaInput.emote },
  }),
});
