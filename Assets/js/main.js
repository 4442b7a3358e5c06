// Tabs (whiteboard, arena), the status line, and window.huddle for tests.
import { WhiteboardView } from './whiteboard.js';
import { ArenaView } from './arena.js';

const url = window.location.origin;
const canvas = document.getElementById('board');
const legend = document.getElementById('legend');
const status = document.getElementById('status');
const toolbar = document.getElementById('tools');
const views = { whiteboard: WhiteboardView, arena: ArenaView };
const huddle = (window.huddle = { view: null, kind: null, ready: false, error: null });

async function open(kind) {
  if (huddle.view) await huddle.view.stop();
  huddle.ready = false;
  huddle.kind = kind;
  document.body.dataset.kind = kind;
  for (const tab of document.querySelectorAll('[data-tab]')) tab.classList.toggle('active', tab.dataset.tab === kind);
  history.replaceState(null, '', '?kind=' + kind);
  status.textContent = 'joining a ' + kind + '…';
  const view = new views[kind](canvas, legend, url);
  huddle.view = view;
  try {
    const answer = await view.start();
    huddle.ready = true;
    status.textContent = `${answer.room} · you are ${answer.member.slice(0, 8)} · ${answer.tickRate} ticks/s`;
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
  if (stats) document.getElementById('meter').textContent = `${stats.deltas} deltas · ${stats.deltaBytes} B · ${stats.ops} ops`;
}, 500);

huddle.summary = () => huddle.view?.summary() ?? null;
open(new URLSearchParams(location.search).get('kind') === 'arena' ? 'arena' : 'whiteboard');
