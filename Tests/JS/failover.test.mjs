// Failover with the JavaScript SDK (docs/room-cluster.md, "Failover"): two
// `huddle serve` nodes on one Redis and one PostgreSQL store; the node that
// owns the room is killed with SIGKILL. The other node resumes the room from
// the store and closes its members' transports (a resync, the seat kept);
// the SDK reconnects and rejoins its seat on its own and goes on. Asserts
// what happened, never how fast.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect } from '../../Assets/sdk/huddle-rooms.js';
import { sessions, startBackends, startNode } from './support/cluster.mjs';
import { agree, whiteboardDocument } from './support/rooms.mjs';
import { loadIO } from './support/server.mjs';
import { nextEvent, waitFor } from './support/wait.mjs';

const TIMEOUT = { timeout: 120000 };
const HANG = 30000;
const FAST = { reconnectionDelay: 100, reconnectionDelayMax: 200 };
const io = loadIO();

/** Every event of a room, in order (for the assertions' messages). */
function journal(room) {
  const seen = [];
  for (const event of ['reconnecting', 'reconnected', 'error', 'leave', 'state']) {
    room.on(event, (payload) => seen.push(event === 'state' ? 'state' : `${event} ${JSON.stringify(payload, (k, v) => (v instanceof Error ? { code: v.code, message: v.message } : v))}`));
  }
  return seen;
}

test('the SDK rides out the kill of its room\'s owner: it rejoins its seat in the resumed room and goes on', TIMEOUT, async (t) => {
  const backends = await startBackends(t);
  if (!backends) return;
  const cluster = { store: backends.postgres.url, redis: backends.redis.url };
  const nodes = [];
  const clients = [];
  try {
    const a = await startNode({ ...cluster, name: 'node-a' });
    nodes.push(a);
    const b = await startNode({ ...cluster, name: 'node-b' });
    nodes.push(b);
    const onA = connect(a.url, { io, socket: FAST });
    clients.push(onA);
    const onB = connect(b.url, { io, socket: FAST });
    clients.push(onB);

    // Alice on node A creates the room (A owns it); Bob on node B joins it.
    const alice = await onA.joinOrCreate('whiteboard');
    assert.equal(alice.id, 'whiteboard-1');
    const bob = await onB.joinOrCreate('whiteboard');
    assert.equal(bob.id, 'whiteboard-1', 'bob joined the room owned by node A');
    assert.ok(bob.seat, 'a cluster with a store issues seats');
    await waitFor('both to see two members', () => alice.members.length === 2 && bob.members.length === 2, HANG);

    // A shape each, a finished stroke of Alice's, an open stroke of Bob's.
    const answers = await Promise.all([
      alice.request(alice.codec.inputs.addShape.encode(1, 1, { x: 1, y: 1 }, { x: 20, y: 20 }, 0xff0000)),
      bob.request(bob.codec.inputs.addShape.encode(2, 2, { x: 30, y: 30 }, { x: 60, y: 60 }, 0x00ff00)),
      alice.request(alice.codec.inputs.beginStroke.encode(3, 0x0000ff, 4)),
      alice.request(alice.codec.inputs.appendPoints.encode(3, [{ x: 1, y: 2 }, { x: 3, y: 4 }])),
      alice.request(alice.codec.inputs.endStroke.encode(3)),
      bob.request(bob.codec.inputs.beginStroke.encode(4, 0xff00ff, 6)),
      bob.request(bob.codec.inputs.appendPoints.encode(4, [{ x: 5, y: 6 }, { x: 7, y: 8 }])),
    ]);
    const lastTick = Math.max(...answers.map((answer) => answer.tick));
    const drawn = (room) => room.state.shapes.length === 2 && room.state.strokes.length === 1
      && room.state.openStrokes.length === 1 && room.state.openStrokes[0].points?.length === 2;
    await waitFor('both to see the shapes and strokes', () => drawn(alice) && drawn(bob), HANG);
    await agree('alice and bob to agree', whiteboardDocument, alice, bob);
    const before = JSON.stringify(whiteboardDocument(bob.state));

    // Committed: the recording reached the tick of the last input.
    let first = null;
    await waitFor(`the store to record tick ${lastTick} of whiteboard-1`, async () => {
      first = (await sessions(cluster.store)).find((s) => s.room === 'whiteboard-1');
      return first && first.lastTick >= lastTick;
    }, HANG);

    // kill -9 of the owner. Alice's server is gone: her client stops trying.
    const member = bob.member, slot = bob.slot, seat = bob.seat;
    const bobEvents = journal(bob);
    const reconnected = nextEvent(bob, 'reconnected', HANG);
    reconnected.catch(() => {});
    alice.socket.io.reconnection(false);
    await a.kill();

    // Bob's client comes back on its own: the same seat in the resumed room.
    const [back] = await reconnected.catch((error) => { throw new Error(`${error.message}; bob's events: ${bobEvents.join(' | ')}; node B: ${b.stderr()}`); });
    t.diagnostic(`bob's events after the kill: ${bobEvents.join(' | ')}`);
    assert.equal(back.resumed, true, bobEvents.join(' | '));
    assert.equal(back.room, 'whiteboard-1');
    assert.equal(bob.status, 'joined');
    assert.deepEqual([bob.member, bob.slot], [member, slot], 'the same member in the same slot');
    assert.equal(bob.seat, seat);
    assert.equal(JSON.stringify(whiteboardDocument(bob.state)), before, 'the committed shapes and strokes, the open stroke still open');

    // And goes on: the resumed room ticks his inputs.
    const added = await bob.request(bob.codec.inputs.addShape.encode(5, 1, { x: 70, y: 70 }, { x: 90, y: 90 }, 0x00ffff));
    assert.ok(added.receipt > 0 && added.tick >= lastTick, JSON.stringify(added));
    await waitFor('bob to see his new shape', () => bob.state.shapes.some((shape) => shape.id === 5), HANG);
    bob.inputs.appendPoints(4, [{ x: 9, y: 10 }]);
    bob.inputs.endStroke(4);
    await waitFor('bob to see his stroke finished', () => bob.state.strokes.length === 2 && bob.state.openStrokes.length === 0, HANG);
    assert.equal(bob.state.strokes.find((stroke) => stroke.id === 4)?.points.length, 3);
    assert.equal(bob.state.shapes.length, 3);

    await onA.close();
    await onB.close();
    assert.equal(await b.stop(), 0, `node B exited uncleanly: ${b.stderr()}`);

    const recorded = (await sessions(cluster.store)).filter((s) => s.room === 'whiteboard-1').sort((x, y) => x.id - y.id);
    assert.equal(recorded.length, 2, JSON.stringify(recorded));
    const [dead, resumed] = recorded;
    assert.equal(dead.id, first.id);
    assert.equal(resumed.resumedFromSession, dead.id, JSON.stringify(resumed));
    assert.equal(dead.status, 'incomplete', JSON.stringify(dead));
    // Alice's seat was still held (her node died, she never came back), so
    // node B, stopping, handed the room over rather than closing it: its
    // session stays open for the next node, which none of them is.
    assert.equal(resumed.status, 'incomplete', JSON.stringify(resumed));
  } finally {
    for (const client of clients) {
      for (const room of client.rooms) room.socket.io.reconnection(false);
      await client.close();
    }
    for (const node of nodes) await node.kill();
    await backends.stop();
  }
});
