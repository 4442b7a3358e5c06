// The whiteboard: everyone's cursors (position deltas), strokes streamed as
// binary point chunks while drawn, shapes (add, move, delete), clear.
import { decodeWhiteboardState, decodeWhiteboardOperation, WhiteboardInput } from './wire.js';
import { joinRoom } from './room.js';
import { beginFrame, drawShape, drawStroke, hex } from './canvas.js';

const SIZE = 4096;             // canvas units on both axes (0…4095)
const CHUNK_INTERVAL_MS = 40;  // how often a stroke in progress is streamed
const MAX_POINTS_PER_CHUNK = 256;
const SHAPE_KINDS = { rectangle: 1, ellipse: 2, line: 3 };

export class WhiteboardView {
  constructor(canvas, legend, url) {
    this.canvas = canvas;
    this.legend = legend;
    this.context = canvas.getContext('2d');
    this.url = url;
    this.tool = 'pen';
    this.members = new Map();  // slot → { id, color }
    this.strokes = [];         // committed
    this.open = new Map();     // "slot:id" → stroke in progress
    this.shapes = new Map();   // id → shape
    this.cursors = new Map();  // slot → { x, y }
    this.mySlot = null;
    this.nextStrokeId = 1;
    this.drawing = null;       // my stroke in progress: { id, points, unsent }
    this.dragging = null;      // a shape being created or moved
    this.pendingCursor = null;
    this.lastChunk = 0;
    this.dirty = true;
  }

  async start() {
    const answer = await joinRoom(this, 'whiteboard', decodeWhiteboardOperation, (table) => { this.cursors = table; });
    this.bindPointer();
    return answer;
  }

  stop() {
    this.running = false;
    this.unbindPointer?.();
    return this.room?.leave();
  }

  get myColor() { return this.members.get(this.mySlot)?.color ?? 0x333333; }

  adopt(snapshot) {
    const state = decodeWhiteboardState(snapshot.state);
    this.members = new Map(state.members.map((m) => [m.slot, { id: m.id, color: m.color }]));
    this.strokes = state.strokes;
    this.open = new Map(state.openStrokes.map((s) => [s.authorSlot + ':' + s.id, s]));
    this.shapes = new Map(state.shapes.map((s) => [s.id, s]));
    const table = new Map();
    for (const m of state.members) if (m.cursor) table.set(m.slot, m.cursor);
    this.cursors = table;
    this.room.adoptPositions(table, snapshot.tick);
    this.mySlot = state.members.find((m) => m.id === this.room.member)?.slot ?? null;
    this.dirty = true;
  }

  // The same rules as WhiteboardState.apply on the server.
  apply(op) {
    const key = (slot, id) => slot + ':' + id;
    switch (op.type) {
      case 'memberJoined': this.members.set(op.slot, { id: op.member, color: op.color }); break;
      case 'memberLeft':
        this.members.delete(op.slot);
        for (const [k, s] of this.open) if (s.authorSlot === op.slot) this.open.delete(k);
        break;
      case 'strokeBegan':
        this.open.set(key(op.slot, op.id), { authorSlot: op.slot, id: op.id, color: op.color, width: op.width, points: [] });
        break;
      case 'pointsAppended': this.open.get(key(op.slot, op.id))?.points.push(...op.points); break;
      case 'strokeCommitted': {
        const stroke = this.open.get(key(op.slot, op.id));
        this.open.delete(key(op.slot, op.id));
        if (stroke) this.strokes.push(stroke);
        if (op.slot === this.mySlot && this.drawing?.ended && this.drawing.id === op.id) this.drawing = null;
        break;
      }
      case 'strokeAbandoned': this.open.delete(key(op.slot, op.id)); break;
      case 'shapeAdded': this.shapes.set(op.shape.id, op.shape); break;
      case 'shapeMoved': { const s = this.shapes.get(op.id); if (s) { s.from = op.from; s.to = op.to; } break; }
      case 'shapeDeleted': this.shapes.delete(op.id); break;
      case 'cleared': this.strokes = []; this.shapes.clear(); break;
    }
  }

