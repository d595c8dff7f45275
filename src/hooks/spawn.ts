// Running one hook in the runtime's own namespaces: argv[0] from args[0], exactly the hook's
// env, the state on stdin, killed (SIGKILL) when its timeout passes.
//
// Its stdout and stderr go to unnamed temporary files rather than pipes: spawnSync waits for
// a pipe's last writer, so a hook that leaves a daemon behind holding its stdout would hang
// the runtime. With files, the hook is done when its own process exits.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import type { Hook } from '../spec/types';
import { errnoText, type HookOutcome } from './outcome';

const O_TMPFILE = 0o20200000;
const OUTPUT_MAX = 64 * 1024;

function captureFile(): number {
  const dir = os.tmpdir();
  try {
    return fs.openSync(dir, O_TMPFILE | fs.constants.O_RDWR, 0o600);
  } catch {
    // A filesystem without O_TMPFILE: a named file, unlinked at once.
    const name = path.join(dir, `.runtime-hook-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
    const fd = fs.openSync(name, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
    fs.unlinkSync(name);
    return fd;
  }
}

function readCapture(fd: number): string {
  const size = Math.min(fs.fstatSync(fd).size, OUTPUT_MAX);
  const buf = Buffer.alloc(size);
  const n = size > 0 ? fs.readSync(fd, buf, 0, size, 0) : 0;
  return buf.subarray(0, n).toString('utf8');
}

/** `env` entries as execve takes them; an entry without `=` is a name with an empty value. */
export function envObject(env: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of env ?? []) {
    const k = e.indexOf('=');
    if (k < 0) out[e] = '';
    else out[e.slice(0, k)] = e.slice(k + 1);
  }
  return out;
}

/** args[0] is argv[0] (`/proc/PID/exe` with argv[0] `libnetwork-setkey` is how Docker calls itself). */
export function argvOf(hook: Hook): string[] {
  return hook.args && hook.args.length > 0 ? hook.args : [hook.path];
}

/** `cwd`: runc runs hooks from the bundle dir (it chdirs there); hooks written for it may rely on that. */
export function runHostHook(hook: Hook, input: string, cwd?: string): HookOutcome {
  const out = captureFile();
  const err = captureFile();
  try {
    const argv = argvOf(hook);
    const r = spawnSync(hook.path, argv.slice(1), {
      argv0: argv[0],
      input,
      cwd: cwd && fs.existsSync(cwd) ? cwd : '/',
      // Exactly the hook's environment: what it sees must not depend on who called the runtime.
      env: envObject(hook.env),
      stdio: ['pipe', out, err],
      timeout: hook.timeout && hook.timeout > 0 ? hook.timeout * 1000 : undefined,
      killSignal: 'SIGKILL',
    });
    const code = (r.error as NodeJS.ErrnoException | undefined)?.code;
    const timedOut = code === 'ETIMEDOUT';
    let execError: string | null = null;
    // pid 0: it never started. EPIPE: it exited without reading its stdin, which is its right.
    if (r.error && r.pid === 0) execError = errnoText(code ?? r.error.message);
    else if (r.error && !timedOut && code !== 'EPIPE') execError = r.error.message;
    return {
      exitCode: r.status,
      signal: r.signal,
      timedOut,
      execError,
      stdout: readCapture(out),
      stderr: readCapture(err),
    };
  } finally {
    fs.closeSync(out);
    fs.closeSync(err);
  }
}
