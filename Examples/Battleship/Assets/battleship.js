// The Battleship page: one player in a `battleship` room. It joins with the
// official Socket.IO client, decodes its view from the snapshot and keeps it
// up to date with the `ops` it receives (as BattleshipView.apply does in
// Swift), and sends inputs as binary attachments.
import { Reader, decode, encode, optional, array, dictionary, oneOf } from './codable.js';

const Ship = { x: 'u8', y: 'u8', length: 'u8', vertical: 'bool' };
const Cell = { x: 'u8', y: 'u8' };
const Shot = { cell: Cell, result: 'string' };
const Board = { seat: 'u8', member: 'string', ready: 'bool', ships: array(Ship), shots: array(Shot) };
const View = { phase: 'string', you: optional('u8'), turn: 'u8', turnEndsAt: 'u64', winner: optional('u8'), boards: array(Board) };
const Operation = oneOf({
  seated: { seat: 'u8', member: 'string' },
  left: { seat: 'u8' },
  phase: { _0: 'string' },
  placed: { seat: 'u8', fleet: optional(array(Ship)) },
  turn: { seat: 'u8', endsAt: 'u64' },
  fired: { by: 'u8', cell: Cell, result: 'string', sunk: optional(Ship), timedOut: 'bool' },
  won: { seat: 'u8', fleets: dictionary('u8', array(Ship)) },
  reset: {},
});
const Input = oneOf({ place: { _0: array(Ship) }, randomFleet: {}, fire: { x: 'u8', y: 'u8' }, rematch: {} });

const $ = (id) => document.getElementById(id);
const game = (window.battleship = { view: null, tick: 0, tickAt: 0, tickRate: 10, sequence: 0, ready: false, log: [] });
const socket = io(location.origin + '/rooms', { transports: ['websocket', 'polling'] });

// The room protocol's snapshot (docs/room-protocol.md); its state is our view.
function decodeSnapshot(bytes) {
  const r = new Reader(new Uint8Array(bytes));
  if (r.u8() !== 1) throw new Error('unknown snapshot format');
  const snapshot = { kind: r.string(), logicVersion: r.varint(), room: r.string(), tick: r.varint(), operationSequence: r.varint() };
  for (let n = r.varint(); n > 0; n--) r.string();
  snapshot.view = decode(View, r.sub());
  return snapshot;
}

const board = (seat) => game.view.boards.find((b) => b.seat === seat);
const other = (seat) => game.view.boards.find((b) => b.seat !== seat);

function apply(op) {
  const view = game.view;
  switch (op.case) {
    case 'seated': view.boards.push({ seat: op.seat, member: op.member, ready: false, ships: [], shots: [] }); view.boards.sort((a, b) => a.seat - b.seat); break;
    case 'left': view.boards = view.boards.filter((b) => b.seat !== op.seat); break;
    case 'phase': view.phase = op._0; if (op._0 !== 'playing') { view.turn = 0; view.turnEndsAt = 0; } break;
    case 'placed': { const b = board(op.seat); if (b) { b.ready = true; if (op.fleet) b.ships = op.fleet; } break; }
    case 'turn': view.turn = op.seat; view.turnEndsAt = op.endsAt; break;
    case 'fired': {
      const b = other(op.by);
      if (!b) break;
      b.shots.push({ cell: op.cell, result: op.result });
      if (op.sunk && !b.ships.some((s) => s.x === op.sunk.x && s.y === op.sunk.y)) b.ships.push(op.sunk);
      break;
    }
    case 'won': view.winner = op.seat; for (const b of view.boards) b.ships = op.fleets.get(b.seat) ?? []; break;
    case 'reset': view.winner = null; for (const b of view.boards) { b.ready = false; b.ships = []; b.shots = []; } break;
  }
  note(op);
}

function note(op) {
  const who = (seat) => (seat === game.view.you ? 'you' : 'they');
  const text = {
    seated: () => (op.seat === game.view.you ? null : 'an opponent sat down'),
    left: () => 'your opponent left',
    placed: () => `${who(op.seat)} placed a fleet`,
    fired: () => `${who(op.by)} fired at ${'ABCDEFGH'[op.cell.x]}${op.cell.y + 1}: ${op.result}${op.timedOut ? ' (out of time)' : ''}`,
    won: () => (op.seat === game.view.you ? 'you won!' : 'you lost'),
    reset: () => 'a new game',
  }[op.case]?.();
  if (text) logLine(text);
}

