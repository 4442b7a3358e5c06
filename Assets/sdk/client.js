// The entry point of a game or a page: a client for one Huddle server that
// joins rooms (each on a socket of its own: a socket is in at most one
// room) and lists them.
import { RoomError } from './errors.js';
import { builtInKinds } from './kinds/index.js';
import { ask } from './requests.js';
import { Room } from './room.js';

/** The Socket.IO namespace of the room protocol. */
export const ROOMS_NAMESPACE = '/rooms';

/**
 * The Socket.IO options of the sockets the client opens: WebSocket first
 * (long-polling when it fails), a connection of its own per room, and
 * Socket.IO's reconnection with its default delays.
 */
export const SOCKET_DEFAULTS = Object.freeze({ transports: ['websocket', 'polling'], forceNew: true });

/**
 * A client of one Huddle server. Make one with `connect`.
 *
 * @example
 * const client = HuddleRooms.connect('http://127.0.0.1:3000');
 * const room = await client.joinOrCreate('arena');
 * console.log(await client.list('arena'));
 */
export class RoomClient {
  /**
   * @param {string | object} target the server's URL, or a Socket.IO socket of its /rooms namespace
   * @param {object} [options] see `connect`
   */
  constructor(target, options = {}) {
    this.options = options;
    this.kinds = { ...builtInKinds, ...(options.kinds ?? {}) };
    this.rooms = new Set();
    this.lobby = null;
    if (typeof target === 'string') {
      this.url = target.replace(/\/+$/, '').replace(/\/rooms$/, '');
      this.io = options.io ?? globalThis.io;
      if (typeof this.io !== 'function') {
        throw new RoomError('noSocketIO', 'no Socket.IO client: load socket.io.min.js first, or pass {io}');
      }
      this.socket = null;
    } else if (target && typeof target.emit === 'function' && typeof target.on === 'function') {
      if (target.nsp !== undefined && target.nsp !== ROOMS_NAMESPACE) {
        throw new TypeError(`the socket is in namespace ${target.nsp}; rooms are in ${ROOMS_NAMESPACE}`);
      }
      this.socket = target;
    } else {
      throw new TypeError('connect() takes a URL or a Socket.IO socket of the /rooms namespace');
    }
  }

  /** A new socket of the rooms namespace (URL clients), or the socket given. */
  openSocket() {
    if (this.socket) return { socket: this.socket, owned: false };
    const socket = this.io(this.url + ROOMS_NAMESPACE, { ...SOCKET_DEFAULTS, ...(this.options.socket ?? {}) });
    return { socket, owned: true };
  }

  /**
   * Joins the oldest room of `kind` with a free seat, or a new one; resolves
   * with the room once its snapshot is in place. Rejects with `RoomError`
   * (`unknownRoomKind`, `roomFull`, `timeout`, …).
   *
   * @param {string} kind
   * @param {object} [options] room options (`ROOM_DEFAULTS`) and `kind`: a codec for a kind of your own
   * @returns {Promise<Room>}
   */
  joinOrCreate(kind, options = {}) {
    return this.enter(kind, null, options);
  }

  /**
   * Takes a seat back (a `room.seat` kept, e.g. in `sessionStorage`, across
   * a page reload): the same member, slot and open strokes, with a fresh
   * snapshot. Rejects with `RoomError('unknownSeat')` once the seat's
   * grace period is over (then `joinOrCreate`).
   *
   * @param {string} seat
   * @param {string} kind the room's kind (picks the codec)
   * @param {object} [options]
   * @returns {Promise<Room>}
   */
  rejoin(seat, kind, options = {}) {
    return this.enter(kind, seat, options);
  }

  async enter(kindName, seat, { kind, ...options } = {}) {
    const { socket, owned } = this.openSocket();
    const room = new Room({
      socket, kindName, owned,
      kind: kind ?? this.kinds[kindName] ?? null,
      options: { ...(this.options.room ?? {}), ...options },
    });
    this.rooms.add(room);
    room.on('leave', () => this.rooms.delete(room));
    await room.start(seat);
    return room;
  }

  /**
   * The live rooms (of `kind`, or all), oldest first:
   * `[{id, kind, members, capacity}]`.
   *
   * @param {string} [kind]
   * @returns {Promise<{ id: string, kind: string, members: number, capacity: number }[]>}
   */
  async list(kind) {
    if (!this.lobby) this.lobby = this.openSocket().socket;
    const answer = await ask(this.lobby, 'list', [kind ? { kind } : {}]);
    return answer.rooms;
  }

  /** Leaves every room and closes the sockets the client opened. */
  async close() {
    await Promise.all([...this.rooms].map((room) => room.leave()));
    if (this.lobby && !this.socket) this.lobby.disconnect();
    this.lobby = null;
  }
}

/**
 * A client for the Huddle server at `target`.
 *
 * @param {string | object} target the server's URL (`location.origin`,
 *   `http://host:3000`), or a Socket.IO socket of its /rooms namespace that
 *   you opened with options of your own (the client then uses it for one
 *   room at a time and never closes it)
 * @param {object} [options]
 * @param {Function} [options.io] the Socket.IO client's `io` (default: the
 *   global one of socket.io.min.js; in Node, `require` that bundle)
 * @param {object} [options.socket] Socket.IO options of the sockets opened
 * @param {Record<string, object>} [options.kinds] codecs of your own kinds
 * @param {object} [options.room] default room options (`ROOM_DEFAULTS`)
 * @returns {RoomClient}
 *
 * @example
 * import { HuddleRooms } from 'http://127.0.0.1:3000/sdk/huddle-rooms.js';
 * const room = await HuddleRooms.connect('http://127.0.0.1:3000').joinOrCreate('whiteboard');
 */
export function connect(target, options = {}) {
  return new RoomClient(target, options);
}
