// Huddle's JavaScript client for the room protocol (docs/js-client.md),
// served by `huddle serve` at /sdk/huddle-rooms.js. An ES module with no
// dependency but the official Socket.IO client (`io`, from
// /socket.io/socket.io.min.js in a page; `require`d in Node).
//
//   import { HuddleRooms } from '/sdk/huddle-rooms.js';
//   const room = await HuddleRooms.connect(location.origin).joinOrCreate('whiteboard');
//
// Types for editors: huddle-rooms.d.ts next to this file.
import { connect, RoomClient, ROOMS_NAMESPACE, SOCKET_DEFAULTS } from './client.js';
import { Room, ROOM_DEFAULTS } from './room.js';
import { watchReplay, ReplayViewer } from './replay.js';
import { builtInKinds } from './kinds/index.js';

export { connect, RoomClient, ROOMS_NAMESPACE, SOCKET_DEFAULTS, Room, ROOM_DEFAULTS, watchReplay, ReplayViewer, builtInKinds };
export { RoomError, SERVER_ERROR_CODES, CLIENT_ERROR_CODES } from './errors.js';
export { Reader, Writer, asBytes } from './binary.js';
export { decodeSnapshot, decodeOperationBatch, fnv1a64 } from './snapshot.js';
export { SnapshotAssembly, MAX_SNAPSHOT_BYTES } from './chunks.js';
export { PositionMirror, MIRROR_HISTORY } from './mirror.js';
export { OperationStream, HELD_OPERATIONS_LIMIT } from './operations.js';
export { DeltaAcknowledger, ACK_DELAY_MS } from './acks.js';
export { Emitter } from './events.js';
export {
  WhiteboardInput, whiteboardKind, decodeWhiteboardState, decodeWhiteboardOperation, applyWhiteboardOperation,
  WHITEBOARD_SIZE, MAX_POINTS_PER_CHUNK, ShapeKind,
} from './kinds/whiteboard.js';
export {
  ArenaInput, arenaKind, decodeArenaState, decodeArenaOperation, applyArenaOperation,
  ARENA_GRID, ARENA_RAW_TO_GRID_SHIFT, ARENA_DASH,
} from './kinds/arena.js';

/**
 * The SDK in one object, for `HuddleRooms.connect(url).joinOrCreate(kind)`.
 *
 * @example
 * const room = await HuddleRooms.connect(location.origin).joinOrCreate('arena');
 * room.inputs.move(1, 0);
 */
export const HuddleRooms = Object.freeze({ connect, watchReplay, kinds: builtInKinds });
export default HuddleRooms;