function logLine(text) {
  game.log.push(text);
  const item = document.createElement('li');
  item.textContent = text;
  $('log').prepend(item);
}

// Inputs go with an ack: a refusal (not your turn, a cell already hit) is logged.
function send(input) {
  socket.emit('input', encode(Input, input), (answer) => {
    if (answer?.error) logLine('refused: ' + answer.error.message);
  });
}

function cellsOf(ship) {
  return Array.from({ length: ship.length }, (_, i) => (ship.vertical ? [ship.x, ship.y + i] : [ship.x + i, ship.y]));
}

function drawBoard(element, target, showShips, armed) {
  element.replaceChildren();
  element.classList.toggle('armed', armed);
  const ships = new Set((showShips && target ? target.ships : []).flatMap((s) => cellsOf(s).map(([x, y]) => y * 8 + x)));
  const shots = new Map((target?.shots ?? []).map((s) => [s.cell.y * 8 + s.cell.x, s.result]));
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      const cell = document.createElement('button');
      cell.className = 'cell';
      cell.dataset.x = x;
      cell.dataset.y = y;
      if (ships.has(y * 8 + x)) cell.classList.add('ship');
      if (shots.has(y * 8 + x)) cell.classList.add(shots.get(y * 8 + x));
      if (armed && !shots.has(y * 8 + x)) cell.addEventListener('click', () => send({ case: 'fire', x, y }));
      element.append(cell);
    }
  }
}

function draw() {
  const view = game.view;
  if (!view) return;
  const mine = board(view.you);
  const theirs = other(view.you);
  const myTurn = view.phase === 'playing' && view.turn === view.you;
  drawBoard($('mine'), mine, true, false);
  drawBoard($('theirs'), theirs, true, myTurn);
  $('enemy-name').textContent = theirs ? theirs.member.slice(0, 8) : '';
  $('deal').hidden = !(view.phase === 'waiting' || view.phase === 'placing') || mine?.ready;
  $('rematch').hidden = view.phase !== 'over' || view.boards.length < 2;
  $('status').textContent = status(view, myTurn);
}

function status(view, myTurn) {
  switch (view.phase) {
    case 'waiting': return 'waiting for an opponent…';
    case 'placing': return board(view.you)?.ready ? 'waiting for the other fleet…' : 'deal your fleet';
    case 'over': return view.winner === view.you ? 'you won!' : 'you lost';
    default: {
      const left = Math.max(0, Math.ceil((view.turnEndsAt - game.tick) / game.tickRate - (performance.now() - game.tickAt) / 1000));
      return (myTurn ? 'your turn: fire at the enemy waters' : 'their turn') + ` (${left} s)`;
    }
  }
}

function sawTick(tick) { game.tick = tick; game.tickAt = performance.now(); }

socket.on('ops', (bytes, ack) => {
  const r = new Reader(new Uint8Array(bytes));
  while (!r.atEnd) {
    const sequence = r.varint(), tick = r.varint(), payload = r.sub();
    if (sequence <= game.sequence) continue;
    game.sequence = sequence;
    sawTick(tick);
    apply(decode(Operation, payload));
  }
  ack?.();
  draw();
});

socket.on('connect', () => {
  socket.emit('join', { kind: 'battleship' }, (answer) => {
    if (answer.error) { $('status').textContent = 'could not join: ' + answer.error.message; return; }
    const snapshot = decodeSnapshot(answer.snapshot);
    game.view = snapshot.view;
    game.sequence = snapshot.operationSequence;
    game.tickRate = answer.tickRate;
    game.member = answer.member;
    sawTick(snapshot.tick);
    game.ready = true;
    draw();
  });
});

$('deal').addEventListener('click', () => send({ case: 'randomFleet' }));
$('rematch').addEventListener('click', () => send({ case: 'rematch' }));
setInterval(draw, 1000);
