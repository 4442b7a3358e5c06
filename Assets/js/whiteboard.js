// The whiteboard view: everyone's cursors (the room's position mirror),
// strokes streamed as point chunks while drawn, shapes (add, move, delete),
// clear. The document is the room's (`room.state`, kept by the SDK); this
// file only draws it and turns pointer events into inputs.
import { MAX_POINTS_PER_CHUNK, ShapeKind, WHITEBOARD_SIZE as SIZE, WhiteboardInput } from '/sdk/huddle-rooms.js';
import { beginFrame, drawShape, drawStroke, hex } from './canvas.js';
import { startFrames } from './frames.js';

const CHUNK_INTERVAL_MS = 40;  // how often a stroke in progress is streamed

export class WhiteboardView {
  constructor(canvas, legend, client) {
    this.canvas = canvas;
    this.legend = legend;
    this.context = canvas.getContext('2d');
    this.client = client;
    this.tool = 'pen';
    this.nextStrokeId = 1;
    this.drawing = null;       // my stroke in progress: { id, points, unsent, ended }
    this.dragging = null;      // a shape being created or moved
    this.pendingCursor = null;
    this.lastChunk = 0;
    this.dirty = true;
  }

  async start(room) {
    this.room = room;
    const redraw = () => { this.dirty = true; };
    room.onState(redraw);
    room.onPositions(redraw);
    room.onMembers(redraw);
    room.onOperation((op) => {
      // My stroke is drawn locally until the document has it.
      if (op.type === 'strokeCommitted' && op.slot === room.slot && this.drawing?.ended && this.drawing.id === op.id) this.drawing = null;
      this.dirty = true;
    });
    room.onReconnect(({ resumed }) => { if (!resumed) this.drawing = null; });
    this.bindPointer();
    this.stopFrames = startFrames(() => this.frame());
  }

  stop() {
    this.stopFrames?.();
    this.unbindPointer?.();
    return this.room?.leave();
  }

  get state() { return this.room.state; }
  get myColor() { return this.state.members.find((m) => m.slot === this.room.slot)?.color ?? 0x333333; }

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
    const inputs = this.room.inputs;
    if (this.tool === 'pen') {
      const id = this.nextStrokeId++;
      inputs.beginStroke(id, this.myColor, 6);
      this.drawing = { id, points: [p], unsent: [p], ended: false };
      this.lastChunk = performance.now();
    } else if (ShapeKind[this.tool]) {
      this.dragging = { mode: 'create', kind: ShapeKind[this.tool], from: p, to: p };
    } else if (this.tool === 'move' || this.tool === 'erase') {
      const shape = this.shapeAt(p);
      if (!shape) return;
      if (this.tool === 'erase') { inputs.deleteShape(shape.id); return; }
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
    const inputs = this.room.inputs;
    if (this.drawing && !this.drawing.ended) {
      this.pointerMove(p);
      this.flushStroke();
      inputs.endStroke(this.drawing.id);
      this.drawing.ended = true;
    } else if (this.dragging?.mode === 'create') {
      const { kind, from } = this.dragging;
      if (from.x !== p.x || from.y !== p.y) inputs.addShape(Math.floor(Math.random() * 2 ** 31), kind, from, p, this.myColor);
    } else if (this.dragging?.mode === 'move') {
      const { shape, offset } = this.dragging;
      const moved = (q) => ({ x: clampCanvas(q.x + offset.x), y: clampCanvas(q.y + offset.y) });
      inputs.moveShape(shape.id, moved(shape.from), moved(shape.to));
    }
    this.dragging = null;
    this.dirty = true;
  }

  // Sends the points drawn since the last chunk, as appendPoints inputs.
  flushStroke() {
    const drawing = this.drawing;
    while (drawing.unsent.length > 0) this.room.inputs.appendPoints(drawing.id, drawing.unsent.splice(0, MAX_POINTS_PER_CHUNK));
    this.lastChunk = performance.now();
  }

  clearBoard() { this.room.inputs.clear(); }

  shapeAt(p) {
    return [...this.state.shapes].reverse().find((s) => {
      const minX = Math.min(s.from.x, s.to.x) - 24, maxX = Math.max(s.from.x, s.to.x) + 24;
      const minY = Math.min(s.from.y, s.to.y) - 24, maxY = Math.max(s.from.y, s.to.y) + 24;
      return p.x >= minX && p.x <= maxX && p.y >= minY && p.y <= maxY;
    });
  }

  // ---- rendering ---------------------------------------------------------

  frame() {
    if (this.pendingCursor) {
      this.room.inputs.cursor(this.pendingCursor.x, this.pendingCursor.y);
      this.pendingCursor = null;
    }
    if (this.drawing && !this.drawing.ended && performance.now() - this.lastChunk >= CHUNK_INTERVAL_MS) this.flushStroke();
    if (this.dirty) { this.render(); this.dirty = false; }
  }

  render() {
    const { canvas, context: g, state, room } = this;
    beginFrame(canvas, g, SIZE, '#fdfdf8');
    g.lineCap = 'round';
    g.lineJoin = 'round';
    for (const stroke of state.strokes) drawStroke(g, stroke);
    for (const stroke of state.openStrokes) {
      if (stroke.authorSlot === room.slot && this.drawing?.id === stroke.id) continue;
      drawStroke(g, stroke);
    }
    if (this.drawing) drawStroke(g, { color: this.myColor, width: 6, points: this.drawing.points });
    for (const shape of state.shapes) {
      const moving = this.dragging?.mode === 'move' && this.dragging.shape.id === shape.id;
      const o = moving ? this.dragging.offset : { x: 0, y: 0 };
      drawShape(g, shape.kind, { x: shape.from.x + o.x, y: shape.from.y + o.y }, { x: shape.to.x + o.x, y: shape.to.y + o.y }, shape.color);
    }
    if (this.dragging?.mode === 'create') drawShape(g, this.dragging.kind, this.dragging.from, this.dragging.to, this.myColor, true);
    for (const [slot, at] of room.positions) {
      if (slot === room.slot) continue;
      const member = state.members.find((m) => m.slot === slot);
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
    const html = this.state.members.map((m) =>
      `<li><span class="swatch" style="background:${hex(m.color)}"></span>${m.id.slice(0, 8)}${m.slot === this.room.slot ? ' (you)' : ''}</li>`).join('');
    if (this.legend.innerHTML !== html) this.legend.innerHTML = html;
  }

  // What the browser tests read.
  summary() {
    const { state, room } = this;
    const strokeSummary = (s) => ({ slot: s.authorSlot, id: s.id, points: s.points.length });
    return {
      member: room.member,
      slot: room.slot,
      members: state.members.length,
      strokes: state.strokes.map(strokeSummary),
      openStrokes: state.openStrokes.map(strokeSummary),
      shapes: state.shapes.map((s) => ({ id: s.id, kind: s.kind, from: s.from, to: s.to })),
      cursors: Object.fromEntries(room.positions),
    };
  }
}

function clampCanvas(v) { return Math.max(0, Math.min(SIZE - 1, v)); }
