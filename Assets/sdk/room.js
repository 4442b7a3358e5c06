// One membership of a room over one Socket.IO socket of the /rooms
// namespace (docs/room-protocol.md): the join answer's snapshot, operations
// in order, the position mirror with its acknowledgements, inputs, errors,
// leave, and reconnection (seat resume with `rejoin`, else a fresh `join`).
import { asBytes } from './binary.js';
import { DeltaAcknowledger } from './acks.js';
import { MAX_SNAPSHOT_BYTES, SnapshotChunks } from './chunks.js';
import { Emitter } from './events.js';
import { RoomError } from './errors.js';
import { PositionMirror } from './mirror.js';
import { OperationStream, gapError } from './operations.js';
import { Outbox } from './outbox.js';
import { ask, REQUEST_TIMEOUT_MS } from './requests.js';
import { decodeOperationBatch, decodeSnapshot } from './snapshot.js';

/** Client-side bounds and delays; every one can be changed per room. */
export const ROOM_DEFAULTS = Object.freeze({
  /** Reliable inputs held while reconnecting (sent once back in the room). */
  queueLimit: 64,
  /** Acknowledged inputs waiting for their answer (the server keeps 256). */
  pendingRequestsLimit: 256,
  /** How long join, rejoin, leave and acknowledged inputs wait for an answer. */
  timeout: REQUEST_TIMEOUT_MS,
  /** Errors kept in `stats.errors` (the newest). */
  errorHistory: 16,
  /** Rejoin or join attempts after a connection loss before giving up. */
  rejoinAttempts: 8,
  /** Delay before the second attempt; doubles up to 8 s. */
  rejoinDelay: 250,
  /** Reconnect after a drop; false: a drop ends the membership ('disconnected'). */
  reconnect: true,
  /** The largest snapshot accepted in chunks (`snapshotStream`); a larger one fails the join with `malformed`. */
  maxSnapshotBytes: MAX_SNAPSHOT_BYTES,
});

const SOCKET_EVENTS = ['connect', 'disconnect', 'delta', 'ops', 'snapshot-chunk', 'room-error', 'room-closed'];

/**
 * A room the client is in. Created by `RoomClient.joinOrCreate` (or
 * `rejoin`), resolved once the join answer's snapshot is in place.
 *
 * `state` is the room's document, kept current by its operations when the
 * kind is known (built in, or given to `connect`); `positions` is the
 * position mirror's newest table (entity id → `{x, y}`); `members` the
 * members by slot. Events (each `onX` returns a function that removes the
 * listener): `state` (a snapshot replaced the document: after the join,
 * after a reconnection without seat, after a resync), `operation` (one
 * operation, already applied to `state`), `positions`, `members`, `error`,
 * `reconnecting`, `reconnected`, `leave` (once, at the end). The members
 * not in huddle-rooms.d.ts are the implementation's, not the API.
 *
 * @example
 * const room = await HuddleRooms.connect(location.origin).joinOrCreate('whiteboard');
 * room.onOperation((op) => { if (op.type === 'cleared') redraw(); });
 * room.onPositions((cursors) => drawCursors(cursors));
 * room.inputs.cursor(100, 200);          // volatile: may be dropped, never queued
 * await room.request(WhiteboardInput.clear());
 * await room.leave();
 */
