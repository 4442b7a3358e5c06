// The SDK against a real `huddle serve`: join, inputs, operations in order,
// a late joiner's snapshot, the position mirror and its acknowledgements,
// errors, leave, the end of a room.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RoomError, WhiteboardInput, ArenaInput, connect } from '../../Assets/sdk/huddle-rooms.js';
import { agree, arenaDocument, whiteboardDocument, withServer } from './support/rooms.mjs';
import { nextEvent, recordEmits, waitFor, waitForQuiet } from './support/wait.mjs';
import { AXES, apart, freeRun } from './support/arena.mjs';

const TIMEOUT = { timeout: 30000 };

test('join: the snapshot is in place, members are known to both sides, list shows the room', TIMEOUT, () => withServer(async ({ client }) => {
  const alice = await client.joinOrCreate('whiteboard');
  assert.equal(alice.status, 'joined');
  assert.match(alice.id, /^whiteboard-\d+$/);
  assert.equal(alice.kind, 'whiteboard');
  assert.equal(alice.tickRate, 20);
  assert.equal(alice.snapshot.kind, 'whiteboard');
  assert.deepEqual(alice.members, [{ slot: 0, id: alice.member }]);
  assert.equal(alice.slot, 0);
  const joined = nextEvent(alice, 'members');
  const bob = await client.joinOrCreate('whiteboard');
  assert.equal(bob.id, alice.id, 'join-or-create picks the room with a free seat');
  assert.deepEqual(bob.members.map((m) => m.id), [alice.member, bob.member]);
  const [members] = await joined;
  assert.deepEqual(members.map((m) => m.slot), [0, 1]);
  assert.deepEqual(await client.list('whiteboard'), [{ id: alice.id, kind: 'whiteboard', members: 2, capacity: 32 }]);
}));

test('inputs become operations, delivered in order to every member; a late joiner\'s snapshot holds the same document', TIMEOUT, () => withServer(async ({ client }) => {
  const alice = await client.joinOrCreate('whiteboard');
  const bob = await client.joinOrCreate('whiteboard');
  const sequences = [];
  bob.onOperation((op, sequenced) => sequences.push(sequenced.sequence));
  alice.inputs.beginStroke(1, 0xe6194b, 6);
  for (let chunk = 0; chunk < 5; chunk++) {
    alice.inputs.appendPoints(1, Array.from({ length: 40 }, (_, i) => ({ x: chunk * 40 + i, y: 2 * i })));
  }
  alice.inputs.endStroke(1);
  bob.inputs.addShape(7, 1, { x: 10, y: 10 }, { x: 300, y: 200 }, 0x4363d8);
  bob.inputs.beginStroke(1, 0x3cb44b, 3);
  bob.inputs.appendPoints(1, [{ x: 5, y: 5 }]);
  await waitFor('alice to see bob\'s shape', () => alice.state.shapes.length === 1);
  const answer = await alice.request(WhiteboardInput.moveShape(7, { x: 20, y: 20 }, { x: 310, y: 210 }));
  assert.ok(answer.receipt > 0 && answer.tick > 0, JSON.stringify(answer));
  await waitFor('bob to see the moved shape', () => bob.state.shapes[0]?.from.x === 20);
  assert.deepEqual(sequences, sequences.map((_, i) => sequences[0] + i), 'every sequence once, in order');
  assert.equal(bob.state.strokes[0].points.length, 200);
  await agree('alice and bob to agree', whiteboardDocument, alice, bob);

  const carol = await client.joinOrCreate('whiteboard');
  assert.equal(carol.state.openStrokes.length, 1, 'bob\'s stroke in progress is in the snapshot');
  await agree('alice, bob and carol to agree', whiteboardDocument, alice, bob, carol);
}));

