// The position mirror: the client half of room-engine.md §3.1. It keeps the
// tables of recent ticks and applies each delta to the baseline it names,
// so a lost delta or a late acknowledgement never needs a resync.
import { Reader } from './binary.js';
import { RoomError } from './errors.js';

/** How many recent tables are kept (the protocol says 64 are enough). */
export const MIRROR_HISTORY = 64;

/**
 * Applies position deltas (`delta` events) to tables of entity id → `{x, y}`
 * (whiteboard cursors on 0…4095, arena players on the 1/16-unit grid).
 * Tables are never mutated once held: each delta makes a new one.
 *
 * @example
 * const mirror = new PositionMirror();
 * mirror.adopt(new Map(), snapshot.tick);
 * const tick = mirror.receive(deltaBytes); // null: stale, ignore
 * if (tick !== null) draw(mirror.table);
 */
export class PositionMirror {
  /** @param {number} [history] tables kept, at least 1 */
  constructor(history = MIRROR_HISTORY) {
    this.history = Math.max(1, history);
    /** @type {{ tick: number, table: Map<number, {x: number, y: number}> }[]} */
    this.held = [];
  }

  /** The newest tick applied, or null before the first table. */
  get tick() { return this.held.length ? this.held[this.held.length - 1].tick : null; }

  /** The newest table (empty before the first). */
  get table() { return this.held.length ? this.held[this.held.length - 1].table : new Map(); }

  /** Forgets every table (a new membership starts from its snapshot). */
  reset() { this.held = []; }

  /**
   * Takes `table` as the positions at `tick` (a snapshot's): deltas may name
   * it as their baseline. Tables newer than `tick` are dropped.
   */
  adopt(table, tick) {
    this.held = this.held.filter((h) => h.tick < tick);
    this.held.push({ tick, table });
    if (this.held.length > this.history) this.held.shift();
  }

  /**
   * Applies one delta. Returns its tick (to acknowledge), or null when it is
   * not newer than the newest table (a late delta, ignored). Throws a
   * `RoomError` (`malformed`, `truncated`, or `unknownElement` for a baseline
   * no longer held) and keeps its tables unchanged.
   *
   * @param {Uint8Array} bytes
   * @returns {number | null}
   */
  receive(bytes) {
    const r = new Reader(bytes);
    const format = r.u8(), tick = r.varint();
    if (format !== 1 && format !== 2) throw new RoomError('malformed', `unknown delta format ${format}`);
    const baselineTick = format === 2 ? tick - r.varint() : null;
    if (this.tick !== null && tick <= this.tick) return null;
    let table;
    if (baselineTick === null) {
      table = new Map();
    } else {
      const held = this.held.find((h) => h.tick === baselineTick);
      if (!held) throw new RoomError('unknownElement', `delta ${tick} names baseline ${baselineTick}, not held`);
      table = new Map(held.table);
    }
    for (let n = r.varint(); n > 0; n--) {
      const key = r.varint(), id = Math.floor(key / 4), op = key % 4;
      if (op === 0) {
        table.set(id, r.point());
      } else if (op === 1) {
        const old = table.get(id);
        const dx = r.zigzag(), dy = r.zigzag();
        if (!old) throw new RoomError('unknownElement', `delta ${tick} moves entity ${id}, absent from its baseline`);
        table.set(id, { x: old.x + dx, y: old.y + dy });
      } else if (op === 2) {
        table.delete(id);
      } else {
        throw new RoomError('malformed', `unknown change op ${op}`);
      }
    }
    r.end();
    this.held.push({ tick, table });
    if (this.held.length > this.history) this.held.shift();
    return tick;
  }
}
