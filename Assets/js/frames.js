// The views' animation loop: `frame` once per animation frame until the
// returned function stops it.
export function startFrames(frame) {
  let running = true;
  const loop = () => {
    if (!running) return;
    frame();
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
  return () => { running = false; };
}
