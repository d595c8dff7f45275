// Builds test/helpers/console-recv.c once per test process and runs it as the receiving end
// of --console-socket or --pidfd-socket, the part containerd's shim and conmon play.
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { REPO } from './runtime';

const SOURCE = path.join(REPO, 'test', 'helpers', 'console-recv.c');
let built: { bin?: string; reason?: string } | undefined;
let tmp: string | undefined;

/** The receiver binary, or the reason it could not be built (to skip with). */
export function receiverBinary(): { bin?: string; reason?: string } {
  if (built) return built;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-test-console-'));
  const bin = path.join(tmp, 'console-recv');
  const cc = spawnSync('gcc', ['-O2', '-Wall', '-o', bin, SOURCE], { encoding: 'utf8' });
  if (cc.error) built = { reason: `gcc not available: ${cc.error.message}` };
  else if (cc.status !== 0) built = { reason: `gcc failed on console-recv.c: ${cc.stderr}` };
  else built = { bin };
  return built;
}

export function removeReceiverBinary(): void {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
  built = undefined;
}

export interface Received {
  /** What the receiver reports about the fd it got. */
  header: { name: string; tty: number; rows: number; cols: number; pid: number } | null;
  /** Everything the terminal printed after the input was written. */
  output: string;
  stderr: string;
  code: number | null;
}

export interface Receiver {
  socket: string;
  result: Promise<Received>;
  /** Ends the receiver (by its pid) if it is still waiting. */
  stop(): void;
}

/** Starts a receiver listening on a socket in `dir`; resolves once the socket exists. */
export async function startReceiver(dir: string, input?: string): Promise<Receiver> {
  const { bin, reason } = receiverBinary();
  if (!bin) throw new Error(reason);
  const socket = path.join(dir, `console-${process.pid}-${Math.random().toString(36).slice(2, 8)}.sock`);
  const child = spawn(bin, input === undefined ? [socket] : [socket, input], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const result = new Promise<Received>((resolve) => {
    child.on('close', (code) => {
      const nl = stdout.indexOf('\n');
      let header: Received['header'] = null;
      try {
        header = nl >= 0 ? JSON.parse(stdout.slice(0, nl)) : null;
      } catch {
        header = null;
      }
      resolve({ header, output: nl >= 0 ? stdout.slice(nl + 1) : stdout, stderr, code });
      fs.rmSync(socket, { force: true });
    });
  });
  const deadline = Date.now() + 5000;
  while (!fs.existsSync(socket)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`console-recv did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return {
    socket,
    result,
    stop: () => {
      if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
    },
  };
}

/** A promise that rejects after ms, for racing a receiver that should have finished. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no result after ${ms} ms`)), ms);
    }),
  ]);
}
