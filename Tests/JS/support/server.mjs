// A real `huddle serve` for the Node tests: started on port 0 from
// HUDDLE_BIN_DIR (default .build/debug, as the pytest tests), its URL read
// from the one 'listening on' line; and the official Socket.IO client (the
// browser bundle Tools/browser-setup fetches), loaded with require.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN_DIR = process.env.HUDDLE_BIN_DIR ?? path.join(ROOT, '.build', 'debug');
const BUNDLE = path.join(ROOT, 'Assets', 'vendor', 'socket.io.min.js');

/** The official client's `io` (needs Node's WebSocket: --experimental-websocket on Node 20). */
export function loadIO() {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run Tools/browser-setup --bundle-only`);
  if (typeof WebSocket !== 'function') throw new Error('no global WebSocket: run node with --experimental-websocket');
  return createRequire(import.meta.url)(BUNDLE).io;
}

/**
 * Starts `huddle serve --port 0 --no-record …args`; resolves `{url, stop}`.
 * `stop()` sends SIGTERM and resolves with the exit code.
 */
export async function startHuddle(...args) {
  const binary = path.join(BIN_DIR, 'huddle');
  if (!existsSync(binary)) throw new Error(`${binary} is missing: build first (Tools/test does)`);
  const proc = spawn(binary, ['serve', '--port', '0', '--no-record', '--assets', path.join(ROOT, 'Assets'), ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (chunk) => { stderr += chunk; if (stderr.length > 65536) stderr = stderr.slice(-32768); });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk) => {
      out += chunk;
      const line = out.split('\n')[0];
      if (!out.includes('\n')) return;
      proc.stdout.off('data', onData);
      if (line.startsWith('listening on http://')) resolve(line.trim().split(' ')[2]);
      else reject(new Error(`huddle did not start: ${JSON.stringify(line)} ${stderr}`));
    };
    proc.stdout.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`huddle exited with ${code}: ${stderr}`)));
  });
  proc.stdout.resume();
  const exited = new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
  return {
    url,
    stderr: () => stderr,
    stop: async () => {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      return exited;
    },
  };
}
