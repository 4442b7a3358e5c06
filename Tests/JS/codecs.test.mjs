// The SDK's pure parts, byte by byte: primitives, the state hash,
// snapshots, the position mirror, the operation stream, the ack scheduler,
// the built-in kinds' codecs and operation rules.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  Reader, Writer, RoomError, fnv1a64, decodeSnapshot, decodeOperationBatch, PositionMirror, OperationStream,
  DeltaAcknowledger, WhiteboardInput, decodeWhiteboardOperation, decodeWhiteboardState, applyWhiteboardOperation,
  ArenaInput, decodeArenaOperation, applyArenaOperation, decodeArenaState, HuddleRooms, connect,
} from '../../Assets/sdk/huddle-rooms.js';

const hex = (bytes) => Buffer.from(bytes).toString('hex');
const code = (c) => (error) => error instanceof RoomError && error.code === c;

describe('primitives', () => {
  test('varints, zigzag and strings round-trip; out-of-range values throw outOfRange', () => {
    const bytes = new Writer().varint(0).varint(127).varint(128).varint(300).varint(2 ** 40).string('héllo').done();
    assert.equal(hex(bytes.subarray(0, 6)), '007f8001ac02');
    const r = new Reader(bytes);
    assert.deepEqual([r.varint(), r.varint(), r.varint(), r.varint(), r.varint(), r.string()], [0, 127, 128, 300, 2 ** 40, 'héllo']);
    r.end();
    assert.deepEqual([0, 1, 2, 3, 4].map((v) => new Reader(new Uint8Array([v])).zigzag()), [0, -1, 1, -2, 2]);
    assert.throws(() => new Writer().u16(65536), code('outOfRange'));
    assert.throws(() => new Writer().u8(1.5), code('outOfRange'));
    assert.throws(() => new Writer().varint(-1), code('outOfRange'));
  });

  test('reading past the end throws truncated; trailing bytes throw malformed', () => {
    assert.throws(() => new Reader(new Uint8Array([1])).u16(), code('truncated'));
    assert.throws(() => new Reader(new Uint8Array([0x80])).varint(), code('truncated'));
    const r = new Reader(new Uint8Array([1, 2]));
    r.u8();
    assert.throws(() => r.end(), code('malformed'));
  });

  test('FNV-1a-64 matches the published vectors', () => {
    const of = (text) => { const { hi, lo } = fnv1a64(new TextEncoder().encode(text)); return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0'); };
    assert.equal(of(''), 'cbf29ce484222325');
    assert.equal(of('a'), 'af63dc4c8601ec8c');
    assert.equal(of('foobar'), '85944171f73967e8');
  });
});

function snapshotBytes({ kind = 'whiteboard', tick = 10, sequence = 3, members = ['m1'], state = new Uint8Array([0, 0, 0, 0]), hash } = {}) {
  const w = new Writer().u8(1).string(kind).varint(1).string(kind + '-1').varint(tick).varint(sequence).varint(members.length);
  for (const m of members) w.string(m);
  w.varint(state.length);
  for (const b of state) w.u8(b);
  const { hi, lo } = hash ?? fnv1a64(state);
  return w.u32(lo).u32(hi).done();
}

describe('snapshots and operation batches', () => {
  test('a snapshot decodes with its hash checked', () => {
    const s = decodeSnapshot(snapshotBytes());
    assert.deepEqual({ ...s, state: [...s.state] }, {
      kind: 'whiteboard', logicVersion: 1, roomID: 'whiteboard-1', tick: 10, operationSequence: 3,
      members: ['m1'], state: [0, 0, 0, 0], stateHash: s.stateHash,
    });
    assert.equal(s.stateHash.length, 16);
    assert.throws(() => decodeSnapshot(snapshotBytes({ hash: { hi: 1, lo: 2 } })), code('hashMismatch'));
    assert.throws(() => decodeSnapshot(new Uint8Array([2])), code('malformed'));
  });

  test('a batch splits into sequenced operations', () => {
    const batch = new Writer().varint(7).varint(100).varint(1).u8(0x0a).varint(8).varint(100).varint(2).u8(0x02).u8(0x05).done();
    const ops = decodeOperationBatch(batch);
    assert.deepEqual(ops.map((op) => [op.sequence, op.tick, [...op.payload]]), [[7, 100, [0x0a]], [8, 100, [0x02, 0x05]]]);
  });
});

describe('the position mirror', () => {
  const full = (tick, entries) => {
    const w = new Writer().u8(1).varint(tick).varint(entries.length);
    for (const [id, x, y] of entries) w.varint(id << 2).u16(x).u16(y);
    return w.done();
  };
  const delta = (tick, age, changes) => {
    const w = new Writer().u8(2).varint(tick).varint(age).varint(changes.length);
    for (const c of changes) {
      if (c.op === 'moved') { w.varint((c.id << 2) | 1); w.varint(c.dx >= 0 ? c.dx * 2 : -c.dx * 2 - 1); w.varint(c.dy >= 0 ? c.dy * 2 : -c.dy * 2 - 1); }
      else if (c.op === 'removed') w.varint((c.id << 2) | 2);
      else w.varint(c.id << 2).u16(c.x).u16(c.y);
    }
    return w.done();
  };

  test('deltas apply to the baseline they name, not the previous table', () => {
    const mirror = new PositionMirror();
    mirror.adopt(new Map([[0, { x: 100, y: 200 }]]), 10);
    assert.equal(mirror.receive(delta(11, 1, [{ op: 'moved', id: 0, dx: 5, dy: -3 }])), 11);
    assert.deepEqual([...mirror.table], [[0, { x: 105, y: 197 }]]);
    // Tick 12 against tick 10 (the ack of 11 was not seen yet): not against 11.
    assert.equal(mirror.receive(delta(12, 2, [{ op: 'moved', id: 0, dx: 7, dy: 0 }, { op: 'set', id: 3, x: 1, y: 2 }])), 12);
    assert.deepEqual([...mirror.table], [[0, { x: 107, y: 200 }], [3, { x: 1, y: 2 }]]);
    assert.equal(mirror.receive(delta(13, 1, [{ op: 'removed', id: 0 }])), 13);
    assert.deepEqual([...mirror.table], [[3, { x: 1, y: 2 }]]);
  });

  test('a stale delta is ignored; a full table replaces; a missing baseline throws and changes nothing', () => {
    const mirror = new PositionMirror();
    mirror.adopt(new Map(), 10);
    assert.equal(mirror.receive(full(12, [[1, 5, 6]])), 12);
    assert.equal(mirror.receive(full(11, [[1, 9, 9]])), null);
    assert.throws(() => mirror.receive(delta(20, 5, [])), code('unknownElement'));
    assert.equal(mirror.tick, 12);
    assert.deepEqual([...mirror.table], [[1, { x: 5, y: 6 }]]);
  });

  test('the history is bounded', () => {
    const mirror = new PositionMirror(4);
    mirror.adopt(new Map(), 0);
    for (let tick = 1; tick <= 10; tick++) mirror.receive(full(tick, []));
    assert.equal(mirror.held.length, 4);
    assert.throws(() => mirror.receive(delta(11, 5, [])), code('unknownElement'));
    assert.equal(mirror.receive(delta(11, 3, [])), 11);
  });
});

describe('the operation stream', () => {
  const op = (sequence) => ({ sequence });

  test('held until the snapshot; duplicates dropped; the rest in order', () => {
    const stream = new OperationStream();
    assert.equal(stream.accept(op(4)), 'held');
    assert.equal(stream.accept(op(5)), 'held');
    assert.deepEqual(stream.resume(4).map((o) => o.sequence), [5]);
    assert.equal(stream.accept(op(5)), 'duplicate');
    assert.equal(stream.accept(op(6)), 'apply');
    assert.equal(stream.expected, 7);
  });

  test('a skipped sequence is a gap; held ones with a gap throw operationGap', () => {
    const stream = new OperationStream();
    stream.resume(1);
    assert.equal(stream.accept(op(3)), 'gap');
    stream.pause();
    stream.accept(op(9));
    assert.throws(() => stream.resume(1), code('operationGap'));
  });

  test('for a kind with member views (the answer\'s views) a skip is not a gap; going back still is a duplicate', () => {
    const stream = new OperationStream();
    stream.sequencesMaySkip = true;
    stream.resume(1);
    assert.equal(stream.accept(op(3)), 'apply');
    assert.equal(stream.accept(op(2)), 'duplicate');
    assert.equal(stream.accept(op(7)), 'apply');
    assert.equal(stream.expected, 8);
  });

  test('a rejoin answer\'s operations come before the held ones, repeats dropped', () => {
    const stream = new OperationStream();
    stream.resume(5);
    stream.pause();
    stream.accept(op(8));
    assert.deepEqual(stream.resume(5, [op(4), op(5), op(6), op(7)]).map((o) => o.sequence), [6, 7, 8]);
  });

  test('what is held is bounded', () => {
    const stream = new OperationStream(2);
    stream.accept(op(1));
    stream.accept(op(2));
    assert.throws(() => stream.accept(op(3)), code('queueFull'));
  });
});

describe('delta acknowledgements', () => {
  test('an input takes the newest tick; else one delta-ack after the delay', async () => {
    const sent = [];
    const acks = new DeltaAcknowledger((tick) => sent.push(tick), 20);
    acks.applied(5);
    acks.applied(6);
    assert.deepEqual(acks.takeArguments(), [6]);
    assert.deepEqual(acks.takeArguments(), []);
    acks.applied(7);
    acks.applied(8);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.deepEqual(sent, [8]);
    acks.applied(9);
    acks.reset();
    await new Promise((resolve) => setTimeout(resolve, 40));
    assert.deepEqual(sent, [8]);
  });
});

describe('whiteboard', () => {
  test('inputs encode as room-engine.md §4.1 lays them out', () => {
    assert.equal(hex(WhiteboardInput.cursor(100, 200)), '016400c800');
    assert.equal(hex(WhiteboardInput.beginStroke(1, 0xe6194b, 6)), '02014b19e60006');
    assert.equal(hex(WhiteboardInput.appendPoints(1, [{ x: 1, y: 2 }])), '030101' + '01000200');
    assert.equal(hex(WhiteboardInput.endStroke(300)), '04ac02');
    assert.equal(hex(WhiteboardInput.addShape(2, 1, { x: 1, y: 2 }, { x: 3, y: 4 }, 0xff)), '050201' + '0100020003000400' + 'ff000000');
    assert.equal(hex(WhiteboardInput.moveShape(2, { x: 1, y: 2 }, { x: 3, y: 4 })), '0602' + '0100020003000400');
    assert.equal(hex(WhiteboardInput.deleteShape(2)), '0702');
    assert.equal(hex(WhiteboardInput.clear()), '08');
    assert.throws(() => WhiteboardInput.cursor(70000, 0), code('outOfRange'));
  });

  test('operations apply by the server\'s rules, in its order', () => {
    const state = decodeWhiteboardState(new Uint8Array([0, 0, 0, 0]));
    const apply = (bytes) => applyWhiteboardOperation(state, decodeWhiteboardOperation(bytes));
    apply(new Writer().u8(0x01).varint(2).string('b').u32(0xff).done());
    apply(new Writer().u8(0x01).varint(0).string('a').u32(0xee).done());
    assert.deepEqual(state.members.map((m) => m.slot), [0, 2]);
    apply(new Writer().u8(0x03).varint(0).varint(1).u32(0xee).u8(6).done());
    apply(new Writer().u8(0x04).varint(0).varint(1).points([{ x: 1, y: 1 }, { x: 2, y: 2 }]).done());
    apply(new Writer().u8(0x05).varint(0).varint(1).done());
    apply(new Writer().u8(0x03).varint(2).varint(1).u32(0xff).u8(3).done());
    assert.equal(state.strokes[0].points.length, 2);
    assert.equal(state.openStrokes.length, 1);
    apply(new Writer().u8(0x07).varint(9).u8(1).u16(1).u16(1).u16(5).u16(5).u32(1).done());
    apply(new Writer().u8(0x07).varint(4).u8(2).u16(1).u16(1).u16(5).u16(5).u32(1).done());
    assert.deepEqual(state.shapes.map((s) => s.id), [4, 9]);
    apply(new Writer().u8(0x08).varint(9).u16(0).u16(0).u16(2).u16(2).done());
    assert.deepEqual(state.shapes[1].to, { x: 2, y: 2 });
    apply(new Writer().u8(0x02).varint(2).done());  // memberLeft abandons its open strokes
    assert.equal(state.openStrokes.length, 0);
    apply(new Uint8Array([0x0a]));
    assert.deepEqual([state.strokes.length, state.shapes.length, state.members.length], [0, 0, 1]);
    assert.throws(() => apply(new Writer().u8(0x09).varint(9).done()), code('unknownElement'));
    assert.throws(() => apply(new Writer().u8(0x01).varint(0).string('x').u32(0).done()), code('duplicateElement'));
    assert.throws(() => decodeWhiteboardOperation(new Uint8Array([0x0b])), code('malformed'));
  });
});

describe('arena', () => {
  test('inputs, operations and state', () => {
    assert.equal(hex(ArenaInput.move(-1, 1, 1)), '01ff0101');
    assert.equal(hex(ArenaInput.emote(3)), '0203');
    assert.throws(() => ArenaInput.move(2, 0), code('outOfRange'));
    const stateBytes = new Writer().varint(1).varint(0).string('p').u32(16 * 100).u32(16 * 200).u8(0).u8(0).u8(0).varint(3)
      .varint(1).varint(7).u32(16 * 5).u32(16 * 6).done();
    const state = decodeArenaState(stateBytes);
    assert.deepEqual(state.players.map((p) => [p.slot, p.member, p.x, p.y, p.score]), [[0, 'p', 100, 200, 3]]);
    assert.deepEqual(state.pickups, [{ id: 7, x: 5, y: 6 }]);
    const apply = (bytes) => applyArenaOperation(state, decodeArenaOperation(bytes));
    apply(new Writer().u8(0x01).varint(1).string('q').done());
    apply(new Writer().u8(0x03).varint(8).u16(50).u16(60).done());
    apply(new Writer().u8(0x04).varint(7).varint(1).varint(1).done());
    apply(new Writer().u8(0x05).varint(1).u8(1).done());
    assert.deepEqual(state.players.map((p) => [p.slot, p.score]), [[0, 3], [1, 1]]);
    assert.deepEqual(state.pickups.map((p) => p.id), [8]);
    apply(new Writer().u8(0x02).varint(0).done());
    assert.deepEqual(state.players.map((p) => p.slot), [1]);
    assert.throws(() => apply(new Writer().u8(0x04).varint(99).varint(1).varint(2).done()), code('unknownElement'));
  });
});

describe('connect', () => {
  test('without a Socket.IO client it says so (noSocketIO); a socket of another namespace is refused', () => {
    assert.throws(() => connect('http://127.0.0.1:1'), code('noSocketIO'));
    assert.throws(() => connect({ emit() {}, on() {}, nsp: '/' }), TypeError);
    assert.equal(typeof HuddleRooms.connect, 'function');
  });
});
