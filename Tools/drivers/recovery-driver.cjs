// Connection state recovery under faults, driven with the official
// Socket.IO client (the browser bundle, loaded in Node with its built-in
// WebSocket): N clients in one room over WebSocket, one more client sending
// a numbered message to the room every PERIOD ms through the conformance
// app's `to-room`, a fault injected by Tools/bench-recovery while the stream
// runs (it signals us with SIGUSR1 when the fault starts and SIGUSR2 when
// it ends), then a report of what each client received: missed and
// duplicated messages, recovered sessions.
//
//   node --experimental-websocket recovery-driver.cjs BUNDLE URL CLIENTS PERIOD_MS AFTER_MS
//
// Prints one JSON line at the end.
"use strict";
const [bundle, url, clientsArg, periodArg, afterArg] = process.argv.slice(2);
const { io } = require(bundle);
const clients = Number(clientsArg);
const period = Number(periodArg);
const after = Number(afterArg);
const room = "recovery";

const options = { transports: ["websocket"], reconnectionDelay: 200, reconnectionDelayMax: 2000, timeout: 20000 };
const receivers = [];
let joined = 0;
let faultAt = null;

function log(message) {
  process.stderr.write(`[driver ${new Date().toISOString()}] ${message}\n`);
}

function connectReceiver(index) {
  return new Promise((resolve) => {
    const socket = io(url, { ...options, forceNew: true });
    const state = { socket, seen: [], connects: 0, recoveredConnects: 0 };
    socket.on("room-message", (seq) => state.seen.push(seq));
    socket.on("connect", () => {
      state.connects += 1;
      if (socket.recovered) {
        state.recoveredConnects += 1;
        return;
      }
      // a fresh session (first connect, or recovery refused): join again
      socket.emit("join", room, () => {
        if (state.connects === 1) {
          joined += 1;
          resolve(state);
        }
      });
    });
    receivers[index] = state;
  });
}

async function main() {
  log(`connecting ${clients} clients`);
  const batch = 200;
  for (let start = 0; start < clients; start += batch) {
    const waiting = [];
    for (let i = start; i < Math.min(clients, start + batch); i++) waiting.push(connectReceiver(i));
    await Promise.all(waiting);
  }
  log(`${joined} joined`);
  const sender = io(url, { ...options, forceNew: true });
  await new Promise((resolve) => sender.on("connect", resolve));
  let seq = 0;
  let stopSending = false;
  const tick = () => {
    if (stopSending) return;
    seq += 1;
    sender.emit("to-room", room, seq);
    setTimeout(tick, period);
  };
  tick();
  process.stdout.write("READY\n");
  let faultEnded = null;
  process.on("SIGUSR1", () => { faultAt = Date.now(); log(`fault at seq ${seq}`); });
  process.on("SIGUSR2", () => { faultEnded = Date.now(); log(`fault over at seq ${seq}`); });
  // run until the fault is over and every receiver is connected again, then AFTER_MS more
  await new Promise((resolve) => {
    const check = setInterval(() => {
      if (faultEnded !== null && receivers.every((r) => r.socket.connected) && sender.connected) {
        clearInterval(check);
        resolve();
      }
    }, 100);
  });
  const backAt = Date.now();
  log(`all connected again ${backAt - faultEnded} ms after the fault ended`);
  await new Promise((resolve) => setTimeout(resolve, after));
  stopSending = true;
  const last = seq;
  // wait for the last message to reach everyone (bounded)
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline && receivers.some((r) => !r.seen.includes(last))) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // A message no receiver has was lost on its way *to* the server: the
  // sender's own connection is reset too, and an emit in flight then is
  // gone (Socket.IO does not retry client-to-server packets unless
  // `retries` is set). Recovery is about what the server sends, so such
  // messages are counted apart and not as missed by every receiver.
  const seenByAnyone = new Set();
  for (const r of receivers) for (const s of r.seen) seenByAnyone.add(s);
  const neverReachedServer = [];
  for (let s = 1; s <= last; s++) if (!seenByAnyone.has(s)) neverReachedServer.push(s);
  let missing = 0, duplicated = 0, clientsWithDuplicates = 0, clientsWithMissing = 0, outOfOrder = 0;
  let recovered = 0, fresh = 0;
  for (const r of receivers) {
    const unique = new Set(r.seen);
    const dup = r.seen.length - unique.size;
    duplicated += dup;
    if (dup > 0) clientsWithDuplicates += 1;
    let miss = 0;
    for (let s = 1; s <= last; s++) if (!unique.has(s) && seenByAnyone.has(s)) miss += 1;
    missing += miss;
    if (miss > 0) clientsWithMissing += 1;
    for (let i = 1; i < r.seen.length; i++) if (r.seen[i] < r.seen[i - 1]) { outOfOrder += 1; break; }
    if (r.recoveredConnects > 0) recovered += 1;
    if (r.connects > 1 && r.recoveredConnects === 0) fresh += 1;
  }
  const report = {
    clients, messages: last, recovered, reconnectedWithoutRecovery: fresh,
    missing, clientsWithMissing, duplicated, clientsWithDuplicates, clientsOutOfOrder: outOfOrder,
    secondsToReconnectAll: (backAt - faultEnded) / 1000, neverReachedServer,
  };
  process.stdout.write(JSON.stringify(report) + "\n");
  for (const r of receivers) r.socket.close();
  sender.close();
  process.exit(0);
}

main().catch((error) => { log(error.stack || String(error)); process.exit(1); });
