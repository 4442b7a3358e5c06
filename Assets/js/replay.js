// The replay page: a viewer of `huddle replay ID --serve` through the SDK's
// watchReplay (frames arrive decoded); the slider seeks, the buttons set
// the speed, pause and resume. window.huddleReplay exposes the state for tests.
import { ARENA_GRID, WHITEBOARD_SIZE, watchReplay } from '/sdk/huddle-rooms.js';
import { ARENA_COLORS as COLORS, beginFrame, drawShape, drawStroke, hex } from './canvas.js';

const canvas = document.getElementById('board');
const context = canvas.getContext('2d');
const legend = document.getElementById('legend');
const status = document.getElementById('status');
const slider = document.getElementById('seek');
const tickLabel = document.getElementById('tick');
const toggle = document.getElementById('toggle');
const meter = document.getElementById('meter');
const replay = (window.huddleReplay = { info: null, tick: null, hash: null, paused: false, frames: 0, ended: false, diverged: null, view: null });
let dragging = false;

const viewer = watchReplay(window.location.origin);

viewer.on('connect', () => { status.textContent = 'connected'; });
viewer.on('disconnect', () => { status.textContent = 'disconnected'; });
viewer.on('info', (info) => {
  replay.info = info;
  replay.paused = info.paused;
  slider.min = info.firstTick;
  slider.max = info.lastTick;
  status.textContent = `session ${info.session} · ${info.kind} · ticks ${info.firstTick}…${info.lastTick} · ${info.speed}×`;
  showPaused();
});
viewer.on('frame', ({ tick, hash, snapshot, state }) => {
  replay.tick = tick;
  replay.hash = hash;
  replay.frames += 1;
  if (!dragging) slider.value = tick;
  tickLabel.textContent = `tick ${tick} · hash ${snapshot.stateHash}`;
  meter.textContent = `${snapshot.members.length} members · ${snapshot.state.length} B of state`;
  if (snapshot.kind === 'whiteboard') drawWhiteboard(state);
  else if (snapshot.kind === 'arena') drawArena(state);
  replay.view = summarize(snapshot.kind, state);
});

// What the browser tests read of the frame drawn.
function summarize(kind, state) {
  if (kind === 'whiteboard') return { kind, members: state.members.length, strokes: state.strokes.length + state.openStrokes.length, shapes: state.shapes.length };
  if (kind === 'arena') return { kind, players: state.players.map(({ slot, x, y, score }) => ({ slot, x, y, score })), pickups: state.pickups.length };
  return { kind };
}
viewer.on('end', ({ tick }) => { replay.ended = true; replay.paused = true; showPaused(); status.textContent = `ended at tick ${tick}`; });
viewer.on('diverged', ({ tick }) => { replay.diverged = tick; replay.paused = true; showPaused(); status.textContent = `tick ${tick} diverges from the recording`; });

async function control(request) {
  try {
    return await request();
  } catch (error) {
    status.textContent = error.message;
    return null;
  }
}

function showPaused() { toggle.textContent = replay.paused ? '▶ Resume' : '⏸ Pause'; }

toggle.addEventListener('click', async () => {
  const answer = await control(() => (replay.paused ? viewer.resume() : viewer.pause()));
  if (answer) { replay.paused = answer.paused; showPaused(); }
});
for (const button of document.querySelectorAll('[data-speed]')) {
  button.addEventListener('click', async () => {
    const answer = await control(() => viewer.setSpeed(Number(button.dataset.speed)));
    if (answer && replay.info) status.textContent = `session ${replay.info.session} · ${replay.info.kind} · ${answer.speed}×`;
  });
}
slider.addEventListener('input', () => { dragging = true; tickLabel.textContent = `seek to ${slider.value}`; });
slider.addEventListener('change', async () => {
  dragging = false;
  replay.ended = false;
  await control(() => viewer.seek(Number(slider.value)));
});

function drawWhiteboard(state) {
  const g = context;
  beginFrame(canvas, context, WHITEBOARD_SIZE, '#fdfdf8');
  g.lineCap = 'round';
  g.lineJoin = 'round';
  for (const stroke of [...state.strokes, ...state.openStrokes]) drawStroke(g, stroke);
  for (const shape of state.shapes) drawShape(g, shape.kind, shape.from, shape.to, shape.color);
  for (const member of state.members) {
    if (!member.cursor) continue;
    g.fillStyle = hex(member.color);
    g.beginPath();
    g.arc(member.cursor.x, member.cursor.y, 28, 0, Math.PI * 2);
    g.fill();
    g.font = '80px sans-serif';
    g.fillText(member.id.slice(0, 8), member.cursor.x + 40, member.cursor.y - 30);
  }
  legend.innerHTML = state.members.map((m) => `<li><span class="swatch" style="background:${hex(m.color)}"></span>${m.id.slice(0, 12)}</li>`).join('');
}

// Positions on the 1/16-unit grid, as the live arena view draws them.
function drawArena(state) {
  const g = context;
  const scale = beginFrame(canvas, context, ARENA_GRID, '#1d2330');
  const atLeast = (radius, pixels) => Math.max(radius, pixels / scale);
  g.fillStyle = '#ffd23f';
  for (const p of state.pickups) { g.beginPath(); g.arc(p.x, p.y, atLeast(12 * 16, 4), 0, Math.PI * 2); g.fill(); }
  for (const player of state.players) {
    g.fillStyle = hex(COLORS[player.slot % COLORS.length]);
    g.beginPath();
    g.arc(player.x, player.y, atLeast(24 * 16, 7), 0, Math.PI * 2);
    g.fill();
  }
  legend.innerHTML = state.players.map((p) => `<li><span class="swatch" style="background:${hex(COLORS[p.slot % COLORS.length])}"></span>${p.member.slice(0, 12)}: <b>${p.score}</b></li>`).join('');
}