test('the position mirror converges and its acknowledgements keep deltas small, then stop them', TIMEOUT, () => withServer(async ({ client }) => {
  const alice = await client.joinOrCreate('whiteboard');
  const bob = await client.joinOrCreate('whiteboard');
  const aliceSent = recordEmits(alice.socket);
  const bobSent = recordEmits(bob.socket);
  const ages = [];
  bob.socket.on('delta', (bytes) => { const b = new Uint8Array(bytes); if (b[0] === 2) ages.push(b[2]); });
  for (let i = 0; i < 20; i++) {
    alice.inputs.cursor(100 + 37 * i, 4000 - 150 * i);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  const last = { x: 100 + 37 * 19, y: 4000 - 150 * 19 };
  await waitFor('bob\'s mirror to reach alice\'s cursor', () => bob.positions.get(alice.slot)?.x === last.x && bob.positions.get(alice.slot)?.y === last.y);
  await waitFor('alice\'s own mirror too', () => alice.positions.get(alice.slot)?.x === last.x);
  // Once acknowledged, an unchanged table costs nothing: the deltas stop
  // (without acknowledgements every delta would repeat the change).
  await waitForQuiet('bob\'s deltas to stop', () => bob.stats.deltas, 500);
  assert.ok(ages.length > 0 && Math.max(...ages) <= 12, `baseline ages stay small: ${ages}`);
  // Bob sends no input: he acknowledges with delta-ack; alice's acks ride on her cursor inputs.
  assert.ok(bobSent.some((e) => e.event === 'delta-ack'), 'bob sent delta-acks');
  assert.ok(aliceSent.some((e) => e.event === 'input' && e.args.length === 2 && Number.isInteger(e.args[1])), 'an input carried an ack');
  assert.deepEqual(bob.stats.errors, []);
}));

test('arena: a move shows up in the other player\'s mirror; scores and pickups agree with a late joiner', TIMEOUT, () => withServer(async ({ client }) => {
  const alice = await client.joinOrCreate('arena');
  const bob = await client.joinOrCreate('arena');
  assert.equal(alice.tickRate, 30);
  await waitFor('both players in both mirrors', () => alice.positions.size === 2 && bob.positions.size === 2);
  // The room seeds itself at random: the run is derived from where the
  // players are, not from the layout. Players that spawned overlapping are
  // pushed apart first; once apart, nothing moves until an input does.
  await waitFor('the players apart', () => apart(bob.positions.get(alice.slot), bob.positions.get(bob.slot)));
  const at = (room) => ({ ...bob.positions.get(room.slot) });
  const runs = [[alice, bob], [bob, alice]].flatMap(([mover, other]) =>
    AXES.map((axis) => ({ mover, other, axis, run: freeRun(at(mover), axis, [at(other)], 16) })));
  const { mover, other, axis: [dx, dy], run } = runs.reduce((best, next) => (next.run > best.run ? next : best));
  const distance = 500;
  assert.ok(run >= distance, `no free run of ${distance} grid units: ${JSON.stringify(runs.map((r) => r.run))}`);
  const start = at(mover);
  const along = (p) => (dx ? (p.x - start.x) * dx : (p.y - start.y) * dy);
  mover.inputs.move(dx, dy);
  await waitFor(`the mover to go ${distance} grid units in the other player's mirror`, () => along(other.positions.get(mover.slot)) >= distance);
  mover.inputs.move(0, 0);
  await waitFor('both mirrors to agree on the mover', () => {
    const a = alice.positions.get(mover.slot), b = bob.positions.get(mover.slot);
    return a.x === b.x && a.y === b.y;
  });
  // (Pickups spawn and are taken on their own: the emote is the operation of its type.)
  const emotes = [];
  const off = bob.onOperation((op) => { if (op.type === 'emoted') emotes.push(op); });
  alice.send(ArenaInput.emote(2));
  await waitFor('bob to see alice\'s emote', () => emotes.length > 0);
  off();
  assert.deepEqual(emotes, [{ type: 'emoted', slot: alice.slot, code: 2 }]);
  const carol = await client.joinOrCreate('arena');
  await waitFor('everyone to see carol', () => alice.members.length === 3 && bob.members.length === 3);
  // (Pickups may spawn or be taken meanwhile: the three agree once the tick's operations reached all.)
  await agree('alice, bob and carol to agree', arenaDocument, alice, bob, carol);
}));

test('errors: an unknown kind, a malformed input, a refused request, an oversized input', TIMEOUT, () => withServer(async ({ client }) => {
  await assert.rejects(client.joinOrCreate('chess'), (error) => error instanceof RoomError && error.code === 'unknownRoomKind');
  const room = await client.joinOrCreate('whiteboard');
  const errors = [];
  room.onError((error) => errors.push(error));
  assert.equal(room.send(new Uint8Array([0xff])), true);
  await waitFor('the malformed input\'s room-error', () => errors.length === 1);
  assert.equal(errors[0].code, 'malformed');
  assert.equal(errors[0].event, 'input');
  await assert.rejects(room.request(WhiteboardInput.endStroke(999)), (error) => {
    assert.equal(error.code, 'unknownElement');
    assert.ok(error.receipt > 0);
    return true;
  });
  await assert.rejects(room.request(new Uint8Array(2000)), (error) => error.code === 'inputTooLarge');
  await assert.rejects(room.request(WhiteboardInput.beginStroke(1, 0xff, 0)), (error) => error.code === 'outOfRange');
  assert.deepEqual(room.stats.errors.map((e) => e.code), ['malformed'], 'acked refusals are not events');
  assert.equal(room.status, 'joined', 'a refused input changes nothing');
}));

test('leave: the others see the member go; the room refuses further inputs', TIMEOUT, () => withServer(async ({ client }) => {
  const alice = await client.joinOrCreate('whiteboard');
  const bob = await client.joinOrCreate('whiteboard');
  const left = nextEvent(alice, 'leave');
  const gone = nextEvent(bob, 'members');
  await alice.leave();
  assert.deepEqual((await left)[0], { reason: 'left' });
  assert.deepEqual((await gone)[0].map((m) => m.id), [bob.member]);
  assert.equal(alice.status, 'left');
  assert.equal(alice.socket.connected, false, 'the client closed the socket it opened');
  assert.equal(alice.send(WhiteboardInput.clear()), false);
  await assert.rejects(alice.request(WhiteboardInput.clear()), (error) => error.code === 'left');
  await alice.leave();  // again: nothing happens
}));

test('a socket of your own: the client uses it and leaves it open', TIMEOUT, () => withServer(async ({ url, io }) => {
  const socket = io(url + '/rooms', { transports: ['websocket'], forceNew: true });
  const client = connect(socket);
  const room = await client.joinOrCreate('whiteboard');
  assert.equal(room.members.length, 1);
  await room.leave();
  assert.equal(socket.connected, true);
  const again = await client.joinOrCreate('arena');
  assert.equal(again.kind, 'arena');
  await again.leave();
  socket.disconnect();
}));

test('a server shutdown ends the room: roomClosed when the server says so, else reconnectFailed once Socket.IO gives up', TIMEOUT, async () => {
  await withServer(async ({ server, url, io }) => {
    const client = connect(url, { io, socket: { reconnectionAttempts: 2, reconnectionDelay: 50, reconnectionDelayMax: 50 } });
    const room = await client.joinOrCreate('whiteboard');
    const left = nextEvent(room, 'leave');
    assert.equal(await server.stop(), 0);
    const [{ reason }] = await left;
    // A server with seats sends room-closed before it closes the connections (docs/room-protocol.md).
    assert.equal(reason, room.seat !== null ? 'roomClosed' : 'reconnectFailed');
    assert.equal(room.status, 'left');
  });
});
