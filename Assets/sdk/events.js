// A minimal event emitter for rooms and replay viewers: no framework, no
// Node `events` (the SDK runs unchanged in browsers and Node).

/**
 * Named events with listeners; `on` returns the function that removes the
 * listener. A listener that throws does not stop the others (the error is
 * reported to `console.error`, as browsers do for event handlers).
 *
 * @example
 * const off = emitter.on('state', (state) => draw(state));
 * off();
 */
export class Emitter {
  constructor() { this.listeners = new Map(); }

  /**
   * @param {string} event
   * @param {(...args: any[]) => void} listener
   * @returns {() => void} removes the listener
   */
  on(event, listener) {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const entry = { listener };
    set.add(entry);
    return () => set.delete(entry);
  }

  /** Like `on`, for the next emission only. */
  once(event, listener) {
    const off = this.on(event, (...args) => { off(); listener(...args); });
    return off;
  }

  /** Calls every listener of `event`; returns whether there was one. */
  emit(event, ...args) {
    const set = this.listeners.get(event);
    if (!set || set.size === 0) return false;
    for (const { listener } of [...set]) {
      try { listener(...args); } catch (error) { console.error(`huddle: a '${event}' listener threw`, error); }
    }
    return true;
  }

  /** Removes every listener. */
  clear() { this.listeners.clear(); }
}
