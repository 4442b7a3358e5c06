// The arena view: the keyboard steers your player (arrows or WASD, Shift to
// dash, E to emote); players, scores and pickups are the room's document
// (`room.state`, kept by the SDK), positions its position mirror.
import { ARENA_DASH, ARENA_GRID as GRID } from '/sdk/huddle-rooms.js';
import { ARENA_COLORS as COLORS, beginFrame, hex } from './canvas.js';
import { startFrames } from './frames.js';

const PLAYER_RADIUS = 24 * 16;
const PICKUP_RADIUS = 12 * 16;
// The interior walls of ArenaGeometry, in units (×16 for the grid).
const WALLS = [[900, 900, 1200, 1200], [2896, 900, 3196, 1200], [900, 2896, 1200, 3196], [2896, 2896, 3196, 3196], [1848, 1948, 2248, 2148]];
const KEYS = {
  ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1],
  KeyA: [-1, 0], KeyD: [1, 0], KeyW: [0, -1], KeyS: [0, 1],
};

export class ArenaView {
  constructor(canvas, legend, client) {
    this.canvas = canvas;
    this.legend = legend;
    this.context = canvas.getContext('2d');
    this.client = client;
    this.emotes = new Map();    // slot → time shown until
    this.held = new Set();
    this.direction = { dx: 0, dy: 0, buttons: 0 };
    this.dirty = true;
  }

  async start(room) {
    this.room = room;
    const redraw = () => { this.dirty = true; };
    room.onState(redraw);
    room.onPositions(redraw);
    room.onMembers(redraw);
    room.onOperation((op) => {
      if (op.type === 'emoted') this.emotes.set(op.slot, performance.now() + 1200);
      this.dirty = true;
    });
    // A fresh membership knows no direction yet: send the held keys' again.
    room.onReconnect(({ resumed }) => { if (!resumed) { this.direction = { dx: 0, dy: 0, buttons: 0 }; this.steer(); } });
    this.bindKeys();
    this.stopFrames = startFrames(() => this.frame());
  }

  stop() {
    this.stopFrames?.();
    this.unbindKeys?.();
    return this.room?.leave();
  }

  bindKeys() {
    const down = (e) => {
      if (e.code === 'KeyE' && !e.repeat) { this.room.inputs.emote(1); return; }
      if (!KEYS[e.code] && e.key !== 'Shift') return;
      e.preventDefault();
      this.held.add(e.code === 'ShiftLeft' || e.code === 'ShiftRight' ? 'Shift' : e.code);
      this.steer();
    };
    const up = (e) => {
      this.held.delete(e.code === 'ShiftLeft' || e.code === 'ShiftRight' ? 'Shift' : e.code);
      this.steer();
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    this.unbindKeys = () => { window.removeEventListener('keydown', down); window.removeEventListener('keyup', up); };
  }

  // Sends the direction when it changes; the server keeps the latest one.
  steer() {
    let dx = 0, dy = 0;
    for (const code of this.held) { const k = KEYS[code]; if (k) { dx += k[0]; dy += k[1]; } }
    dx = Math.sign(dx); dy = Math.sign(dy);
    const buttons = this.held.has('Shift') ? ARENA_DASH : 0;
    const d = this.direction;
    if (d.dx === dx && d.dy === dy && d.buttons === buttons) return;
    this.direction = { dx, dy, buttons };
    this.room.inputs.move(dx, dy, buttons);
  }

  frame() {
    const now = performance.now();
    for (const [slot, until] of this.emotes) if (until < now) { this.emotes.delete(slot); this.dirty = true; }
    if (this.dirty) { this.render(); this.dirty = false; }
  }

  render() {
    const { canvas, context: g, room } = this;
    const scale = beginFrame(canvas, g, GRID, '#1d2330');
    g.fillStyle = '#55607a';
    for (const [x0, y0, x1, y1] of WALLS) g.fillRect(x0 * 16, y0 * 16, (x1 - x0) * 16, (y1 - y0) * 16);
    // Sprites are drawn at least a few pixels wide so they stay visible.
    const atLeast = (radius, pixels) => Math.max(radius, pixels / scale);
    g.fillStyle = '#ffd23f';
    for (const p of room.state.pickups) { g.beginPath(); g.arc(p.x, p.y, atLeast(PICKUP_RADIUS, 4), 0, Math.PI * 2); g.fill(); }
    for (const [slot, at] of room.positions) {
      g.fillStyle = hex(COLORS[slot % COLORS.length]);
      g.beginPath();
      g.arc(at.x, at.y, atLeast(PLAYER_RADIUS, 7), 0, Math.PI * 2);
      g.fill();
      if (slot === room.slot) { g.strokeStyle = '#ffffff'; g.lineWidth = 2 / scale; g.stroke(); }
      if (this.emotes.has(slot)) { g.font = '1400px sans-serif'; g.fillText('👋', at.x + PLAYER_RADIUS, at.y - PLAYER_RADIUS); }
    }
    this.renderLegend();
  }

  renderLegend() {
    const rows = [...this.room.state.players].sort((a, b) => b.score - a.score || a.slot - b.slot).map((p) =>
      `<li><span class="swatch" style="background:${hex(COLORS[p.slot % COLORS.length])}"></span>${p.member.slice(0, 8)}${p.slot === this.room.slot ? ' (you)' : ''}: <b>${p.score}</b></li>`);
    const html = rows.join('');
    if (this.legend.innerHTML !== html) this.legend.innerHTML = html;
  }

  // What the browser tests read.
  summary() {
    const { room } = this;
    const me = room.positions.get(room.slot);
    return {
      slot: room.slot,
      position: me ? { x: me.x, y: me.y } : null,
      players: room.state.players.length,
      pickups: room.state.pickups.length,
      score: room.state.players.find((p) => p.slot === room.slot)?.score ?? 0,
    };
  }
}
