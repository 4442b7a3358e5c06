// When to acknowledge position deltas (docs/room-protocol.md, "Position
// deltas"): on the next input when there is one (its second argument),
// else with a `delta-ack` a short delay after the delta. Every ack is an
// inbound message the server pays for, so acks are coalesced: only the
// newest tick applied is ever sent.

/** How long an acknowledgement may wait for an input to ride on. */
export const ACK_DELAY_MS = 150;

/**
 * Coalesces delta acknowledgements: `applied(tick)` after each delta,
 * `take()` when an input leaves (the tick to send with it, or null); after
 * `delayMs` without an input, `sendAck(tick)` is called.
 *
 * @example
 * const acks = new DeltaAcknowledger((tick) => socket.emit('delta-ack', tick));
 * acks.applied(12);
 * socket.emit('input', bytes, ...acks.takeArguments());
 */
export class DeltaAcknowledger {
  /**
   * @param {(tick: number) => void} sendAck
   * @param {number} [delayMs]
   */
  constructor(sendAck, delayMs = ACK_DELAY_MS) {
    this.sendAck = sendAck;
    this.delayMs = delayMs;
    this.pending = null;
    this.timer = null;
  }

  /** A delta of `tick` was applied: acknowledge it soon. */
  applied(tick) {
    this.pending = tick;
    if (this.timer === null) this.timer = setTimeout(() => this.flush(), this.delayMs);
  }

  /** The tick an input should carry (then nothing is pending), or null. */
  take() {
    const tick = this.pending;
    this.pending = null;
    return tick;
  }

  /** `[tick]` when one is pending (for `emit('input', bytes, ...args)`), else `[]`. */
  takeArguments() {
    const tick = this.take();
    return tick === null ? [] : [tick];
  }

  /** Sends the pending acknowledgement now, if any. */
  flush() {
    this.timer = null;
    const tick = this.take();
    if (tick !== null) this.sendAck(tick);
  }

  /** Forgets the pending tick and the timer (a membership ended: its ticks mean nothing to the next). */
  reset() {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.pending = null;
  }
}
