// Requests with an answer (join, rejoin, leave, list, acknowledged inputs):
// one place that turns Socket.IO's ack callback into a promise and every
// failure into a RoomError.
import { RoomError } from './errors.js';

/** How long a request waits for its answer by default. */
export const REQUEST_TIMEOUT_MS = 10000;

/**
 * Emits `event` with `args` and an ack; resolves with the answer, rejects
 * with `RoomError`: the server's `{error}` as its code, `timeout` when no
 * answer came in `timeoutMs`, `disconnected` when the connection dropped
 * after the request was sent.
 *
 * @param {any} socket a Socket.IO client socket
 * @param {string} event
 * @param {any[]} args
 * @param {number} [timeoutMs]
 * @returns {Promise<any>}
 *
 * @example
 * const { rooms } = await ask(socket, 'list', [{ kind: 'arena' }]);
 */
export function ask(socket, event, args, timeoutMs = REQUEST_TIMEOUT_MS) {
  return new Promise((resolve, reject) => {
    socket.timeout(timeoutMs).emit(event, ...args, (failure, answer) => {
      if (failure) {
        const disconnected = /disconnect/i.test(String(failure?.message));
        reject(new RoomError(disconnected ? 'disconnected' : 'timeout',
          disconnected ? `the connection dropped before '${event}' was answered` : `'${event}' not answered in ${timeoutMs} ms`,
          { event }));
      } else if (answer && typeof answer === 'object' && answer.error !== undefined) {
        reject(RoomError.from(answer, event));
      } else {
        resolve(answer);
      }
    });
  });
}