export class Room {
  /**
   * @param {object} setup
   * @param {any} setup.socket a Socket.IO socket of the /rooms namespace
   * @param {string} setup.kindName
   * @param {any} setup.kind the kind's codec (`builtInKinds.whiteboard`, …) or null
   * @param {boolean} setup.owned whether leaving closes the socket
   * @param {Partial<typeof ROOM_DEFAULTS>} [setup.options]
   */
  constructor({ socket, kindName, kind, owned, options = {} }) {
    this.socket = socket;
    this.kind = kindName;
    this.codec = kind ?? null;
    this.owned = owned;
    this.options = { ...ROOM_DEFAULTS, ...options };
    /** 'joining' | 'joined' | 'reconnecting' | 'left' */
    this.status = 'joining';
    this.id = null;
    this.member = null;
    this.tickRate = null;
    this.seat = null;
    this.grace = null;
    this.snapshot = null;
    this.state = null;
    this.members = [];
    this.stats = { deltas: 0, deltaBytes: 0, operations: 0, reconnects: 0, resumed: 0, errors: [] };
    this.events = new Emitter();
    this.mirror = new PositionMirror();
    this.stream = new OperationStream();
    this.chunks = new SnapshotChunks(this.options.maxSnapshotBytes);
    this.acks = new DeltaAcknowledger((tick) => this.socket.emit('delta-ack', tick));
    this.outbox = new Outbox({
      socket, acks: this.acks, report: (error) => this.report(error),
      isOpen: () => this.status === 'joined' && this.socket.connected,
      isClosed: () => this.status === 'left',
      queueLimit: this.options.queueLimit, pendingLimit: this.options.pendingRequestsLimit, timeout: this.options.timeout,
    });
    this.rejoinFailures = 0;
    this.forgetDocument = false;
    this.inputs = this.bindInputs();
    this.handlers = {
      connect: () => this.connected(),
      disconnect: (reason) => this.disconnected(reason),
      delta: (bytes) => this.receiveDelta(bytes),
      ops: (bytes, ack) => { if (typeof ack === 'function') ack(); this.receiveOperations(bytes); },
      // Always acknowledged: the server sends the next chunks on acknowledgements.
      'snapshot-chunk': (header, bytes, ack) => { if (typeof ack === 'function') ack(); this.chunks.receive(header, bytes); },
      'room-error': (payload) => this.report(RoomError.from(payload)),
      'room-closed': (payload) => this.finish(payload?.reason === 'seatMoved' ? 'seatMoved' : 'roomClosed'),
    };
    for (const event of SOCKET_EVENTS) socket.on(event, this.handlers[event]);
    this.managerGaveUp = () => this.finish('reconnectFailed');
    socket.io?.on?.('reconnect_failed', this.managerGaveUp);
  }

  // ---- events ---------------------------------------------------------------

  /** Adds a listener for `event` (see the class); returns its remover. */
  on(event, listener) { return this.events.on(event, listener); }
  /** `(state, snapshot)`: a snapshot replaced the document. */
  onState(listener) { return this.on('state', listener); }
  /** `(operation, {sequence, tick, payload})`: one operation, applied to `state`. */
  onOperation(listener) { return this.on('operation', listener); }
  /** `(table, tick)`: the position mirror moved on. */
  onPositions(listener) { return this.on('positions', listener); }
  /** `(members)`: someone joined or left. */
  onMembers(listener) { return this.on('members', listener); }
  /** `(error: RoomError)`: a refusal without an ack, or a client-side problem. */
  onError(listener) { return this.on('error', listener); }
  /** `({reason})`: the connection dropped; the room is being rejoined. */
  onReconnecting(listener) { return this.on('reconnecting', listener); }
  /** `({resumed, room, member})`: back in the room (`resumed`: the same seat). */
  onReconnect(listener) { return this.on('reconnected', listener); }
  /** `({reason, error?})`, once: the membership ended (see docs/js-client.md). */
  onLeave(listener) { return this.on('leave', listener); }

  /** The position mirror's newest table: entity id (slot) → `{x, y}`. */
  get positions() { return this.mirror.table; }
  /** The tick of `positions`. */
  get positionsTick() { return this.mirror.tick; }
  /** This member's slot, when the kind is known. */
  get slot() { return this.members.find((m) => m.id === this.member)?.slot ?? null; }

  // ---- inputs ---------------------------------------------------------------

  /**
   * Sends one encoded input. Reliable by default: while reconnecting it is
   * held (at most `queueLimit`, then refused with a `queueFull` error) and
   * sent once back in the room. `{volatile: true}` (cursor, movement): sent
   * only when connected, may be dropped, never held. The server's refusals
   * arrive as `error` events. Returns whether the input was sent or held.
   *
   * @param {Uint8Array} bytes
   * @param {{ volatile?: boolean }} [options]
   * @returns {boolean}
   */
  send(bytes, options) { return this.outbox.send(bytes, options); }

  /**
   * Sends one input with an ack: resolves with `{receipt, tick}` once the
   * tick that applied it has run, rejects with the server's `RoomError`
   * (`unknownElement`, `limitReached`, …) or `timeout`, `disconnected`,
   * `queueFull`, `left`. Held like `send` while reconnecting.
   *
   * @param {Uint8Array} bytes
   * @returns {Promise<{ receipt: number, tick: number }>}
   */
  request(bytes) { return this.outbox.request(bytes); }

