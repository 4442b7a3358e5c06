// Snapshots in chunks (docs/room-protocol.md, "Large snapshots"): the
// assembly byte by byte and at its boundaries, inconsistent streams, and a
// real `huddle serve --snapshot-chunk-bytes 1024` streaming a board of a
// few KiB to joiners (over WebSocket: the official client's polling needs
// XMLHttpRequest, which Node does not have; RoomClientTests cover polling).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RoomError, SnapshotAssembly, MAX_SNAPSHOT_BYTES, WhiteboardInput, connect } from '../../Assets/sdk/huddle-rooms.js';
import { SnapshotChunks } from '../../Assets/sdk/chunks.js';
import { agree, whiteboardDocument, withServer } from './support/rooms.mjs';
import { nextEvent, waitFor } from './support/wait.mjs';

const TIMEOUT = { timeout: 30000 };
const BYTES = Uint8Array.from({ length: 100 }, (_, i) => (i * 3) % 256);

test('assembly: byte by byte, complete exactly at the last byte', () => {
  const assembly = new SnapshotAssembly(BYTES.length);
  for (let offset = 0; offset < BYTES.length; offset++) {
    const result = assembly.add({ offset, total: BYTES.length }, BYTES.subarray(offset, offset + 1));
    assert.equal(result !== null, offset === BYTES.length - 1);
  }
  assert.ok(assembly.complete);
  assert.deepEqual(assembly.bytes, BYTES);
});

test('assembly: one chunk of the whole snapshot, chunks of a size that divides it', () => {
  assert.deepEqual(new SnapshotAssembly(100, 100).add({ offset: 0, total: 100 }, BYTES), BYTES);
  const quarters = new SnapshotAssembly(100);
  for (let start = 0; start < 100; start += 25) {
    const result = quarters.add({ offset: start, total: 100 }, BYTES.slice(start, start + 25).buffer);
    assert.equal(result !== null, start === 75);
  }
  assert.deepEqual(quarters.bytes, BYTES);
  assert.equal(MAX_SNAPSHOT_BYTES, 32 * 1024 * 1024);
});

test('assembly: empty, oversized and inconsistent streams fail with malformed, saying what was wrong', () => {
  const malformed = (pattern) => (error) => error instanceof RoomError && error.code === 'malformed' && pattern.test(error.message);
  assert.throws(() => new SnapshotAssembly(0), malformed(/0 bytes/));
  assert.throws(() => new SnapshotAssembly(11, 10), malformed(/limit of 10/));
  const fresh = () => new SnapshotAssembly(10);
  assert.throws(() => fresh().add({ offset: 1, total: 10 }, [1]), malformed(/offset 1, where 0/));
  assert.throws(() => { const a = fresh(); a.add({ offset: 0, total: 10 }, new Uint8Array(2)); a.add({ offset: 1, total: 10 }, new Uint8Array(1)); },
    malformed(/offset 1, where 2/));
  assert.throws(() => fresh().add({ offset: 0, total: 12 }, new Uint8Array(1)), malformed(/12-byte/));
  assert.throws(() => fresh().add({ offset: 0, total: 10 }, new Uint8Array(0)), malformed(/empty/));
  assert.throws(() => fresh().add({ offset: 0, total: 10 }, new Uint8Array(11)), malformed(/passes the end/));
  assert.throws(() => fresh().add({ total: 10 }, new Uint8Array(1)), malformed(/without \{offset, total\}/));
});

test('chunks of a socket: chunks read before the answer\'s continuation, a wrong announcement, a drop', async () => {
  const chunks = new SnapshotChunks();
  chunks.expect();
  chunks.receive({ offset: 0, total: 4 }, new Uint8Array([1, 2]));
  chunks.receive({ offset: 2, total: 4 }, new Uint8Array([3, 4]));
  assert.deepEqual(await chunks.bytesOf({ snapshotStream: { length: 4, chunks: 2 } }), new Uint8Array([1, 2, 3, 4]));

  chunks.expect();
  chunks.receive({ offset: 0, total: 4 }, new Uint8Array([1]));
  await assert.rejects(chunks.bytesOf({ snapshotStream: { length: 5, chunks: 1 } }), /announcement of 5 bytes/);

  chunks.expect();
  const pending = chunks.bytesOf({ snapshotStream: { length: 4, chunks: 2 } });
  chunks.abandon(new RoomError('disconnected', 'gone'));
  await assert.rejects(pending, (error) => error.code === 'disconnected');

  chunks.expect();
  assert.equal(await chunks.bytesOf({ snapshot: BYTES }), BYTES, 'an inline snapshot is the answer\'s own');
});

