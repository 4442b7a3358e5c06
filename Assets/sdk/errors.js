// Errors of the room protocol as values: the server's documented codes
// (docs/room-protocol.md, "Errors") and the few the client itself reports
// (docs/js-client.md, "Errors"). One class, so a handler switches on `code`.

/**
 * The codes the server sends, in an ack's `{error: {code, message}}` or a
 * `room-error` event.
 * @type {readonly string[]}
 */
export const SERVER_ERROR_CODES = Object.freeze([
  'badRequest', 'unknownRoomKind', 'notInRoom', 'alreadyInRoom', 'joinInProgress',
  'roomFull', 'joinRefused', 'inputTooLarge', 'malformed', 'truncated', 'outOfRange',
  'limitReached', 'unknownElement', 'duplicateElement', 'memberInputQueueFull',
  'roomInputQueueFull', 'acknowledgementFromTheFuture', 'rateLimited', 'serverBusy',
  'shuttingDown', 'tooSlow', 'roomClosed', 'notAMember', 'unknownSeat', 'unknownRoom',
  'alreadyAMember', 'notAllowed',
]);

/**
 * The codes this client adds: `timeout` (no answer in time), `disconnected`
 * (the connection dropped before the answer), `queueFull` (a client-side
 * bound was reached: inputs held while reconnecting, requests waiting for
 * an answer, operations waiting for a snapshot), `operationGap` (an
 * operation's sequence skipped one: the room is joined again for a fresh
 * snapshot), `hashMismatch` (a snapshot's state bytes do not match its
 * hash), `noSocketIO` (no Socket.IO client to connect with), `left` (the
 * room was already left).
 * @type {readonly string[]}
 */
export const CLIENT_ERROR_CODES = Object.freeze([
  'timeout', 'disconnected', 'queueFull', 'operationGap', 'hashMismatch', 'noSocketIO', 'left',
]);

/**
 * An error of the room protocol: `code` is one of `SERVER_ERROR_CODES` or
 * `CLIENT_ERROR_CODES`; `event` names the request it answers (`room-error`
 * events carry it), `receipt` the input's receipt when the server gave one.
 *
 * @example
 * try { await room.request(WhiteboardInput.deleteShape(7)); }
 * catch (error) { if (error.code === 'unknownElement') console.log('already gone'); }
 */
export class RoomError extends Error {
  /**
   * @param {string} code
   * @param {string} [message]
   * @param {{ event?: string, receipt?: number }} [details]
   */
  constructor(code, message = code, details = {}) {
    super(message);
    this.name = 'RoomError';
    this.code = code;
    if (details.event !== undefined) this.event = details.event;
    if (details.receipt !== undefined) this.receipt = details.receipt;
  }

  /**
   * The error of a server answer `{error: {code, message}, receipt?}`, of
   * a `room-error` payload `{code, message, event, receipt?}`, or of a
   * replay control's `{error: "…"}` (code `badRequest`).
   *
   * @param {any} payload
   * @param {string} [event] the request it answers, when the payload does not say
   * @returns {RoomError}
   */
  static from(payload, event) {
    if (typeof payload?.error === 'string') return new RoomError('badRequest', payload.error, { event });
    const body = payload && typeof payload.error === 'object' && payload.error !== null ? payload.error : payload ?? {};
    const code = typeof body.code === 'string' ? body.code : 'badRequest';
    const receipt = payload?.receipt ?? body.receipt;
    return new RoomError(code, typeof body.message === 'string' ? body.message : code, { event: body.event ?? event, receipt });
  }

  /** A plain `{code, message, event?, receipt?}` (what tests and logs print). */
  toJSON() {
    const out = { code: this.code, message: this.message };
    if (this.event !== undefined) out.event = this.event;
    if (this.receipt !== undefined) out.receipt = this.receipt;
    return out;
  }
}
