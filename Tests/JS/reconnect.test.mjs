// Reconnection against a real `huddle serve`: a dropped connection comes
// back into the room (the same seat when the server issues seats,
// docs/room-protocol.md "Seats"; a fresh join otherwise), reliable inputs
// sent meanwhile are delivered once back, a gap in the operations is
// repaired with a fresh snapshot, a kept seat survives a page reload.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Writer, WhiteboardInput, connect } from '../../Assets/sdk/huddle-rooms.js';
import { agree, dropConnection, whiteboardDocument, withServer } from './support/rooms.mjs';
import { nextEvent, waitFor } from './support/wait.mjs';

const TIMEOUT = { timeout: 30000 };
const FAST = { reconnectionDelay: 100, reconnectionDelayMax: 200 };
const NO_SEATS = 'this server issues no seats (docs/room-protocol.md, "Seats")';

test('a dropped connection comes back into the room; inputs sent meanwhile are delivered', TIMEOUT, () => withServer(async ({ url, io }) => {
  const client = connect(url, { io, socket: FAST });
  try {
    const alice = await client.joinOrCreate('whiteboard');
    const bob = await client.joinOrCreate('whiteboard');
    alice.inputs.beginStroke(1, 0xff0000, 6);
    alice.inputs.appendPoints(1, [{ x: 1, y: 1 }, { x: 2, y: 2 }]);
    alice.inputs.endStroke(1);
    await waitFor('bob to see the stroke', () => bob.state.strokes.length === 1);
    const memberBefore = alice.member;
    const reconnecting = nextEvent(alice, 'reconnecting');
    const reconnected = nextEvent(alice, 'reconnected');

    dropConnection(alice);
    assert.equal(alice.status, 'reconnecting');
    assert.equal(alice.send(WhiteboardInput.addShape(5, 2, { x: 1, y: 1 }, { x: 50, y: 50 }, 0xff)), true, 'held');
    assert.equal(alice.inputs.cursor(9, 9), false, 'a volatile input is dropped, not held');
    const answer = alice.request(WhiteboardInput.moveShape(5, { x: 2, y: 2 }, { x: 60, y: 60 }));

    assert.ok((await reconnecting)[0].reason);
    const [{ resumed, member }] = await reconnected;
    assert.equal(alice.status, 'joined');
    assert.equal(resumed, alice.seat !== null);
    assert.equal(member === memberBefore, alice.seat !== null, 'the same member with a seat, a new one without');
    assert.ok((await answer).receipt > 0, 'a held request is sent and answered once back');
    await waitFor('bob to see the shape sent while alice was away', () => bob.state.shapes[0]?.to.x === 60);
    assert.equal(alice.state.strokes.length, 1, 'the document survived');
    await agree('alice and bob to agree', whiteboardDocument, alice, bob);
    assert.equal(alice.stats.reconnects, 1);
    assert.equal(alice.stats.resumed, resumed ? 1 : 0);
  } finally {
    await client.close();
  }
}));

test('a gap in the operations is reported and repaired with a fresh snapshot', TIMEOUT, () => withServer(async ({ url, io }) => {
  const client = connect(url, { io, socket: FAST });
  try {
    const alice = await client.joinOrCreate('whiteboard');
    const bob = await client.joinOrCreate('whiteboard');
    bob.inputs.addShape(3, 1, { x: 1, y: 1 }, { x: 9, y: 9 }, 0xff);
    await waitFor('alice to see the shape', () => alice.state.shapes.length === 1);
    const errors = [];
    alice.onError((error) => errors.push(error));
    const snapshots = [];
    alice.onState((state, snapshot) => snapshots.push(snapshot));
    const reconnected = nextEvent(alice, 'reconnected');
    // An ops batch that skips a sequence, as a broken transport could deliver it.
    const skipped = new Writer().varint(alice.stream.last + 2).varint(1).varint(1).u8(0x0a).done();
    alice.socket.listeners('ops')[0](skipped.buffer, () => {});
    assert.equal(errors[0]?.code, 'operationGap');
    assert.equal(alice.state.shapes.length, 1, 'the operation after the gap was not applied');
    await reconnected;
    assert.equal(snapshots.length, 1, 'a fresh snapshot replaced the document');
    bob.inputs.deleteShape(3);
    await waitFor('alice to follow the room again', () => alice.state.shapes.length === 0);
    await agree('alice and bob to agree', whiteboardDocument, alice, bob);
  } finally {
    await client.close();
  }
}));

test('with a seat: the others see nothing, the open stroke stays open, missed operations are replayed', TIMEOUT, async (t) => {
  await withServer(async ({ url, io }) => {
    const client = connect(url, { io, socket: FAST });
    try {
      const alice = await client.joinOrCreate('whiteboard');
      if (alice.seat === null) return t.skip(NO_SEATS);
      assert.ok(alice.grace > 0);
      const bob = await client.joinOrCreate('whiteboard');
      const bobMembers = [];
      bob.onMembers((members) => bobMembers.push(members.length));
      alice.inputs.beginStroke(4, 0xff, 6);
      alice.inputs.appendPoints(4, [{ x: 1, y: 1 }]);
      await waitFor('bob to see alice\'s open stroke', () => bob.state.openStrokes.length === 1);
      const slot = alice.slot, member = alice.member;
      const reconnected = nextEvent(alice, 'reconnected');
      alice.socket.io.reconnection(false);  // stay away until bob has drawn
      dropConnection(alice);
      bob.inputs.addShape(8, 3, { x: 1, y: 1 }, { x: 2, y: 2 }, 0xff);
      await waitFor('bob to see his shape', () => bob.state.shapes.length === 1);
      alice.socket.io.reconnection(true);
      alice.socket.connect();
      const [{ resumed }] = await reconnected;
      assert.equal(resumed, true);
      assert.deepEqual([alice.member, alice.slot], [member, slot]);
      assert.equal(alice.state.shapes.length, 1, 'the operation missed while away was replayed');
      alice.inputs.appendPoints(4, [{ x: 2, y: 2 }]);
      alice.inputs.endStroke(4);
      await waitFor('bob to see the stroke committed', () => bob.state.strokes[0]?.points.length === 2);
      assert.deepEqual(bobMembers, [], 'bob never saw alice leave');
    } finally {
      await client.close();
    }
  });
});

test('with a seat: a reloaded page takes the seat back; the old socket hears seatMoved', TIMEOUT, async (t) => {
  await withServer(async ({ url, io }) => {
    const first = connect(url, { io, socket: FAST });
    const second = connect(url, { io, socket: FAST });
    try {
      const alice = await first.joinOrCreate('whiteboard');
      if (alice.seat === null) return t.skip(NO_SEATS);
      const left = nextEvent(alice, 'leave');
      const again = await second.rejoin(alice.seat, 'whiteboard');
      assert.equal(again.member, alice.member);
      assert.equal(again.slot, alice.slot);
      assert.equal((await left)[0].reason, 'seatMoved');
      await again.leave();
      await assert.rejects(second.rejoin(alice.seat, 'whiteboard'), (error) => error.code === 'unknownSeat');
    } finally {
      await first.close();
      await second.close();
    }
  });
});