  // ---- input -----------------------------------------------------------

  point(event) {
    const rect = this.canvas.getBoundingClientRect();
    const clamp = (v) => Math.max(0, Math.min(SIZE - 1, Math.round(v)));
    return { x: clamp(((event.clientX - rect.left) / rect.width) * SIZE), y: clamp(((event.clientY - rect.top) / rect.height) * SIZE) };
  }

  bindPointer() {
    const down = (e) => this.pointerDown(this.point(e), e);
    const move = (e) => this.pointerMove(this.point(e));
    const up = (e) => this.pointerUp(this.point(e));
    this.canvas.addEventListener('pointerdown', down);
    this.canvas.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
    this.unbindPointer = () => {
      this.canvas.removeEventListener('pointerdown', down);
      this.canvas.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
  }

  pointerDown(p, event) {
    event.preventDefault();
    if (this.tool === 'pen') {
      const id = this.nextStrokeId++;
      this.room.send(WhiteboardInput.beginStroke(id, this.myColor, 6));
      this.drawing = { id, points: [p], unsent: [p], ended: false };
      this.lastChunk = performance.now();
    } else if (SHAPE_KINDS[this.tool]) {
      this.dragging = { mode: 'create', kind: SHAPE_KINDS[this.tool], from: p, to: p };
    } else if (this.tool === 'move' || this.tool === 'erase') {
      const shape = this.shapeAt(p);
      if (!shape) return;
      if (this.tool === 'erase') { this.room.send(WhiteboardInput.deleteShape(shape.id)); return; }
      this.dragging = { mode: 'move', shape, start: p, offset: { x: 0, y: 0 } };
    }
    this.dirty = true;
  }

  pointerMove(p) {
    this.pendingCursor = p;
    if (this.drawing && !this.drawing.ended) {
      const last = this.drawing.points[this.drawing.points.length - 1];
      if (Math.abs(last.x - p.x) + Math.abs(last.y - p.y) >= 4) {
        this.drawing.points.push(p);
        this.drawing.unsent.push(p);
      }
    } else if (this.dragging?.mode === 'create') {
      this.dragging.to = p;
    } else if (this.dragging?.mode === 'move') {
      this.dragging.offset = { x: p.x - this.dragging.start.x, y: p.y - this.dragging.start.y };
    }
    this.dirty = true;
  }

  pointerUp(p) {
    if (this.drawing && !this.drawing.ended) {
      this.pointerMove(p);
      this.flushStroke();
      this.room.send(WhiteboardInput.endStroke(this.drawing.id));
      this.drawing.ended = true;
    } else if (this.dragging?.mode === 'create') {
      const { kind, from } = this.dragging;
      if (from.x !== p.x || from.y !== p.y) {
        const id = Math.floor(Math.random() * 2 ** 31);
        this.room.send(WhiteboardInput.addShape(id, kind, from, p, this.myColor));
      }
    } else if (this.dragging?.mode === 'move') {
      const { shape, offset } = this.dragging;
      const moved = (q) => ({ x: clampCanvas(q.x + offset.x), y: clampCanvas(q.y + offset.y) });
      this.room.send(WhiteboardInput.moveShape(shape.id, moved(shape.from), moved(shape.to)));
    }
    this.dragging = null;
    this.dirty = true;
  }

  // Sends the points drawn since the last chunk, as binary appendPoints inputs.
  flushStroke() {
    const drawing = this.drawing;
    while (drawing.unsent.length > 0) {
      const chunk = drawing.unsent.splice(0, MAX_POINTS_PER_CHUNK);
      this.room.send(WhiteboardInput.appendPoints(drawing.id, chunk));
    }
    this.lastChunk = performance.now();
  }

  clearBoard() { this.room.send(WhiteboardInput.clear()); }

  shapeAt(p) {
    const shapes = [...this.shapes.values()].reverse();
    return shapes.find((s) => {
      const minX = Math.min(s.from.x, s.to.x) - 24, maxX = Math.max(s.from.x, s.to.x) + 24;
      const minY = Math.min(s.from.y, s.to.y) - 24, maxY = Math.max(s.from.y, s.to.y) + 24;
      return p.x >= minX && p.x <= maxX && p.y >= minY && p.y <= maxY;
    });
  }

  // ---- rendering ---------------------------------------------------------

  frame() {
    if (!this.running) return;
    if (this.pendingCursor) {
      this.room.sendVolatile(WhiteboardInput.cursor(this.pendingCursor.x, this.pendingCursor.y));
      this.pendingCursor = null;
    }
    if (this.drawing && !this.drawing.ended && performance.now() - this.lastChunk >= CHUNK_INTERVAL_MS) this.flushStroke();
    if (this.dirty) { this.render(); this.dirty = false; }
    requestAnimationFrame(() => this.frame());
  }

  render() {
    const { canvas, context: g } = this;
    beginFrame(canvas, g, SIZE, '#fdfdf8');
    g.lineCap = 'round';
    g.lineJoin = 'round';
    for (const stroke of this.strokes) drawStroke(g, stroke);
    for (const stroke of this.open.values()) {
      if (stroke.authorSlot === this.mySlot && this.drawing?.id === stroke.id) continue;
      drawStroke(g, stroke);
    }
    if (this.drawing) drawStroke(g, { color: this.myColor, width: 6, points: this.drawing.points });
    for (const shape of this.shapes.values()) {
      const moving = this.dragging?.mode === 'move' && this.dragging.shape.id === shape.id;
      const o = moving ? this.dragging.offset : { x: 0, y: 0 };
      drawShape(g, shape.kind, { x: shape.from.x + o.x, y: shape.from.y + o.y }, { x: shape.to.x + o.x, y: shape.to.y + o.y }, shape.color);
    }
    if (this.dragging?.mode === 'create') drawShape(g, this.dragging.kind, this.dragging.from, this.dragging.to, this.myColor, true);
    for (const [slot, at] of this.cursors) {
      if (slot === this.mySlot) continue;
      const member = this.members.get(slot);
      g.fillStyle = hex(member?.color ?? 0x888888);
      g.beginPath();
      g.arc(at.x, at.y, 28, 0, Math.PI * 2);
      g.fill();
      g.font = '80px sans-serif';
      g.fillText(member ? member.id.slice(0, 6) : 'slot ' + slot, at.x + 40, at.y - 30);
    }
    this.renderLegend();
  }

  renderLegend() {
    const rows = [...this.members.entries()].sort((a, b) => a[0] - b[0]).map(([slot, m]) =>
      `<li><span class="swatch" style="background:${hex(m.color)}"></span>${m.id.slice(0, 8)}${slot === this.mySlot ? ' (you)' : ''}</li>`);
    const html = rows.join('');
    if (this.legend.innerHTML !== html) this.legend.innerHTML = html;
  }

  // What the browser tests read.
  summary() {
    return {
      member: this.room?.member ?? null,
      slot: this.mySlot,
      members: this.members.size,
      strokes: this.strokes.map((s) => ({ slot: s.authorSlot, id: s.id, points: s.points.length })),
      openStrokes: [...this.open.values()].map((s) => ({ slot: s.authorSlot, id: s.id, points: s.points.length })),
      shapes: [...this.shapes.values()].map((s) => ({ id: s.id, kind: s.kind, from: s.from, to: s.to })),
      cursors: Object.fromEntries([...this.cursors].map(([slot, p]) => [slot, p])),
      deltas: this.room?.stats.deltas ?? 0,
      errors: this.room?.stats.errors ?? [],
    };
  }
}

function clampCanvas(v) { return Math.max(0, Math.min(SIZE - 1, v)); }

