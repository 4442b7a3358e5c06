// The room kinds the SDK knows out of the box (what `huddle serve` runs).
import { whiteboardKind } from './whiteboard.js';
import { arenaKind } from './arena.js';

/**
 * The built-in kinds by name. A room of a kind not listed here (or in
 * `connect`'s `kinds` option) still works: its state and operations are
 * delivered as bytes.
 */
export const builtInKinds = Object.freeze({ whiteboard: whiteboardKind, arena: arenaKind });
