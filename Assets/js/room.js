// One membership of the rooms namespace with the official Socket.IO client:
// join by kind (the answer carries the snapshot), apply `ops` in sequence
// and acknowledge them, mirror `delta`s and acknowledge their ticks (on the
// next input when there is one, else with `delta-ack` after ACK_DELAY_MS).
import { decodeSnapshot, decodeOperationBatch, PositionMirror } from './wire.js';

// How long a delta's acknowledgement may wait for an input to ride on.
const ACK_DELAY_MS = 150;

export class RoomConnection {
  // handlers: { snapshot(snapshot, answer), operation(op), positions(table), error(err), closed() }
  constructor(url, handlers) {
    this.handlers = handlers;
    this.mirror = new PositionMirror();
    this.operationSequence = 0;
    this.answer = null;
    this.stats = { deltas: 0, deltaBytes: 0, ops: 0, errors: [] };
    this.unacknowledgedTick = null;
    this.ackTimer = null;
    this.socket = io(url + '/rooms', { transports: ['websocket', 'polling'], forceNew: true });
    this.socket.on('delta', (bytes) => this.receiveDelta(bytes));
    this.socket.on('ops', (bytes, ack) => { this.receiveOperations(bytes); if (ack) ack(); });
    this.socket.on('room-error', (error) => { this.stats.errors.push(error); handlers.error?.(error); });
    this.socket.on('room-closed', () => handlers.closed?.());
    this.socket.on('disconnect', () => handlers.closed?.());
  }

  // The snapshot is adopted inside the ack callback, synchronously: over
  // polling the answer and the next `ops` can arrive in one payload, and the
  // operations must find the snapshot's state in place.
  join(kind) {
    return new Promise((resolve, reject) => {
      this.socket.timeout(10000).emit('join', { kind }, (timeout, answer) => {
        if (timeout) return reject(new Error('join timed out'));
        if (answer.error) return reject(new Error(answer.error.code + ': ' + answer.error.message));
        const snapshot = decodeSnapshot(answer.snapshot);
        this.answer = answer;
        this.member = answer.member;
        this.operationSequence = snapshot.operationSequence;
        this.handlers.snapshot(snapshot, answer);
        resolve(answer);
      });
    });
  }

  // Called by the view once it built its state from the snapshot.
  adoptPositions(table, tick) { this.mirror.adopt(table, tick); }

  receiveOperations(bytes) {
    for (const op of decodeOperationBatch(bytes)) {
      if (op.sequence <= this.operationSequence) continue;
      this.operationSequence = op.sequence;
      this.stats.ops += 1;
      this.handlers.operation(op.payload);
    }
  }

  receiveDelta(bytes) {
    const view = new Uint8Array(bytes);
    this.stats.deltas += 1;
    this.stats.deltaBytes += view.length;
    const tick = this.mirror.receive(view);
    if (tick === null) return;
    this.unacknowledgedTick = tick;
    if (this.ackTimer === null) this.ackTimer = setTimeout(() => this.sendDeltaAck(), ACK_DELAY_MS);
    this.handlers.positions(this.mirror.table);
  }

  sendDeltaAck() {
    this.ackTimer = null;
    if (this.unacknowledgedTick === null) return;
    this.socket.emit('delta-ack', this.unacknowledgedTick);
    this.unacknowledgedTick = null;
  }

  // An input's arguments: the bytes, and the newest delta tick when one is
  // still unacknowledged (it saves a `delta-ack`).
  inputArguments(bytes) {
    if (this.unacknowledgedTick === null) return [bytes];
    const tick = this.unacknowledgedTick;
    this.unacknowledgedTick = null;
    return [bytes, tick];
  }

  // Volatile inputs (cursor): dropped rather than queued when not connected.
  sendVolatile(bytes) { this.socket.volatile.emit('input', ...this.inputArguments(bytes)); }

  // Reliable inputs: refusals arrive as `room-error` (no ack asked).
  send(bytes) { this.socket.emit('input', ...this.inputArguments(bytes)); }

  async sendWithAck(bytes) { return this.socket.timeout(10000).emitWithAck('input', ...this.inputArguments(bytes)); }

  async leave() {
    clearTimeout(this.ackTimer);
    this.ackTimer = null;
    try { await this.socket.timeout(5000).emitWithAck('leave'); } catch (_) { /* closing anyway */ }
    this.socket.disconnect();
  }
}


// Joins a room of `kind` for a view (whiteboard or arena): the view adopts
// snapshots, applies operations, takes position tables, and starts drawing.
export async function joinRoom(view, kind, decodeOperation, takePositions) {
  view.room = new RoomConnection(view.url, {
    snapshot: (snapshot) => view.adopt(snapshot),
    operation: (payload) => { view.apply(decodeOperation(payload)); view.dirty = true; },
    positions: (table) => { takePositions(table); view.dirty = true; },
    error: (error) => console.warn('room-error', error),
  });
  const answer = await view.room.join(kind);
  view.running = true;
  requestAnimationFrame(() => view.frame());
  return answer;
}