  bindInputs() {
    const inputs = {};
    for (const [name, input] of Object.entries(this.codec?.inputs ?? {})) {
      inputs[name] = (...args) => this.send(input.encode(...args), { volatile: Boolean(input.volatile) });
    }
    return Object.freeze(inputs);
  }

  // ---- joining --------------------------------------------------------------

  /** Sends the first `join` (or `rejoin` with `seat`); resolves once in the room. */
  async start(seat = null) {
    try {
      if (seat) await this.rejoin(seat, null);
      else await this.join();
    } catch (error) {
      this.finish('joinFailed', error);
      throw error;
    }
  }

  async join() {
    this.stream.pause();
    this.chunks.expect();
    const answer = await ask(this.socket, 'join', [{ kind: this.kind }], this.options.timeout);
    const bytes = await this.chunks.bytesOf(answer);
    if (this.status === 'left') return;
    this.adopt(answer, bytes);
  }

  async rejoin(seat, sequence) {
    this.stream.pause();
    const request = sequence === null ? { seat } : { seat, sequence };
    this.chunks.expect();
    const answer = await ask(this.socket, 'rejoin', [request], this.options.timeout);
    const bytes = await this.chunks.bytesOf(answer);
    if (this.status === 'left') return;
    if (bytes !== undefined) return this.adopt(answer, bytes);
    if (this.stream.last === null) throw new RoomError('malformed', 'a rejoin answer without a snapshot, and no document to apply its operations to');
    this.take(answer);
    this.status = 'joined';
    this.applyAll(this.stream.resume(this.stream.last, decodeOperationBatch(asBytes(answer.operations))));
  }

  /** The answer's fields common to join and rejoin. */
  take(answer) {
    this.id = answer.room;
    this.kind = answer.kind ?? this.kind;
    this.member = answer.member;
    this.tickRate = answer.tickRate;
    this.seat = typeof answer.seat === 'string' ? answer.seat : null;
    this.grace = typeof answer.grace === 'number' ? answer.grace : null;
    // A kind with member views leaves out operations not meant for this
    // member: its sequences skip, and a skip is not a gap.
    this.stream.sequencesMaySkip = answer.views === true;
  }

  /** A snapshot replaces the document, the mirror and the operation stream. */
  adopt(answer, bytes) {
    const snapshot = decodeSnapshot(asBytes(bytes));
    this.take(answer);
    this.snapshot = snapshot;
    this.state = this.codec ? this.codec.decodeState(snapshot.state) : snapshot.state;
    this.acks.reset();
    this.mirror.reset();
    this.mirror.adopt(this.codec ? this.codec.positions(this.state) : new Map(), snapshot.tick);
    this.forgetDocument = false;
    this.status = 'joined';
    const held = this.stream.resume(snapshot.operationSequence);
    this.updateMembers(true);
    this.events.emit('state', this.state, snapshot);
    this.events.emit('positions', this.mirror.table, snapshot.tick);
    this.applyAll(held);
  }

  // ---- what the server sends ------------------------------------------------

  receiveOperations(bytes) {
    if (this.status === 'left') return;
    try {
      for (const op of decodeOperationBatch(asBytes(bytes))) {
        const verdict = this.stream.accept(op);
        if (verdict === 'gap') throw gapError(this.stream.expected, op.sequence);
        if (verdict === 'apply') this.apply(op);
      }
    } catch (error) {
      this.resync(error);
    }
  }

  applyAll(ops) {
    try {
      for (const op of ops) this.apply(op);
    } catch (error) {
      this.resync(error);
    }
  }

  apply(op) {
    let value = op.payload;
    if (this.codec) {
      value = this.codec.decodeOperation(op.payload);
      this.codec.applyOperation(this.state, value);
    }
    this.stats.operations += 1;
    this.updateMembers(false);
    this.events.emit('operation', value, op);
  }

  updateMembers(force) {
    const members = this.codec ? this.codec.members(this.state) : this.snapshot.members.map((id) => ({ slot: null, id }));
    const same = members.length === this.members.length && members.every((m, i) => m.slot === this.members[i].slot && m.id === this.members[i].id);
    if (same && !force) return;
    this.members = members;
    if (!same) this.events.emit('members', members);
  }

  receiveDelta(bytes) {
    if (this.status !== 'joined') return;
    const view = asBytes(bytes);
    this.stats.deltas += 1;
    this.stats.deltaBytes += view.length;
    let tick;
    try { tick = this.mirror.receive(view); } catch (error) { return this.report(error); }
    if (tick === null) return;
    this.acks.applied(tick);
    this.events.emit('positions', this.mirror.table, tick);
  }