/** Six committed strokes of 256 points: a board of about 6 KiB. */
async function drawBoard(room) {
  for (let id = 1; id <= 6; id++) {
    room.inputs.beginStroke(id, 0x3366ff, 2);
    room.inputs.appendPoints(id, Array.from({ length: 256 }, (_, i) => ({ x: i, y: id * 8 })));
    await room.request(WhiteboardInput.endStroke(id));  // acknowledged: the stroke is on the board after it
  }
}

test('a multi-chunk snapshot reaches two late joiners whole; operations follow it', TIMEOUT, () => withServer(async ({ client }) => {
  const alice = await client.joinOrCreate('whiteboard');
  await drawBoard(alice);
  const bob = await client.joinOrCreate('whiteboard');
  const carol = await client.joinOrCreate('whiteboard');
  const lateChunks = [];
  for (const joiner of [bob, carol]) {
    assert.equal(joiner.id, alice.id);
    assert.equal(joiner.state.strokes.length, 6);
    assert.ok(joiner.snapshot.state.length > 6 * 1024, `a board of ${joiner.snapshot.state.length} bytes`);
    joiner.socket.on('snapshot-chunk', () => lateChunks.push(joiner.member));
  }
  alice.inputs.clear();
  await waitFor('carol and bob to see the board cleared', () => carol.state.strokes.length === 0 && bob.state.strokes.length === 0);
  await agree('alice, bob and carol to agree', whiteboardDocument, alice, bob, carol);
  assert.deepEqual(lateChunks, [], 'no chunk after the join');
  assert.deepEqual(bob.stats.errors, []);
  assert.deepEqual(carol.stats.errors, []);
}, '--snapshot-chunk-bytes', '1024'));

test('a snapshot over the client\'s bound fails the join with malformed, naming the limit', TIMEOUT, () => withServer(async ({ client }) => {
  const alice = await client.joinOrCreate('whiteboard');
  await drawBoard(alice);
  await assert.rejects(client.joinOrCreate('whiteboard', { maxSnapshotBytes: 2048 }),
    (error) => error instanceof RoomError && error.code === 'malformed' && /limit of 2048/.test(error.message));
  await waitFor('the refused joiner to be gone', async () => (await client.list('whiteboard'))[0]?.members === 1);
}, '--snapshot-chunk-bytes', '1024'));

test('a resync takes the seat back with a fresh snapshot, streamed in chunks', TIMEOUT, () => withServer(async ({ url, io }) => {
  const client = connect(url, { io, socket: { reconnectionDelay: 50, reconnectionDelayMax: 250, randomizationFactor: 0 } });
  try {
    const alice = await client.joinOrCreate('whiteboard');
    const bob = await client.joinOrCreate('whiteboard');
    await drawBoard(alice);
    await waitFor('bob to see the board', () => bob.state.strokes.length === 6);
    const memberBefore = bob.member;
    const reconnected = nextEvent(bob, 'reconnected');
    // A document the client no longer trusts: it rejoins without a sequence, so the answer is a snapshot.
    bob.resync(new RoomError('malformed', 'a test resync'));
    const [{ resumed, member }] = await reconnected;
    assert.equal(resumed, true);
    assert.equal(member, memberBefore);
    assert.equal(bob.state.strokes.length, 6);
    assert.ok(bob.snapshot.state.length > 6 * 1024);
    alice.inputs.clear();
    await waitFor('bob to see the board cleared', () => bob.state.strokes.length === 0);
    await agree('alice and bob to agree', whiteboardDocument, alice, bob);
  } finally {
    await client.close();
  }
}, '--snapshot-chunk-bytes', '1024'));
