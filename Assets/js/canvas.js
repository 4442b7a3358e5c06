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
