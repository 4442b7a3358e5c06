// The arena's geometry (rules of logic version 1) in grid units, the 1/16
// unit of positions on the wire, for tests that must know how far a player
// can run: walls are not in a snapshot, they are the rules. Mirrors
// Tests/Interop/rooms_wire.py's free_run.

export const ARENA_LOGIC_VERSION = 1;
export const ARENA_GRID = 4096 * 16;
export const PLAYER_RADIUS = 24 * 16;
/** Walls as [min x, min y, max x, max y]. */
export const WALLS = [
  [900, 900, 1200, 1200], [2896, 900, 3196, 1200], [900, 2896, 1200, 3196],
  [2896, 2896, 3196, 3196], [1848, 1948, 2248, 2148],
].map((wall) => wall.map((v) => v * 16));
/** The four axes a move can take, as [dx, dy]. */
export const AXES = [[1, 0], [-1, 0], [0, 1], [0, -1]];

/**
 * How far (grid units) a player at `position` ({x, y}) can go along `axis`
 * before an arena edge, a wall or another player (at `others`) could stop
 * it. Conservative: a wall counts as its rectangle grown by the player
 * radius on every side, a player as a square of twice that plus `slack`
 * around its centre, and a position may be anywhere in its grid unit.
 */
export function freeRun(position, [dx, dy], others = [], slack = 0) {
  const r = PLAYER_RADIUS;
  const [along, across] = dx ? [position.x, position.y] : [position.y, position.x];
  const forward = (dx || dy) > 0;
  let run = forward ? ARENA_GRID - r - along : along - r;
  const obstacles = WALLS.map(([x0, y0, x1, y1]) => {
    const [[lo, hi], [clo, chi]] = dx ? [[x0, x1], [y0, y1]] : [[y0, y1], [x0, x1]];
    return [lo - r, hi + r, lo, hi, clo - r, chi + r];
  });
  for (const other of others) {
    const [oAlong, oAcross] = dx ? [other.x, other.y] : [other.y, other.x];
    const reach = 2 * r + slack;
    obstacles.push([oAlong - reach, oAlong + reach, oAlong, oAlong, oAcross - reach, oAcross + reach]);
  }
  for (const [stopLow, stopHigh, low, high, bandLow, bandHigh] of obstacles) {
    if (!(bandLow - 1 < across && across < bandHigh)) continue;
    if (forward && along < high) run = Math.min(run, Math.max(0, stopLow - along));
    else if (!forward && along >= low) run = Math.min(run, Math.max(0, along - stopHigh));
  }
  return Math.max(0, run - 1);
}

/** Whether two players are far enough apart that separation no longer moves them. */
export function apart(a, b) {
  const reach = 2 * PLAYER_RADIUS - 4;
  return (a.x - b.x) ** 2 + (a.y - b.y) ** 2 >= reach ** 2;
}
