// Drawing helpers shared by the demo's views (whiteboard, arena, replay).

// Starts a frame on a square canvas: sizes it to its on-screen pixels,
// clears it with `background`, and maps world units (0…worldSize) to
// pixels. Returns the pixels per world unit.
export function beginFrame(canvas, context, worldSize, background) {
  const pixels = Math.round(canvas.clientWidth * (window.devicePixelRatio || 1)) || canvas.width;
  if (canvas.width !== pixels) { canvas.width = pixels; canvas.height = pixels; }
  const scale = canvas.width / worldSize;
  context.setTransform(1, 0, 0, 1, 0, 0);
  context.fillStyle = background;
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.setTransform(scale, 0, 0, scale, 0, 0);
  return scale;
}

// The arena players' colours, by slot (the arena view and the replay agree).
export const ARENA_COLORS = [0xe6194b, 0x3cb44b, 0x4363d8, 0xf58231, 0x911eb4, 0x42d4f4, 0xf032e6, 0xbfef45, 0x469990, 0x9a6324, 0x800000, 0x000075];

// A 24-bit RGB colour as CSS.
export const hex = (color) => '#' + color.toString(16).padStart(6, '0');

// A whiteboard stroke: its points joined with round caps (a single point
// becomes a dot).
export function drawStroke(g, stroke) {
  if (stroke.points.length === 0) return;
  g.strokeStyle = hex(stroke.color);
  g.lineWidth = stroke.width * 4;
  g.beginPath();
  g.moveTo(stroke.points[0].x, stroke.points[0].y);
  for (const p of stroke.points.slice(1)) g.lineTo(p.x, p.y);
  if (stroke.points.length === 1) g.lineTo(stroke.points[0].x + 0.1, stroke.points[0].y);
  g.stroke();
}

// A whiteboard shape (1 rectangle, 2 ellipse, 3 line) between two corners;
// dashed when it is a preview of one being drawn.
export function drawShape(g, kind, from, to, color, preview = false) {
  g.strokeStyle = hex(color);
  g.lineWidth = 16;
  g.setLineDash(preview ? [40, 30] : []);
  g.beginPath();
  const x = Math.min(from.x, to.x), y = Math.min(from.y, to.y), w = Math.abs(to.x - from.x), h = Math.abs(to.y - from.y);
  if (kind === 1) g.rect(x, y, w, h);
  else if (kind === 2) g.ellipse(x + w / 2, y + h / 2, w / 2, h / 2, 0, 0, Math.PI * 2);
  else { g.moveTo(from.x, from.y); g.lineTo(to.x, to.y); }
  g.stroke();
  g.setLineDash([]);
}
