// What the room tests share: a server and a client per test, documents
// compared without what only deltas move (cursors, positions).
import { connect } from '../../../Assets/sdk/huddle-rooms.js';
import { loadIO, startHuddle } from './server.mjs';
import { waitFor } from './wait.mjs';

const io = loadIO();

/**
 * Runs `body({server, client, url, io})` against a fresh `huddle serve`;
 * closes the client and stops the server (which must exit 0) afterwards.
 */
export async function withServer(body, ...args) {
  const server = await startHuddle(...args);
  const client = connect(server.url, { io });
  try {
    await body({ server, client, url: server.url, io });
  } finally {
    await client.close();
    const code = await server.stop();
    if (code !== 0) throw new Error(`huddle serve exited with ${code}: ${server.stderr()}`);
  }
}

/** A whiteboard document without cursors (they move by deltas, not operations). */
export function whiteboardDocument(state) {
  return {
    members: state.members.map(({ slot, id, color }) => ({ slot, id, color })),
    strokes: state.strokes,
    openStrokes: state.openStrokes,
    shapes: state.shapes,
  };
}

/** An arena document without positions. */
export function arenaDocument(state) {
  return {
    players: state.players.map(({ slot, member, score }) => ({ slot, member, score })),
    pickups: state.pickups,
  };
}

/** The drop of a connection as the server sees a closed tab: the transport closes, Socket.IO reconnects. */
export function dropConnection(room) {
  room.socket.io.engine.close();
}

/**
 * Waits until every room's `document(state)` is the same (each member gets
 * a tick's operations on its own socket, so they agree a moment apart).
 */
export function agree(what, document, ...rooms) {
  const of = (room) => JSON.stringify(document(room.state));
  return waitFor(what, () => rooms.every((room) => of(room) === of(rooms[0])));
}
