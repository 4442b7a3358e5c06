// The arena: the keyboard steers your player (arrows or WASD, Shift to dash,
// E to emote); positions come from position deltas, pickups and scores from
// operations.
import { decodeArenaState, decodeArenaOperation, ArenaInput } from './wire.js';
import { joinRoom } from './room.js';
import { ARENA_COLORS as COLORS, beginFrame, hex } from './canvas.js';

const GRID = 65536;         // positions are quantized to 1/16 unit: 4096 units × 16
const PLAYER_RADIUS = 24 * 16;
const PICKUP_RADIUS = 12 * 16;
// The interior walls of ArenaGeometry, in units (×16 for the grid).
const WALLS = [[900, 900, 1200, 1200], [2896, 900, 3196, 1200], [900, 2896, 1200, 3196], [2896, 2896, 3196, 3196], [1848, 1948, 2248, 2148]];
const KEYS = {
  ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1],
  KeyA: [-1, 0], KeyD: [1, 0], KeyW: [0, -1], KeyS: [0, 1],
};

export class ArenaView {
  constructor(canvas, legend, url) {
    this.canvas = canvas;
    this.legend = legend;
    this.context = canvas.getContext('2d');
    this.url = url;
    this.players = new Map();   // slot → { member, score }
    this.pickups = new Map();   // id → { x, y } (grid)
    this.positions = new Map(); // slot → { x, y } (grid)
    this.emotes = new Map();    // slot → time shown until
    this.held = new Set();
    this.direction = { dx: 0, dy: 0, buttons: 0 };
    this.mySlot = null;
    this.dirty = true;
  }

  async start() {
    const answer = await joinRoom(this, 'arena', decodeArenaOperation, (table) => { this.positions = table; });
    this.bindKeys();
    return answer;
  }

  stop() {
    this.running = false;
    this.unbindKeys?.();
    return this.room?.leave();
  }

  adopt(snapshot) {
    const state = decodeArenaState(snapshot.state);
    this.players = new Map(state.players.map((p) => [p.slot, { member: p.member, score: p.score }]));
    this.pickups = new Map(state.pickups.map((p) => [p.id, { x: p.x >> 4, y: p.y >> 4 }]));
    const table = new Map(state.players.map((p) => [p.slot, { x: p.x >> 4, y: p.y >> 4 }]));
    this.positions = table;
    this.room.adoptPositions(table, snapshot.tick);
    this.mySlot = state.players.find((p) => p.member === this.room.member)?.slot ?? null;
  }

  apply(op) {
    switch (op.type) {
      case 'playerJoined': this.players.set(op.slot, { member: op.member, score: 0 }); break;
      case 'playerLeft': this.players.delete(op.slot); break;
      case 'pickupSpawned': this.pickups.set(op.id, { x: op.x, y: op.y }); break;
      case 'pickupCollected': {
        this.pickups.delete(op.id);
        const player = this.players.get(op.slot);
        if (player) player.score = op.score;
        break;
      }
      case 'emoted': this.emotes.set(op.slot, performance.now() + 1200); break;
    }
  }

  bindKeys() {
    const down = (e) => {
      if (e.code === 'KeyE' && !e.repeat) { this.room.send(ArenaInput.emote(1)); return; }
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
    const buttons = this.held.has('Shift') ? 1 : 0;
    const d = this.direction;
    if (d.dx === dx && d.dy === dy && d.buttons === buttons) return;
    this.direction = { dx, dy, buttons };
    this.room.send(ArenaInput.move(dx, dy, buttons));
  }

  frame() {
    if (!this.running) return;
    const now = performance.now();
    for (const [slot, until] of this.emotes) if (until < now) { this.emotes.delete(slot); this.dirty = true; }
    if (this.dirty) { this.render(); this.dirty = false; }
    requestAnimationFrame(() => this.frame());
  }

  render() {
    const { canvas, context: g } = this;
    const scale = beginFrame(canvas, g, GRID, '#1d2330');
    g.fillStyle = '#55607a';
    for (const [x0, y0, x1, y1] of WALLS) g.fillRect(x0 * 16, y0 * 16, (x1 - x0) * 16, (y1 - y0) * 16);
    // Sprites are drawn at least a few pixels wide so they stay visible.
    const atLeast = (radius, pixels) => Math.max(radius, pixels / scale);
    g.fillStyle = '#ffd23f';
    for (const p of this.pickups.values()) { g.beginPath(); g.arc(p.x, p.y, atLeast(PICKUP_RADIUS, 4), 0, Math.PI * 2); g.fill(); }
    for (const [slot, at] of this.positions) {
      g.fillStyle = hex(COLORS[slot % COLORS.length]);
      g.beginPath();
      g.arc(at.x, at.y, atLeast(PLAYER_RADIUS, 7), 0, Math.PI * 2);
      g.fill();
      if (slot === this.mySlot) { g.strokeStyle = '#ffffff'; g.lineWidth = 2 / scale; g.stroke(); }
      if (this.emotes.has(slot)) { g.font = '1400px sans-serif'; g.fillText('👋', at.x + PLAYER_RADIUS, at.y - PLAYER_RADIUS); }
    }
    this.renderLegend();
  }

  renderLegend() {
    const rows = [...this.players.entries()].sort((a, b) => b[1].score - a[1].score || a[0] - b[0]).map(([slot, p]) =>
      `<li><span class="swatch" style="background:${hex(COLORS[slot % COLORS.length])}"></span>${p.member.slice(0, 8)}${slot === this.mySlot ? ' (you)' : ''}: <b>${p.score}</b></li>`);
    const html = rows.join('');
    if (this.legend.innerHTML !== html) this.legend.innerHTML = html;
  }

  // What the browser tests read.
  summary() {
    const me = this.positions.get(this.mySlot);
    return {
      member: this.room?.member ?? null,
      slot: this.mySlot,
      position: me ? { x: me.x, y: me.y } : null,
      players: this.players.size,
      pickups: this.pickups.size,
      score: this.players.get(this.mySlot)?.score ?? 0,
      deltas: this.room?.stats.deltas ?? 0,
      errors: this.room?.stats.errors ?? [],
    };
  }
}
