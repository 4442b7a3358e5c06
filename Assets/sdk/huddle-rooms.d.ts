// Types of Huddle's JavaScript room client (huddle-rooms.js), for editors
// and TypeScript. Served next to the module: /sdk/huddle-rooms.d.ts.
// The protocol: docs/room-protocol.md; the client: docs/js-client.md.

// ---- errors -------------------------------------------------------------------

/** Codes the server sends (docs/room-protocol.md, "Errors"). */
export type ServerErrorCode =
  | 'badRequest' | 'unknownRoomKind' | 'notInRoom' | 'alreadyInRoom' | 'joinInProgress'
  | 'roomFull' | 'joinRefused' | 'inputTooLarge' | 'malformed' | 'truncated' | 'outOfRange'
  | 'limitReached' | 'unknownElement' | 'duplicateElement' | 'memberInputQueueFull'
  | 'roomInputQueueFull' | 'acknowledgementFromTheFuture' | 'rateLimited' | 'serverBusy'
  | 'shuttingDown' | 'tooSlow' | 'roomClosed' | 'notAMember' | 'unknownSeat' | 'unknownRoom'
  | 'alreadyAMember' | 'notAllowed';

/** Codes this client adds (docs/js-client.md, "Errors"). */
export type ClientErrorCode =
  | 'timeout' | 'disconnected' | 'queueFull' | 'operationGap' | 'hashMismatch' | 'noSocketIO' | 'left';

export type RoomErrorCode = ServerErrorCode | ClientErrorCode;

export declare const SERVER_ERROR_CODES: readonly ServerErrorCode[];
export declare const CLIENT_ERROR_CODES: readonly ClientErrorCode[];

/** Every failure of the client: switch on `code`. */
export declare class RoomError extends Error {
  constructor(code: RoomErrorCode | string, message?: string, details?: { event?: string; receipt?: number });
  readonly name: 'RoomError';
  readonly code: RoomErrorCode | string;
  /** The request it answers (`join`, `input`, …), when known. */
  readonly event?: string;
  /** The input's receipt, when the server gave one. */
  readonly receipt?: number;
  static from(payload: unknown, event?: string): RoomError;
  toJSON(): { code: string; message: string; event?: string; receipt?: number };
}

// ---- values -------------------------------------------------------------------

export interface Point { x: number; y: number }

/** A decoded snapshot (a join answer's, a replay frame's). */
export interface Snapshot {
  kind: string;
  logicVersion: number;
  roomID: string;
  /** The tick the state is at. */
  tick: number;
  /** The last operation already in the state. */
  operationSequence: number;
  /** Member ids in join order. */
  members: string[];
  /** The kind's state bytes. */
  state: Uint8Array;
  /** FNV-1a-64 of the state bytes, 16 hex digits (checked when decoding). */
  stateHash: string;
}

/** One operation of an `ops` batch, as sequenced by the room. */
export interface SequencedOperation {
  sequence: number;
  tick: number;
  payload: Uint8Array;
}

/** Position tables: entity id (a slot) → position. */
export type PositionTable = Map<number, Point>;

export interface Member {
  /** The member's slot (null for a kind the client has no codec for). */
  slot: number | null;
  /** The member id (the socket id of its join). */
  id: string;
}

// ---- kinds --------------------------------------------------------------------

/** How the client reads a room kind: give one to `connect({kinds})` for a kind of your own. */
export interface RoomKind<State = unknown, Operation = unknown, Inputs extends InputTable = InputTable> {
  name: string;
  decodeState(bytes: Uint8Array): State;
  decodeOperation(bytes: Uint8Array): Operation;
  /** Applies an operation to the state in place, by the server's rules; throws RoomError when it does not fit. */
  applyOperation(state: State, operation: Operation): void;
  /** The positions the state holds (the mirror's first table). */
  positions(state: State): PositionTable;
  members(state: State): Member[];
  inputs: Inputs;
}

export interface InputDefinition<Args extends unknown[] = any[]> {
  encode(...args: Args): Uint8Array;
  /** Sent with Socket.IO's volatile flag, never held while reconnecting. */
  volatile?: boolean;
}
export type InputTable = Record<string, InputDefinition>;

