// A viewer of `huddle replay ID --serve` (docs/snapshot-store.md, "Serving
// a replay"): frames arrive in namespace /replay as snapshots, decoded with
// the same codecs as a room's; seek, speed, pause and resume are requests.
import { Emitter } from './events.js';
import { RoomError } from './errors.js';
import { builtInKinds } from './kinds/index.js';
import { ask } from './requests.js';
import { decodeSnapshot } from './snapshot.js';

/**
 * Watches a replay. Events: `info` (`{session, kind, firstTick, lastTick,
 * tickRate, speed, paused}`), `frame` (`{tick, hash, snapshot, state}`:
 * `state` decoded when the kind is known), `end` and `diverged` (`{tick}`),
 * `connect`, `disconnect`, `error`.
 *
 * @example
 * const replay = watchReplay(location.origin);
 * replay.on('frame', ({ tick, state }) => draw(state));
 * await replay.seek(120);
 */
export class ReplayViewer {
  constructor(socket, kinds) {
    this.socket = socket;
    this.kinds = kinds;
    this.events = new Emitter();
    this.info = null;
    this.frame = null;
    socket.on('connect', () => this.events.emit('connect'));
    socket.on('disconnect', (reason) => this.events.emit('disconnect', reason));
    socket.on('replay-info', (info) => { this.info = info; this.events.emit('info', info); });
    socket.on('replay-frame', (frame, bytes) => this.receiveFrame(frame, bytes));
    socket.on('replay-end', (payload) => this.events.emit('end', payload));
    socket.on('replay-diverged', (payload) => this.events.emit('diverged', payload));
  }

  /** Adds a listener (see the class); returns its remover. */
  on(event, listener) { return this.events.on(event, listener); }

  receiveFrame(frame, bytes) {
    let snapshot;
    try { snapshot = decodeSnapshot(bytes); } catch (error) { return this.events.emit('error', error); }
    const kind = this.kinds[snapshot.kind];
    const state = kind ? kind.decodeState(snapshot.state) : snapshot.state;
    this.frame = { tick: frame.tick, hash: frame.hash, snapshot, state };
    this.events.emit('frame', this.frame);
  }

  /** Goes to `tick` (in `firstTick…lastTick`); resolves `{ok, tick}`. */
  seek(tick) { return this.control('replay-seek', { tick }); }
  /** Plays at `speed` (0.1…64); resolves `{ok, speed}`. */
  setSpeed(speed) { return this.control('replay-speed', { speed }); }
  /** Resolves `{ok, paused, tick}`. */
  pause() { return this.control('replay-pause'); }
  /** Resolves `{ok, paused, tick}`. */
  resume() { return this.control('replay-resume'); }

  /** Refusals (`{error: "…"}`) reject as `RoomError('badRequest')`. */
  control(event, argument) {
    return ask(this.socket, event, argument === undefined ? [] : [argument]);
  }

  /** Stops watching (closes the socket). */
  close() { this.socket.disconnect(); }
}

/**
 * Connects a viewer to the replay served at `url`.
 *
 * @param {string} url the replay server (`location.origin` on /replay.html)
 * @param {{ io?: Function, socket?: object, kinds?: Record<string, object> }} [options]
 * @returns {ReplayViewer}
 *
 * @example
 * const replay = watchReplay('http://127.0.0.1:3000');
 * replay.on('info', (info) => console.log(info.firstTick, info.lastTick));
 * replay.on('frame', ({ tick, state }) => draw(state));
 */
export function watchReplay(url, options = {}) {
  const io = options.io ?? globalThis.io;
  if (typeof io !== 'function') throw new RoomError('noSocketIO', 'no Socket.IO client: load socket.io.min.js first, or pass {io}');
  const socket = io(url.replace(/\/+$/, '') + '/replay', { transports: ['websocket', 'polling'], ...(options.socket ?? {}) });
  return new ReplayViewer(socket, { ...builtInKinds, ...(options.kinds ?? {}) });
}
