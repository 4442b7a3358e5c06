// Snapshots and operation batches, the two reliable binary values of the
// room protocol (docs/room-protocol.md, "Snapshot" and "Operations").
import { Reader } from './binary.js';
import { RoomError } from './errors.js';

/**
 * @typedef {object} Snapshot
 * @property {string} kind
 * @property {number} logicVersion
 * @property {string} roomID
 * @property {number} tick               the tick the state is at
 * @property {number} operationSequence  the last operation already in the state
 * @property {string[]} members          member ids in join order
 * @property {Uint8Array} state          the kind's state bytes
 * @property {string} stateHash          FNV-1a-64 of the state, 16 hex digits
 */

/**
 * Decodes a snapshot (a join answer's `snapshot`, a replay frame) and checks
 * its state hash: a mismatch throws `RoomError('hashMismatch')`.
 *
 * @param {ArrayBuffer | ArrayBufferView} bytes
 * @returns {Snapshot}
 */
export function decodeSnapshot(bytes) {
  const r = new Reader(bytes);
  const format = r.u8();
  if (format !== 1) throw new RoomError('malformed', `unknown snapshot format ${format}`);
  const snapshot = { kind: r.string(), logicVersion: r.varint(), roomID: r.string(), tick: r.varint(), operationSequence: r.varint() };
  const members = [];
  for (let n = r.varint(); n > 0; n--) members.push(r.string());
  snapshot.members = members;
  snapshot.state = r.lengthPrefixed();
  const { hi, lo } = r.u64();
  r.end();
  const actual = fnv1a64(snapshot.state);
  if (actual.hi !== hi || actual.lo !== lo) throw new RoomError('hashMismatch', 'the snapshot state does not match its hash');
  snapshot.stateHash = hex64(hi, lo);
  return snapshot;
}

/**
 * @typedef {object} SequencedOperation
 * @property {number} sequence  room-wide, 1, 2, 3 … without gaps
 * @property {number} tick      the tick that produced it
 * @property {Uint8Array} payload the kind's operation bytes
 */

/**
 * Splits one `ops` attachment into its sequenced operations.
 *
 * @param {ArrayBuffer | ArrayBufferView} bytes
 * @returns {SequencedOperation[]}
 */
export function decodeOperationBatch(bytes) {
  const r = new Reader(bytes), out = [];
  while (!r.atEnd) out.push({ sequence: r.varint(), tick: r.varint(), payload: r.lengthPrefixed() });
  return out;
}

/**
 * 64-bit FNV-1a (offset basis 0xcbf29ce484222325, prime 0x100000001b3) of
 * `bytes`, as 32-bit halves: the state hash of room-engine.md §5, computed
 * without BigInt.
 *
 * @param {Uint8Array} bytes
 * @returns {{ hi: number, lo: number }}
 */
export function fnv1a64(bytes) {
  let hi = 0xcbf29ce4, lo = 0x84222325;
  for (let i = 0; i < bytes.length; i++) {
    lo ^= bytes[i];
    lo >>>= 0;
    // (hi·2^32 + lo) · (2^40 + 0x1b3) mod 2^64
    const low = lo * 0x1b3;
    const carry = Math.floor(low / 0x100000000);
    hi = (Math.imul(hi, 0x1b3) + carry + (lo << 8)) >>> 0;
    lo = low >>> 0;
  }
  return { hi, lo };
}

/** 16 lowercase hex digits of a u64 given as halves. */
export function hex64(hi, lo) {
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}