/** `room.inputs`: each input encoded and sent (returns what `room.send` returns). */
export type BoundInputs<Inputs extends InputTable> = {
  readonly [Name in keyof Inputs]: (...args: Parameters<Inputs[Name]['encode']>) => boolean;
};

// whiteboard

export interface WhiteboardMember { slot: number; id: string; color: number; cursor: Point | null }
export interface Stroke { authorSlot: number; id: number; color: number; width: number; points: Point[] }
export interface Shape { id: number; kind: 1 | 2 | 3; from: Point; to: Point; color: number }
export interface WhiteboardState {
  /** By slot; `cursor` as of the snapshot (live cursors: `room.positions`). */
  members: WhiteboardMember[];
  /** Committed, in commit order. */
  strokes: Stroke[];
  openStrokes: Stroke[];
  /** By id. */
  shapes: Shape[];
}
export type WhiteboardOperation =
  | { type: 'memberJoined'; slot: number; member: string; color: number }
  | { type: 'memberLeft'; slot: number }
  | { type: 'strokeBegan'; slot: number; id: number; color: number; width: number }
  | { type: 'pointsAppended'; slot: number; id: number; points: Point[] }
  | { type: 'strokeCommitted'; slot: number; id: number }
  | { type: 'strokeAbandoned'; slot: number; id: number }
  | { type: 'shapeAdded'; shape: Shape }
  | { type: 'shapeMoved'; id: number; from: Point; to: Point }
  | { type: 'shapeDeleted'; id: number }
  | { type: 'cleared' };

export type WhiteboardInputs = {
  cursor: InputDefinition<[x: number, y: number]>;
  beginStroke: InputDefinition<[id: number, color: number, width: number]>;
  appendPoints: InputDefinition<[id: number, points: Point[]]>;
  endStroke: InputDefinition<[id: number]>;
  addShape: InputDefinition<[id: number, kind: 1 | 2 | 3, from: Point, to: Point, color: number]>;
  moveShape: InputDefinition<[id: number, from: Point, to: Point]>;
  deleteShape: InputDefinition<[id: number]>;
  clear: InputDefinition<[]>;
};

export declare const WhiteboardInput: {
  readonly [Name in keyof WhiteboardInputs]: WhiteboardInputs[Name]['encode'];
};
export declare const whiteboardKind: RoomKind<WhiteboardState, WhiteboardOperation, WhiteboardInputs>;
export declare function decodeWhiteboardState(bytes: Uint8Array): WhiteboardState;
export declare function decodeWhiteboardOperation(bytes: Uint8Array): WhiteboardOperation;
export declare function applyWhiteboardOperation(state: WhiteboardState, operation: WhiteboardOperation): void;
export declare const WHITEBOARD_SIZE: 4096;
export declare const MAX_POINTS_PER_CHUNK: 256;
export declare const ShapeKind: { readonly rectangle: 1; readonly ellipse: 2; readonly line: 3 };

// arena

export interface ArenaPlayer {
  slot: number;
  member: string;
  /** On the 1/16-unit grid, as of the snapshot (null for a player joined since; live: `room.positions`). */
  x: number | null;
  y: number | null;
  /** Raw fixed point (1/256 unit), as of the snapshot. */
  raw: Point | null;
  dx: number;
  dy: number;
  buttons: number;
  score: number;
}
export interface Pickup { id: number; x: number; y: number }
export interface ArenaState { players: ArenaPlayer[]; pickups: Pickup[] }
export type ArenaOperation =
  | { type: 'playerJoined'; slot: number; member: string }
  | { type: 'playerLeft'; slot: number }
  | { type: 'pickupSpawned'; id: number; x: number; y: number }
  | { type: 'pickupCollected'; id: number; slot: number; score: number }
  | { type: 'emoted'; slot: number; code: number };

export type ArenaInputs = {
  move: InputDefinition<[dx: -1 | 0 | 1, dy: -1 | 0 | 1, buttons?: number]>;
  emote: InputDefinition<[code: number]>;
};

