// Operations in order: the client's half of "apply operations whose
// sequence is greater than the snapshot's operationSequence, in order"
// (docs/room-protocol.md, "Operations" and "Seats"). While the room waits
// for a snapshot or a rejoin answer, arriving operations are held
// (bounded); a duplicate is dropped; a skipped sequence is a gap, which
// only a fresh snapshot can repair.
import { RoomError } from './errors.js';

/** Operations held while the room waits for a snapshot or a rejoin answer, at most. */
export const HELD_OPERATIONS_LIMIT = 4096;

/**
 * Orders a room's operation stream.
 *
 * @example
 * const stream = new OperationStream();               // holding until a snapshot
 * stream.resume(snapshot.operationSequence);          // → held operations to apply
 * for (const op of decodeOperationBatch(bytes)) {
 *   const verdict = stream.accept(op);                // 'apply' | 'duplicate' | 'held' | 'gap'
 * }
 */
export class OperationStream {
  /** @param {number} [limit] operations held at most */
  constructor(limit = HELD_OPERATIONS_LIMIT) {
    this.limit = limit;
    /** The sequence of the last operation applied (null: no document yet). */
    this.last = null;
    this.holding = true;
    this.held = [];
    /** Set for a kind with member views (the answer's `views`): a skipped sequence is not a gap. */
    this.sequencesMaySkip = false;
  }

  /** The sequence the next operation must have, or null without a document. */
  get expected() { return this.last === null ? null : this.last + 1; }

  /** Holds what arrives from now on (a join or rejoin is under way); keeps `last`. */
  pause() { this.holding = true; this.held = []; }

  /** Forgets the document: the next `resume` comes with a snapshot. */
  reset() { this.pause(); this.last = null; }

  /**
   * The document is at `sequence` (a snapshot's `operationSequence`, or the
   * last one applied before a rejoin): returns `leading` (a rejoin answer's
   * operations) then the held operations, without duplicates, in order.
   * Throws `RoomError('operationGap')` when they do not continue `sequence`.
   *
   * @param {number} sequence
   * @param {{ sequence: number }[]} [leading]
   */
  resume(sequence, leading = []) {
    this.last = sequence;
    this.holding = false;
    const pending = [...leading, ...this.held];
    this.held = [];
    const out = [];
    for (const op of pending) {
      const verdict = this.accept(op);
      if (verdict === 'gap') throw gapError(this.last + 1, op.sequence);
      if (verdict === 'apply') out.push(op);
    }
    return out;
  }

  /**
   * Classifies one operation, advancing the stream when it is the next one:
   * `apply` (apply it now), `duplicate` (already in the document), `held`
   * (a join or rejoin is under way), `gap` (a sequence was skipped). Throws
   * `RoomError('queueFull')` when more than `limit` would be held.
   *
   * @param {{ sequence: number }} op
   * @returns {'apply' | 'duplicate' | 'held' | 'gap'}
   */
  accept(op) {
    if (this.holding) {
      if (this.held.length >= this.limit) throw new RoomError('queueFull', `more than ${this.limit} operations held`);
      this.held.push(op);
      return 'held';
    }
    if (op.sequence <= this.last) return 'duplicate';
    if (op.sequence !== this.last + 1 && !this.sequencesMaySkip) return 'gap';
    this.last = op.sequence;
    return 'apply';
  }
}

/** The error of a gap: which sequence was expected, which came. */
export function gapError(expected, got) {
  return new RoomError('operationGap', `expected operation ${expected}, got ${got}`);
}