  report(error) {
    const errors = this.stats.errors;
    errors.push({ code: error.code ?? 'error', message: error.message });
    if (errors.length > this.options.errorHistory) errors.shift();
    this.events.emit('error', error);
  }

  // ---- reconnection -------------------------------------------------------

  /**
   * The document no longer matches the server's (a gap, an operation that
   * does not apply): report it, drop the connection and come back with a
   * fresh snapshot (the seat kept when the server has seats).
   */
  resync(error) {
    this.report(error);
    if (this.status !== 'joined') return;
    this.forgetDocument = true;
    this.stream.pause();
    this.status = 'reconnecting';
    this.events.emit('reconnecting', { reason: error.code ?? 'resync' });
    if (!this.options.reconnect) return this.finish('disconnected', error);
    // Closing the transport (not the namespace) keeps the seat held.
    setTimeout(() => this.socket.io?.engine?.close(), 0);
  }

  disconnected(reason) {
    this.chunks.abandon(new RoomError('disconnected', `the connection dropped during a snapshot stream (${reason})`));
    this.acks.reset();
    this.stream.pause();
    if (this.status === 'left' || this.status === 'joining') return;
    if (reason === 'io client disconnect' || !this.options.reconnect) return this.finish('disconnected');
    if (this.status !== 'reconnecting') {
      this.status = 'reconnecting';
      this.events.emit('reconnecting', { reason });
    }
    // The server dropped the namespace (tooSlow): Socket.IO does not retry that on its own.
    if (reason === 'io server disconnect') this.socket.connect();
  }

  connected() {
    if (this.status !== 'reconnecting') return;
    this.comeBack();
  }

  async comeBack() {
    const wasSeat = this.seat;
    try {
      if (this.seat) {
        try {
          await this.rejoin(this.seat, this.forgetDocument ? null : this.stream.last);
        } catch (error) {
          if (error.code !== 'unknownSeat') throw error;
          this.seat = null;
          await this.join();
        }
      } else {
        await this.join();
      }
    } catch (error) {
      if (this.status === 'left') return;
      this.report(error);
      this.rejoinFailures += 1;
      const fatal = error.code === 'unknownRoomKind' || error.code === 'joinRefused';
      if (fatal || this.rejoinFailures >= this.options.rejoinAttempts) return this.finish('rejoinFailed', error);
      if (error.code === 'disconnected') return;  // the next 'connect' tries again
      // An answer may still come for this socket: start over on a new connection.
      if (error.code === 'timeout' || error.code === 'alreadyInRoom') return this.socket.io?.engine?.close();
      const delay = Math.min(8000, this.options.rejoinDelay * 2 ** (this.rejoinFailures - 1));
      setTimeout(() => { if (this.status === 'reconnecting' && this.socket.connected) this.comeBack(); }, delay);
      return;
    }
    if (this.status !== 'joined') return;
    this.rejoinFailures = 0;
    this.stats.reconnects += 1;
    const resumed = wasSeat !== null && this.seat === wasSeat;
    if (resumed) this.stats.resumed += 1;
    this.events.emit('reconnected', { resumed, room: this.id, member: this.member });
    this.outbox.flush();
  }

  // ---- leaving ----------------------------------------------------------------

  /**
   * Leaves the room (the seat is freed at once: the others see the member
   * leave) and, when the client opened the socket, closes it. Resolves when
   * done; never rejects. The `leave` event fires with reason `left`.
   */
  async leave() {
    if (this.status === 'left') return;
    if (this.status === 'joined' && this.socket.connected) {
      try { await ask(this.socket, 'leave', [], this.options.timeout); } catch (_) { /* closing anyway */ }
    }
    this.finish('left');
  }

  /** Ends the membership once: cleans up, closes an owned socket, emits `leave`. */
  finish(reason, error) {
    if (this.status === 'left') return;
    this.status = 'left';
    this.acks.reset();
    this.outbox.close();
    for (const event of SOCKET_EVENTS) this.socket.off(event, this.handlers[event]);
    this.socket.io?.off?.('reconnect_failed', this.managerGaveUp);
    if (this.owned) this.socket.disconnect();
    this.events.emit('leave', error ? { reason, error } : { reason });
  }
}
