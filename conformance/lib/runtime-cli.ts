// The runtime under test, driven through its runc-compatible command line. Every call is
// recorded so a failing case can show the commands that led to it.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export const REPO = path.resolve(__dirname, '..', '..', '..', '..');

export interface Invocation {
  argv: string[];
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface InvokeOptions {
  /** Where the runtime's (and so a detached container's) stdout/stderr go; default: pipes. */
  stdoutFile?: string;
  stderrFile?: string;
  input?: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Shell commands run just before exec'ing the runtime, in the same process (e.g. to set oom_score_adj). */
  preamble?: string;
  /** Extra fds for --preserve-fds: opened files handed over as fds 3, 4... */
  extraFds?: number[];
  /** Run the runtime on a terminal of its own (script(1)), as `run` with process.terminal wants. */
  onTerminal?: boolean;
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Resolves RUNTIME: unset = this repo's CLI, `runc` (or any name) = from PATH, else a path. */
export function resolveRuntime(spec = process.env.RUNTIME): { name: string; argv0: string[] } {
  if (!spec) {
    const cli = path.join(REPO, 'dist', 'runtime.js');
    return { name: 'runtime (dist/runtime.js)', argv0: [process.execPath, cli] };
  }
  let bin = spec;
  if (!spec.includes('/')) {
    const dirs = (process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(':');
    const hit = [...dirs, '/usr/sbin', '/sbin'].map((d) => path.join(d, spec)).find((p) => fs.existsSync(p));
    if (!hit) throw new Error(`RUNTIME=${spec}: not found on PATH`);
    bin = hit;
  }
  bin = path.resolve(bin);
  if (bin.endsWith('.js')) return { name: bin, argv0: [process.execPath, bin] };
  return { name: bin, argv0: [bin] };
}

export class RuntimeCli {
  readonly log: Invocation[] = [];

  constructor(
    readonly name: string,
    private readonly argv0: string[],
    readonly root: string,
  ) {}

  get isRunc(): boolean {
    return path.basename(this.argv0[this.argv0.length - 1]) === 'runc';
  }

  /** Runs `<runtime> --root ROOT ...args` to completion. */
  invoke(args: string[], opts: InvokeOptions = {}): Invocation {
    const argv = [...this.argv0, '--root', this.root, ...args];
    const outFd = opts.stdoutFile ? fs.openSync(opts.stdoutFile, 'a') : undefined;
    const errFd = opts.stderrFile ? fs.openSync(opts.stderrFile, 'a') : undefined;
    const stdio: (number | 'pipe' | 'ignore')[] = [opts.input !== undefined ? 'pipe' : 'ignore', outFd ?? 'pipe', errFd ?? 'pipe'];
    for (const fd of opts.extraFds ?? []) stdio.push(fd);
    let file = argv[0];
    let rest = argv.slice(1);
    if (opts.preamble) {
      file = '/bin/sh';
      rest = ['-c', `${opts.preamble}\nexec "$@"`, 'sh', ...argv];
    }
    if (opts.onTerminal) {
      rest = ['-q', '-e', '-c', [file, ...rest].map(shellQuote).join(' '), '/dev/null'];
      file = 'script';
    }
    const t0 = Date.now();
    const r = spawnSync(file, rest, {
      encoding: 'utf8',
      input: opts.input,
      stdio,
      timeout: opts.timeoutMs ?? 30000,
      killSignal: 'SIGKILL',
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      maxBuffer: 16 * 1024 * 1024,
    });
    if (outFd !== undefined) fs.closeSync(outFd);
    if (errFd !== undefined) fs.closeSync(errFd);
    const inv: Invocation = {
      argv: opts.preamble ? ['sh', '-c', opts.preamble, '&&', ...argv] : opts.onTerminal ? ['script', '-c', ...argv] : argv,
      status: r.status,
      signal: r.signal,
      stdout: r.stdout ?? '',
      stderr: (r.stderr ?? '') + (r.error ? `\n[harness: ${r.error.message}]` : ''),
      ms: Date.now() - t0,
    };
    this.log.push(inv);
    return inv;
  }
}

/** One line per call, for diagnostics: the command, its status and the end of its stderr. */
export function describeInvocation(inv: Invocation): string {
  const args = inv.argv.slice(inv.argv.indexOf('--root') + 2).join(' ');
  const how = inv.signal ? `signal ${inv.signal}` : `exit ${inv.status}`;
  const err = inv.stderr.trim().split('\n').slice(-2).join(' | ').slice(0, 300);
  return `${args} -> ${how} (${inv.ms} ms)${err ? `: ${err}` : ''}`;
}
