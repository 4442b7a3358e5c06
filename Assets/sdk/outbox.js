// A room's inputs on their way out: sent at once while the room is joined
// and connected; reliable ones held (bounded) while it reconnects and sent
// in order once back; volatile ones never held; acknowledged ones tracked
// (bounded) until their answer. Each input carries the newest delta tick
// to acknowledge, when one is pending (docs/room-protocol.md, "Position
// deltas").
import { RoomError } from './errors.js';
import { ask } from './requests.js';

/**
 * The inputs of one room.
 *
 * @example
 * const outbox = new Outbox({ socket, acks, isOpen: () => joined, report, queueLimit: 64, pendingLimit: 256, timeout: 10000 });
 * outbox.send(bytes, { volatile: true });
 * const { receipt, tick } = await outbox.request(bytes);
 */
export class Outbox {
  /**
   * @param {object} setup
   * @param {any} setup.socket the room's Socket.IO socket
   * @param {import('./acks.js').DeltaAcknowledger} setup.acks
   * @param {() => boolean} setup.isOpen whether inputs may be sent now
   * @param {() => boolean} setup.isClosed whether the room was left
   * @param {(error: RoomError) => void} setup.report
   * @param {number} setup.queueLimit reliable inputs held while not open
   * @param {number} setup.pendingLimit requests waiting for an answer
   * @param {number} setup.timeout ms a request waits for its answer
   */
  constructor({ socket, acks, isOpen, isClosed, report, queueLimit, pendingLimit, timeout }) {
    Object.assign(this, { socket, acks, isOpen, isClosed, report, queueLimit, pendingLimit, timeout });
    this.queue = [];
    this.pending = new Set();
  }

  /** See `Room.send`. */
  send(bytes, { volatile = false } = {}) {
    if (this.isClosed()) return false;
    if (this.isOpen()) {
      (volatile ? this.socket.volatile : this.socket).emit('input', bytes, ...this.acks.takeArguments());
      return true;
    }
    return volatile ? false : this.hold({ bytes });
  }

  /** See `Room.request`. */
  request(bytes) {
    if (this.isClosed()) return Promise.reject(left());
    if (this.pending.size >= this.pendingLimit) {
      return Promise.reject(new RoomError('queueFull', `${this.pending.size} requests wait for an answer`, { event: 'input' }));
    }
    return new Promise((resolve, reject) => {
      const entry = { bytes, resolve, reject };
      if (this.isOpen()) this.emitRequest(entry);
      else if (!this.hold(entry)) reject(new RoomError('queueFull', `${this.queue.length} inputs held while reconnecting`, { event: 'input' }));
    });
  }

  emitRequest(entry) {
    this.pending.add(entry);
    ask(this.socket, 'input', [entry.bytes, ...this.acks.takeArguments()], this.timeout).then(
      (answer) => { this.pending.delete(entry); entry.resolve(answer); },
      (error) => { this.pending.delete(entry); entry.reject(error); });
  }

  hold(entry) {
    if (this.queue.length >= this.queueLimit) {
      this.report(new RoomError('queueFull', `${this.queue.length} inputs held while reconnecting; this one is dropped`, { event: 'input' }));
      return false;
    }
    this.queue.push(entry);
    return true;
  }

  /** Sends what was held, in order (the room is open again). */
  flush() {
    const queue = this.queue;
    this.queue = [];
    for (const entry of queue) {
      if (entry.resolve) this.emitRequest(entry);
      else this.socket.emit('input', entry.bytes, ...this.acks.takeArguments());
    }
  }

  /** Drops what was held (the room was left): held requests reject with `left`. */
  close() {
    const queue = this.queue;
    this.queue = [];
    for (const entry of queue) entry.reject?.(left());
  }
}

function left() {
  return new RoomError('left', 'the room was left', { event: 'input' });
}