export declare const ArenaInput: {
  readonly [Name in keyof ArenaInputs]: ArenaInputs[Name]['encode'];
};
export declare const arenaKind: RoomKind<ArenaState, ArenaOperation, ArenaInputs>;
export declare function decodeArenaState(bytes: Uint8Array): ArenaState;
export declare function decodeArenaOperation(bytes: Uint8Array): ArenaOperation;
export declare function applyArenaOperation(state: ArenaState, operation: ArenaOperation): void;
export declare const ARENA_GRID: 65536;
export declare const ARENA_RAW_TO_GRID_SHIFT: 4;
export declare const ARENA_DASH: 1;

export interface BuiltInKinds {
  whiteboard: typeof whiteboardKind;
  arena: typeof arenaKind;
}
export declare const builtInKinds: Readonly<BuiltInKinds>;

// ---- rooms --------------------------------------------------------------------

export interface RoomOptions {
  /** Reliable inputs held while reconnecting (64). */
  queueLimit?: number;
  /** Acknowledged inputs waiting for their answer (256). */
  pendingRequestsLimit?: number;
  /** Milliseconds join, rejoin, leave and acknowledged inputs wait (10000). */
  timeout?: number;
  /** Errors kept in `stats.errors` (16). */
  errorHistory?: number;
  /** Rejoin attempts after a drop before giving up (8). */
  rejoinAttempts?: number;
  /** Milliseconds before the second attempt, doubling up to 8000 (250). */
  rejoinDelay?: number;
  /** Come back after a drop (true). */
  reconnect?: boolean;
  /** The largest snapshot accepted in chunks, in bytes (32 MiB); a larger announcement fails the join with `malformed`. */
  maxSnapshotBytes?: number;
}
export declare const ROOM_DEFAULTS: Readonly<Required<RoomOptions>>;

export type RoomStatus = 'joining' | 'joined' | 'reconnecting' | 'left';

/** Why a membership ended. */
export type LeaveReason =
  | 'left'            // room.leave()
  | 'roomClosed'      // the room stopped (server shutdown)
  | 'seatMoved'       // a rejoin with this seat came from another socket (another tab)
  | 'disconnected'    // the socket was closed by the app, or dropped with reconnect: false
  | 'reconnectFailed' // Socket.IO gave up reconnecting
  | 'rejoinFailed'    // back online, but the room could not be joined again
  | 'joinFailed';     // the first join failed (joinOrCreate rejected)

export interface RoomStats {
  deltas: number;
  deltaBytes: number;
  operations: number;
  reconnects: number;
  /** Reconnections that kept the seat (same member). */
  resumed: number;
  /** The newest errors reported by `error` events. */
  errors: { code: string; message: string }[];
}

export interface RoomEvents<State, Operation> {
  state: (state: State, snapshot: Snapshot) => void;
  operation: (operation: Operation, sequenced: SequencedOperation) => void;
  positions: (table: PositionTable, tick: number) => void;
  members: (members: Member[]) => void;
  error: (error: RoomError) => void;
  reconnecting: (info: { reason: string }) => void;
  reconnected: (info: { resumed: boolean; room: string; member: string }) => void;
  leave: (info: { reason: LeaveReason; error?: RoomError }) => void;
}

/** A room the client is in (from `joinOrCreate` or `rejoin`). */
export declare class Room<State = Uint8Array, Operation = Uint8Array, Inputs extends InputTable = {}> {
  /** The room's id (`whiteboard-1`). */
  readonly id: string;
  readonly kind: string;
  /** This member's id. */
  readonly member: string;
  readonly tickRate: number;
  /** The seat to come back with (null when the server has no seats). Secret: never log it. */
  readonly seat: string | null;
  /** Milliseconds the seat is held after a drop. */
  readonly grace: number | null;
  readonly status: RoomStatus;
  /** The newest snapshot. */
  readonly snapshot: Snapshot;
  /** The document, kept current by operations (the state bytes for a kind without codec). */
  readonly state: State;
  readonly members: Member[];
  readonly slot: number | null;
  /** The position mirror's newest table. */
  readonly positions: PositionTable;
  readonly positionsTick: number | null;
  readonly stats: RoomStats;
  /** The kind's inputs, encoded and sent with the right flag. */
  readonly inputs: BoundInputs<Inputs>;

