// The demo page: tabs (whiteboard, arena), each a room joined with the SDK
// (/sdk/huddle-rooms.js); the status line; window.huddle for tests. A
// room's seat is kept in sessionStorage, so a reload within the seat's
// grace period comes back as the same member.
import { HuddleRooms } from '/sdk/huddle-rooms.js';
import { WhiteboardView } from './whiteboard.js';
import { ArenaView } from './arena.js';

const client = HuddleRooms.connect(window.location.origin);
const canvas = document.getElementById('board');
const legend = document.getElementById('legend');
const status = document.getElementById('status');
const toolbar = document.getElementById('tools');
const views = { whiteboard: WhiteboardView, arena: ArenaView };
const huddle = (window.huddle = { client, view: null, kind: null, ready: false, error: null });
const seatKey = (kind) => 'huddle-seat:' + kind;

// The seat kept for `kind` when there is one (and still held), else a new member.
async function enter(kind) {
  const seat = sessionStorage.getItem(seatKey(kind));
  if (seat) {
    try { return await client.rejoin(seat, kind); } catch (error) {
      if (error.code !== 'unknownSeat') console.warn('rejoin', error);
      sessionStorage.removeItem(seatKey(kind));
    }
  }
  return client.joinOrCreate(kind);
}

function describe(room) {
  return `${room.id} · you are ${room.member.slice(0, 8)} · ${room.tickRate} ticks/s`;
}

async function open(kind) {
  if (huddle.view) await huddle.view.stop();
  huddle.ready = false;
  huddle.kind = kind;
  document.body.dataset.kind = kind;
  for (const tab of document.querySelectorAll('[data-tab]')) tab.classList.toggle('active', tab.dataset.tab === kind);
  history.replaceState(null, '', '?kind=' + kind);
  status.textContent = 'joining a ' + kind + '…';
  const view = new views[kind](canvas, legend, client);
  huddle.view = view;
  try {
    const room = await enter(kind);
    if (huddle.view !== view) return room.leave();  // another tab was opened meanwhile
    if (room.seat) sessionStorage.setItem(seatKey(kind), room.seat);
    room.onError((error) => console.warn('room error', error.code, error.message));
    room.onReconnecting(({ reason }) => { status.textContent = `reconnecting (${reason})…`; });
    room.onReconnect(({ resumed }) => {
      if (room.seat) sessionStorage.setItem(seatKey(kind), room.seat);
      status.textContent = describe(room) + (resumed ? ' · seat resumed' : ' · rejoined');
    });
    room.onLeave(({ reason }) => {
      if (reason !== 'left') status.textContent = `left the room (${reason}); pick a tab to join again`;
      if (reason === 'left' || reason === 'seatMoved') sessionStorage.removeItem(seatKey(kind));
    });
    await view.start(room);
    huddle.ready = true;
    status.textContent = describe(room);
  } catch (error) {
    huddle.error = String(error);
    status.textContent = 'could not join: ' + error.message;
  }
}

for (const tab of document.querySelectorAll('[data-tab]')) tab.addEventListener('click', () => open(tab.dataset.tab));
for (const button of toolbar.querySelectorAll('[data-tool]')) {
  button.addEventListener('click', () => {
    if (huddle.view instanceof WhiteboardView) huddle.view.tool = button.dataset.tool;
    for (const other of toolbar.querySelectorAll('[data-tool]')) other.classList.toggle('active', other === button);
  });
}
document.getElementById('clear').addEventListener('click', () => huddle.view?.clearBoard?.());
setInterval(() => {
  const stats = huddle.view?.room?.stats;
  if (stats) document.getElementById('meter').textContent = `${stats.deltas} deltas · ${stats.deltaBytes} B · ${stats.operations} ops`;
}, 500);

// What the browser tests read: the view's summary and the room's.
huddle.summary = () => {
  const room = huddle.view?.room;
  if (!room || !room.state) return null;
  return {
    ...huddle.view.summary(),
    member: room.member,
    status: room.status,
    deltas: room.stats.deltas,
    reconnects: room.stats.reconnects,
    resumed: room.stats.resumed,
    errors: room.stats.errors,
  };
};
open(new URLSearchParams(location.search).get('kind') === 'arena' ? 'arena' : 'whiteboard');
