// Running the engines' command-line tools with a bound on every call, and daemons that are
// started and stopped by pid. Every child gets its own process group, so a timeout ends the
// whole group (ctr, podman and docker clients fork helpers of their own).
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';

import { isAlive as alive } from '../../../src/util/proc';

export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** the command line, for reasons */
  cmd: string;
}

export interface RunOptions {
  timeoutMs?: number;
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export const DEFAULT_TIMEOUT_MS = 60_000;

let verbose = false;
export function setVerbose(v: boolean): void {
  verbose = v;
}

function quote(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(cmd: string, args: string[]): string {
  return [cmd, ...args].map(quote).join(' ');
}

/** Runs a command to its end or its timeout; never throws for a non-zero exit. */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<Result> {
  const line = commandLine(cmd, args);
  if (verbose) process.stderr.write(`+ ${line}\n`);
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(cmd, args, {
        detached: true,
        env: opts.env ?? process.env,
        cwd: opts.cwd,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    } catch (e) {
      resolve({ code: 127, signal: null, stdout: '', stderr: String(e), timedOut: false, cmd: line });
      return;
    }
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(opts.input ?? '');
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, 'SIGKILL');
    }, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.on('error', (e) => {
      stderr += String(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (verbose && (stdout || stderr)) process.stderr.write(`${stdout}${stderr}`.replace(/^/gm, '  | ') + '\n');
      resolve({ code, signal, stdout, stderr, timedOut, cmd: line });
    });
  });
}

function killGroup(pid: number | undefined, sig: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

/** One line that says what happened, for a FAIL reason. */
export function describe(r: Result): string {
  const how = r.timedOut ? 'timed out' : r.signal ? `killed by ${r.signal}` : `exit ${r.code}`;
  const out = `${r.stdout}${r.stderr}`.trim().replace(/\s*\n\s*/g, ' | ');
  return `\`${r.cmd}\` ${how}${out ? `: ${out.slice(-600)}` : ''}`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Alive and not a zombie: the runtime's own check. */
export { alive };

/** Polls until `check` holds or the time is up. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, stepMs = 100): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await sleep(stepMs);
  }
}

/** A long-running daemon, its output in a log file. */
export interface Daemon {
  name: string;
  pid: number;
  log: string;
  child: ChildProcess;
}

export function startDaemon(name: string, cmd: string, args: string[], log: string, env?: NodeJS.ProcessEnv): Daemon {
  const fd = fs.openSync(log, 'a');
  if (verbose) process.stderr.write(`+ ${commandLine(cmd, args)} &\n`);
  // Own session: a terminal's SIGINT reaches the driver, which stops the daemon in order.
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', fd, fd], env: env ?? process.env });
  fs.closeSync(fd);
  child.on('error', () => undefined);
  if (!child.pid) throw new Error(`${name}: could not start ${cmd}`);
  return { name, pid: child.pid, log, child };
}

/** SIGTERM, then SIGKILL after `graceMs`; waits until the pid is gone (or reaped). */
export async function stopPid(pid: number, graceMs = 15_000): Promise<boolean> {
  if (!alive(pid)) return true;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return true;
  }
  if (await waitFor(() => !alive(pid), graceMs)) return true;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return true;
  }
  return waitFor(() => !alive(pid), 5_000);
}

/** Pids whose command line mentions `needle` (our temp dir): helpers the engines left behind. */
export function pidsMentioning(needle: string): number[] {
  const out: number[] = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${e}/cmdline`, 'utf8');
      if (cmd.includes(needle) && alive(Number(e))) out.push(Number(e));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}