  on<E extends keyof RoomEvents<State, Operation>>(event: E, listener: RoomEvents<State, Operation>[E]): () => void;
  onState(listener: RoomEvents<State, Operation>['state']): () => void;
  onOperation(listener: RoomEvents<State, Operation>['operation']): () => void;
  onPositions(listener: RoomEvents<State, Operation>['positions']): () => void;
  onMembers(listener: RoomEvents<State, Operation>['members']): () => void;
  onError(listener: RoomEvents<State, Operation>['error']): () => void;
  onReconnecting(listener: RoomEvents<State, Operation>['reconnecting']): () => void;
  onReconnect(listener: RoomEvents<State, Operation>['reconnected']): () => void;
  onLeave(listener: RoomEvents<State, Operation>['leave']): () => void;

  /** Sends an encoded input; reliable inputs are held while reconnecting. Returns whether it was sent or held. */
  send(bytes: Uint8Array, options?: { volatile?: boolean }): boolean;
  /** Sends an input with an ack: `{receipt, tick}` after its tick, or a RoomError. */
  request(bytes: Uint8Array): Promise<{ receipt: number; tick: number }>;
  /** Leaves (the seat is freed) and closes the socket the client opened. Never rejects. */
  leave(): Promise<void>;
}

export type WhiteboardRoom = Room<WhiteboardState, WhiteboardOperation, WhiteboardInputs>;
export type ArenaRoom = Room<ArenaState, ArenaOperation, ArenaInputs>;

type RoomOf<K extends string> =
  K extends 'whiteboard' ? WhiteboardRoom : K extends 'arena' ? ArenaRoom : Room<any, any, InputTable>;

export interface ConnectOptions {
  /** The Socket.IO client's `io` (default: the global one of socket.io.min.js). */
  io?: (url: string, options?: object) => any;
  /** Socket.IO options of the sockets the client opens. */
  socket?: object;
  /** Codecs of kinds of your own, by name. */
  kinds?: Record<string, RoomKind<any, any, any>>;
  /** Default options of every room. */
  room?: RoomOptions;
}

export interface RoomListing { id: string; kind: string; members: number; capacity: number }

export declare class RoomClient {
  constructor(target: string | object, options?: ConnectOptions);
  /** Joins the oldest room of `kind` with a free seat, or a new one. */
  joinOrCreate<K extends string>(kind: K, options?: RoomOptions & { kind?: RoomKind<any, any, any> }): Promise<RoomOf<K>>;
  /** Takes a kept seat back (same member), with a fresh snapshot; `unknownSeat` once it expired. */
  rejoin<K extends string>(seat: string, kind: K, options?: RoomOptions & { kind?: RoomKind<any, any, any> }): Promise<RoomOf<K>>;
  /** Live rooms, oldest first. */
  list(kind?: string): Promise<RoomListing[]>;
  /** Leaves every room, closes the sockets the client opened. */
  close(): Promise<void>;
}

/** A client for the server at `target` (its URL, or a Socket.IO socket of its /rooms namespace). */
export declare function connect(target: string | object, options?: ConnectOptions): RoomClient;
export declare const ROOMS_NAMESPACE: '/rooms';
export declare const SOCKET_DEFAULTS: Readonly<{ transports: string[]; forceNew: boolean }>;

// ---- replay -------------------------------------------------------------------

export interface ReplayInfo {
  session: number; kind: string; firstTick: number; lastTick: number; tickRate: number; speed: number; paused: boolean;
}
export interface ReplayFrame<State = unknown> { tick: number; hash: string; snapshot: Snapshot; state: State }

