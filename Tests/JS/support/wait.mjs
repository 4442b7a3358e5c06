// Waiting on conditions, never on sleeps: every wait has a deadline and
// says what it waited for.

/** Resolves once `predicate()` (or the promise it returns) is truthy, polled every 10 ms; rejects after `timeout` ms. */
export async function waitFor(what, predicate, timeout = 10000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The next emission of `event` on a room (or anything with `on(event, fn) → off`). */
export function nextEvent(emitter, event, timeout = 10000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { off(); reject(new Error(`timed out after ${timeout} ms waiting for '${event}'`)); }, timeout);
    const off = emitter.on(event, (...args) => { clearTimeout(timer); off(); resolve(args); });
  });
}

/** Records the events a socket emits (name and arguments), without changing what it sends. */
export function recordEmits(socket) {
  const sent = [];
  const emit = socket.emit.bind(socket);
  socket.emit = (event, ...args) => { sent.push({ event, args: args.filter((a) => typeof a !== 'function') }); return emit(event, ...args); };
  return sent;
}

/** Resolves once `count()` has not changed for `quietMs`; rejects after `timeout` ms. */
export async function waitForQuiet(what, count, quietMs, timeout = 10000) {
  const deadline = Date.now() + timeout;
  let last = count(), since = Date.now();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const now = count();
    if (now !== last) { last = now; since = Date.now(); }
    if (Date.now() - since >= quietMs) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
  }
}
