// A snapshot sent in chunks (docs/room-protocol.md, "Large snapshots"):
// the join or rejoin answer announces `snapshotStream: {length, chunks}`,
// then `snapshot-chunk` events bring `{offset, total}` and the bytes.
import { asBytes } from './binary.js';
import { RoomError } from './errors.js';

/** The largest snapshot accepted in chunks by default: 32 MiB, twice the whiteboard's board limit. */
export const MAX_SNAPSHOT_BYTES = 32 * 1024 * 1024;

/**
 * Assembles one announced snapshot from its chunks, which must come in
 * order, back to back, without gaps or overlap, all of the announced
 * `total`; anything else throws `RoomError('malformed')` saying what was
 * wrong. A length over `limit` is refused before any byte is kept.
 *
 * @example
 * const assembly = new SnapshotAssembly(answer.snapshotStream.length);
 * const bytes = assembly.add({ offset: 0, total: 600000 }, chunk);  // null until complete
 */
export class SnapshotAssembly {
  /**
   * @param {number} length the announced length in bytes
   * @param {number} [limit] the largest length accepted
   */
  constructor(length, limit = MAX_SNAPSHOT_BYTES) {
    if (!Number.isSafeInteger(length) || length <= 0) throw new RoomError('malformed', `a snapshot stream of ${length} bytes`);
    if (length > limit) throw new RoomError('malformed', `a snapshot of ${length} bytes is over this client's limit of ${limit} (maxSnapshotBytes)`);
    this.length = length;
    this.bytes = new Uint8Array(length);
    this.received = 0;
  }

  /** Whether every byte arrived. */
  get complete() { return this.received === this.length; }

  /**
   * Adds one chunk; returns the whole snapshot once complete, else null.
   *
   * @param {{ offset: number, total: number }} header the event's first argument
   * @param {ArrayBuffer | ArrayBufferView} chunk its bytes
   * @returns {Uint8Array | null}
   */
  add(header, chunk) {
    const offset = header?.offset, total = header?.total;
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(total)) {
      throw new RoomError('malformed', 'a snapshot chunk without {offset, total}');
    }
    if (total !== this.length) throw new RoomError('malformed', `a snapshot chunk of a ${total}-byte snapshot in a stream of ${this.length} bytes`);
    if (offset !== this.received) throw new RoomError('malformed', `a snapshot chunk at offset ${offset}, where ${this.received} was expected`);
    const bytes = asBytes(chunk);
    if (bytes.length === 0) throw new RoomError('malformed', `an empty snapshot chunk at offset ${offset}`);
    if (bytes.length > this.length - offset) {
      throw new RoomError('malformed', `a snapshot chunk of ${bytes.length} bytes at offset ${offset} passes the end (${this.length})`);
    }
    this.bytes.set(bytes, offset);
    this.received += bytes.length;
    return this.complete ? this.bytes : null;
  }
}

/**
 * The snapshot chunks of one socket: `expect()` before each join or rejoin
 * request (so no chunk can arrive before anyone waits), `receive()` for
 * every `snapshot-chunk` event, `abandon()` when the connection drops.
 * `bytesOf(answer)` resolves with the answer's snapshot: the inline one,
 * or the assembled chunks of its `snapshotStream`.
 *
 * @example
 * const chunks = new SnapshotChunks();
 * socket.on('snapshot-chunk', (header, bytes, ack) => { ack?.(); chunks.receive(header, bytes); });
 * chunks.expect();
 * const answer = await ask(socket, 'join', [{ kind }]);
 * const bytes = await chunks.bytesOf(answer);
 */
export class SnapshotChunks {
  /** @param {number} [limit] the largest snapshot accepted */
  constructor(limit = MAX_SNAPSHOT_BYTES) {
    this.limit = limit;
    this.waiting = null;
  }

  /** Starts waiting for the chunks of the next answer (a previous wait fails). */
  expect() {
    this.abandon(new RoomError('malformed', 'a new request began before the snapshot stream ended'));
    const waiting = { assembly: null, result: null, error: null, resolve: null, reject: null };
    waiting.done = new Promise((resolve, reject) => { waiting.resolve = resolve; waiting.reject = reject; });
    waiting.done.catch(() => {});
    this.waiting = waiting;
  }

  /** A `snapshot-chunk` event. Chunks no one waits for are ignored. */
  receive(header, bytes) {
    const waiting = this.waiting;
    if (!waiting || waiting.error || waiting.result) return;
    try {
      if (!waiting.assembly) {
        // The answer's continuation has not run yet (chunks may be read in
        // the same turn as the answer): start from the chunk's total, and
        // check it against the announcement in `bytesOf`.
        waiting.assembly = new SnapshotAssembly(header?.total, this.limit);
      }
      const complete = waiting.assembly.add(header, bytes);
      if (complete) {
        waiting.result = complete;
        waiting.resolve(complete);
      }
    } catch (error) {
      this.fail(waiting, error);
    }
  }

  /**
   * The snapshot bytes of a join or rejoin answer.
   *
   * @param {any} answer
   * @returns {Promise<Uint8Array | ArrayBuffer | undefined>}
   */
  async bytesOf(answer) {
    const waiting = this.waiting;
    if (answer.snapshotStream === undefined) {
      this.waiting = null;
      return answer.snapshot;
    }
    const length = answer.snapshotStream?.length;
    if (!waiting) throw new RoomError('malformed', 'a snapshot stream no request expected');
    if (!waiting.assembly && !waiting.error) {
      try { waiting.assembly = new SnapshotAssembly(length, this.limit); } catch (error) { this.fail(waiting, error); }
    }
    if (waiting.assembly && waiting.assembly.length !== length) {
      this.fail(waiting, new RoomError('malformed', `chunks of a ${waiting.assembly.length}-byte snapshot after an announcement of ${length} bytes`));
    }
    try {
      return await waiting.done;
    } finally {
      if (this.waiting === waiting) this.waiting = null;
    }
  }

  /** The connection dropped (or a new request began): a stream in progress fails with `error`. */
  abandon(error) {
    if (this.waiting && !this.waiting.result) this.fail(this.waiting, error);
    this.waiting = null;
  }

  fail(waiting, error) {
    if (waiting.error || waiting.result) return;
    waiting.error = error;
    waiting.reject(error);
  }
}