export declare class ReplayViewer {
  readonly info: ReplayInfo | null;
  readonly frame: ReplayFrame | null;
  on(event: 'info', listener: (info: ReplayInfo) => void): () => void;
  on(event: 'frame', listener: (frame: ReplayFrame<any>) => void): () => void;
  on(event: 'end' | 'diverged', listener: (info: { tick: number }) => void): () => void;
  on(event: 'connect', listener: () => void): () => void;
  on(event: 'disconnect', listener: (reason: string) => void): () => void;
  on(event: 'error', listener: (error: RoomError) => void): () => void;
  seek(tick: number): Promise<{ ok: true; tick: number }>;
  setSpeed(speed: number): Promise<{ ok: true; speed: number }>;
  pause(): Promise<{ ok: true; paused: boolean; tick: number }>;
  resume(): Promise<{ ok: true; paused: boolean; tick: number }>;
  close(): void;
}
export declare function watchReplay(url: string, options?: { io?: ConnectOptions['io']; socket?: object; kinds?: ConnectOptions['kinds'] }): ReplayViewer;

// ---- building blocks ----------------------------------------------------------

export declare class Reader {
  constructor(bytes: ArrayBuffer | ArrayBufferView);
  readonly atEnd: boolean;
  offset: number;
  u8(): number; i8(): number; u16(): number; u32(): number; i32(): number;
  u64(): { hi: number; lo: number };
  varint(): number; zigzag(): number;
  raw(n: number): Uint8Array; lengthPrefixed(): Uint8Array; string(): string;
  point(): Point; points(): Point[];
  end(): void;
}
export declare class Writer {
  u8(v: number): this; i8(v: number): this; u16(v: number): this; u32(v: number): this;
  varint(v: number): this; string(s: string): this; point(p: Point): this; points(points: Point[]): this;
  done(): Uint8Array;
}
export declare function asBytes(value: ArrayBuffer | ArrayBufferView): Uint8Array;
export declare function decodeSnapshot(bytes: ArrayBuffer | ArrayBufferView): Snapshot;
export declare function decodeOperationBatch(bytes: ArrayBuffer | ArrayBufferView): SequencedOperation[];
export declare function fnv1a64(bytes: Uint8Array): { hi: number; lo: number };
/** The default bound on a snapshot sent in chunks: 32 MiB. */
export declare const MAX_SNAPSHOT_BYTES: number;
/** Assembles a snapshot sent in chunks (`snapshot-chunk` events); throws `RoomError('malformed')` on an inconsistent stream. */
export declare class SnapshotAssembly {
  constructor(length: number, limit?: number);
  readonly length: number;
  readonly complete: boolean;
  /** Adds one chunk; the whole snapshot once complete, else null. */
  add(header: { offset: number; total: number }, chunk: ArrayBuffer | ArrayBufferView): Uint8Array | null;
}

export declare const MIRROR_HISTORY: 64;
export declare class PositionMirror {
  constructor(history?: number);
  readonly tick: number | null;
  readonly table: PositionTable;
  reset(): void;
  adopt(table: PositionTable, tick: number): void;
  /** The delta's tick to acknowledge, or null for a stale one. */
  receive(bytes: Uint8Array): number | null;
}

export declare const HELD_OPERATIONS_LIMIT: 4096;
export declare class OperationStream {
  constructor(limit?: number);
  readonly last: number | null;
  readonly expected: number | null;
  pause(): void;
  reset(): void;
  resume<T extends { sequence: number }>(sequence: number, leading?: T[]): T[];
  accept(operation: { sequence: number }): 'apply' | 'duplicate' | 'held' | 'gap';
}

export declare const ACK_DELAY_MS: 150;
export declare class DeltaAcknowledger {
  constructor(sendAck: (tick: number) => void, delayMs?: number);
  applied(tick: number): void;
  take(): number | null;
  takeArguments(): [] | [number];
  flush(): void;
  reset(): void;
}

export declare class Emitter {
  on(event: string, listener: (...args: any[]) => void): () => void;
  once(event: string, listener: (...args: any[]) => void): () => void;
  emit(event: string, ...args: any[]): boolean;
  clear(): void;
}

/** The SDK in one object. */
export declare const HuddleRooms: Readonly<{
  connect: typeof connect;
  watchReplay: typeof watchReplay;
  kinds: Readonly<BuiltInKinds>;
}>;
export default HuddleRooms;
