// A room cluster for the Node tests (docs/room-cluster.md): a throwaway
// redis-server on a free loopback port, a throwaway PostgreSQL (Debian's:
// initdb into a temporary directory, trust auth, a Unix socket only, run as
// the `postgres` user when the tests run as root: PostgreSQL refuses root),
// as Tests/Interop/redis_server.py and postgres_server.py; and `huddle
// serve` nodes on both, recording into the store (failover resumes rooms
// from their recordings). A missing redis-server or PostgreSQL skips the
// test, unless HUDDLE_REQUIRE_REDIS=1 / HUDDLE_REQUIRE_POSTGRES=1 say it
// must not.
import { execFile, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './server.mjs';
import { waitFor } from './wait.mjs';

const BIN_DIR = process.env.HUDDLE_BIN_DIR ?? path.join(ROOT, '.build', 'debug');
const run = promisify(execFile);

/** The first executable named `name` on PATH, or null. */
function which(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  return null;
}

/** A port free a moment ago: a server bound on port 0, closed again. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Whether the Redis on `port` answers `PING` with `+PONG` (false when it does not accept yet). */
function ping(port) {
  return new Promise((resolve) => {
    const socket = net.createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(2000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk;
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

/** Whether `proc` has exited (or was killed). */
const gone = (proc) => proc.exitCode !== null || proc.signalCode !== null;

/** Resolves with `proc`'s exit (code, or the signal's name) once it has exited. */
function exitOf(proc) {
  if (gone(proc)) return Promise.resolve(proc.exitCode ?? proc.signalCode);
  return new Promise((resolve) => proc.once('exit', (code, signal) => resolve(code ?? signal)));
}

/** Skips the test `t` (returns null) when `what` is missing, or throws when `required`. */
function missing(t, what, required) {
  const message = `${what} is not installed (Tools/test installs it)`;
  if (required) throw new Error(message);
  t.skip(message);
  return null;
}

/**
 * A throwaway redis-server: resolves `{port, url, stop}`, or null after
 * skipping the test when redis-server is missing.
 */
export async function startRedis(t) {
  const exe = which('redis-server');
  if (!exe) return missing(t, 'redis-server', process.env.HUDDLE_REQUIRE_REDIS === '1');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'huddle-redis-'));
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const port = await freePort();
    const proc = spawn(exe, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: ['ignore', 'ignore', 'pipe'] });
    proc.stderr.resume();
    // Up once it answers PING; a port taken meanwhile ends it: try another.
    const up = await waitFor(`redis-server on port ${port}`, async () => (gone(proc) ? 'exited' : (await ping(port)) && 'up'), 10000)
      .catch(() => 'timeout');
    if (up === 'up') {
      return {
        port,
        url: `redis://127.0.0.1:${port}`,
        stop: async () => {
          if (!gone(proc)) proc.kill('SIGKILL');
          await exitOf(proc);
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    if (!gone(proc)) proc.kill('SIGKILL');
    await exitOf(proc);
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error('redis-server did not start');
}

/** The newest /usr/lib/postgresql/<version>/bin holding `postgres`, or null. */
function postgresBin() {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => existsSync(path.join(base, v, 'bin', 'postgres')))
    .sort((a, b) => Number.parseFloat(a) - Number.parseFloat(b) || a.localeCompare(b));
  return versions.length ? path.join(base, versions.at(-1), 'bin') : null;
}

/** The uid and gid of the `postgres` user (from /etc/passwd). */
function postgresUser() {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('running as root, and there is no postgres user to run PostgreSQL as');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * A throwaway PostgreSQL server with a database `huddle` of user `huddle`:
 * resolves `{url, stop}` (`url` as `--store` takes it), or null after
 * skipping the test when PostgreSQL is missing. `stop()` is a fast shutdown.
 */
export async function startPostgres(t) {
  const bin = postgresBin();
  if (!bin) return missing(t, 'PostgreSQL', process.env.HUDDLE_REQUIRE_POSTGRES === '1');
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'huddle-pg-'));
  const data = path.join(dir, 'data');
  const socketDir = path.join(dir, 'socket');
  mkdirSync(socketDir);
  if (root) {
    const { uid, gid } = postgresUser();
    chownSync(dir, uid, gid);
    chownSync(socketDir, uid, gid);
  }
  // PostgreSQL refuses to run as root; runuser does not pass signals on (stop reads the pid file).
  const command = (tool, ...args) => (root
    ? ['runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args]]
    : [path.join(bin, tool), args]);
  const tool = async (name, ...args) => {
    const [file, argv] = command(name, ...args);
    try {
      await run(file, argv, { timeout: 60000 });
    } catch (error) {
      throw new Error(`${name} failed: ${error.stderr || error.message}`);
    }
  };
  let proc = null;
  const stop = async () => {
    if (proc && !gone(proc)) {
      // SIGINT to the postmaster: a fast shutdown, clients disconnected.
      let pid = null;
      try { pid = Number.parseInt(readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0], 10); } catch (_) { /* not yet written */ }
      try { if (pid) process.kill(pid, 'SIGINT'); else proc.kill('SIGINT'); } catch (_) { proc.kill('SIGINT'); }
      const timer = setTimeout(() => { if (pid) { try { process.kill(pid, 'SIGKILL'); } catch (_) { /* gone */ } } proc.kill('SIGKILL'); }, 30000);
      await exitOf(proc);
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await tool('initdb', '-D', data, '-U', 'huddle', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync');
    const [file, argv] = command('postgres', '-D', data, '-k', socketDir, '-c', 'listen_addresses=', '-c', 'fsync=off');
    proc = spawn(file, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    proc.stderr.on('data', (chunk) => { log += chunk; if (log.length > 65536) log = log.slice(-32768); });
    await waitFor('postgres to accept connections', async () => {
      if (gone(proc)) throw new Error(`postgres exited: ${log}`);
      const [isready, args] = command('pg_isready', '-h', socketDir, '-q');
      return run(isready, args, { timeout: 10000 }).then(() => true, () => false);
    }, 30000);
    await tool('createdb', '-h', socketDir, '-U', 'huddle', 'huddle');
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `postgres://huddle@/huddle?host=${socketDir}`, stop };
}

/**
 * Starts one node: `huddle serve --port 0 --store STORE --redis REDIS
 * --node NAME --assets Assets …args` (recording: failover resumes rooms
 * from the store), its URL read from the one 'listening on' line, as
 * server.mjs's startHuddle. Resolves `{url, name, stderr, kill, stop}`:
 * `kill()` sends SIGKILL, `stop()` SIGTERM; both resolve with the exit
 * (the code, or the signal's name).
 */
export async function startNode({ store, redis, name }, ...args) {
  const binary = path.join(BIN_DIR, 'huddle');
  if (!existsSync(binary)) throw new Error(`${binary} is missing: build first (Tools/test does)`);
  const proc = spawn(binary, ['serve', '--port', '0', '--store', store, '--redis', redis, '--node', name,
    '--assets', path.join(ROOT, 'Assets'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (chunk) => { stderr += chunk; if (stderr.length > 65536) stderr = stderr.slice(-32768); });
  const exited = exitOf(proc);
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk) => {
      out += chunk;
      if (!out.includes('\n')) return;
      const line = out.split('\n')[0];
      proc.stdout.off('data', onData);
      if (line.startsWith('listening on http://')) resolve(line.trim().split(' ')[2]);
      else reject(new Error(`node ${name} did not start: ${JSON.stringify(line)} ${stderr}`));
    };
    proc.stdout.on('data', onData);
    exited.then((code) => reject(new Error(`node ${name} exited with ${code}: ${stderr}`)));
  }).catch((error) => { if (!gone(proc)) proc.kill('SIGKILL'); throw error; });
  proc.stdout.resume();
  const signal = (name) => async () => {
    if (!gone(proc)) proc.kill(name);
    return exited;
  };
  return { url, name, stderr: () => stderr, kill: signal('SIGKILL'), stop: signal('SIGTERM') };
}

/** `huddle sessions --store STORE --json`: the recorded sessions (docs: SessionJSON). */
export async function sessions(store) {
  const { stdout } = await run(path.join(BIN_DIR, 'huddle'), ['sessions', '--store', store, '--json'], { timeout: 60000 });
  return JSON.parse(stdout);
}

/**
 * A Redis and a PostgreSQL for one test: resolves `{redis, postgres,
 * stop}`, or null when the test was skipped (one of them is missing).
 */
export async function startBackends(t) {
  const redis = await startRedis(t);
  if (!redis) return null;
  let postgres;
  try {
    postgres = await startPostgres(t);
  } catch (error) {
    await redis.stop();
    throw error;
  }
  if (!postgres) { await redis.stop(); return null; }
  return {
    redis,
    postgres,
    stop: async () => { await postgres.stop(); await redis.stop(); },
  };
}
