// What a conformance case sees: bundles, container ids, the runtime under test, the
// checker's report, soft assertions, and cleanup that runs whatever happens.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { checkerArgs, probeKeys, type AllResult, type Probe } from '../checker/protocol';
import type { Spec } from '../../src/spec/types';
import { makeBundle, type Bundle } from '../../test/helpers/runtime';
import type { Host } from './host';
import { describeInvocation, type InvokeOptions, type Invocation, type RuntimeCli } from './runtime-cli';

export type { Bundle, Probe };

export interface Env {
  host: Host;
  rt: RuntimeCli;
}

export interface Case {
  /** "<spec file>#<section>: <what must hold>", so a failure points at the spec text. */
  name: string;
  /** A reason this host cannot run the case (never a missing runtime feature), or false. */
  skip?: (env: Env) => string | false;
  run: (t: Ctx) => void | Promise<void>;
}

/** Thrown by a hard check: ends the case (cleanup still runs). */
export class CaseAbort extends Error {}

/** The checker's JSON: `all` typed, other probes by key. */
export type CheckerOutput = { all?: AllResult } & Record<string, any>;

export interface RunOutcome {
  inv: Invocation;
  id: string;
  out: CheckerOutput | null;
}

export interface StateJson {
  ociVersion?: unknown;
  id?: unknown;
  status?: unknown;
  pid?: unknown;
  bundle?: unknown;
  annotations?: unknown;
  [k: string]: unknown;
}

export const CHECKER_IN_ROOTFS = '/bin/oci-checker';

/** The container's argv for a list of checker probes. */
export function checker(...probes: Probe[]): string[] {
  return [CHECKER_IN_ROOTFS, ...checkerArgs(probes.length ? probes : [['all']])];
}

export { probeKeys };

let idCounter = 0;

export function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Parses the checker's one-line JSON from a stream that may hold runtime messages too. */
export function parseCheckerOutput(text: string): CheckerOutput | null {
  for (const line of text.split('\n')) {
    // On a terminal the line may start with echoed input (script(1) shows EOF as "^@").
    const s = line.slice(Math.max(0, line.indexOf('{"'))).trim();
    if (!s.startsWith('{')) continue;
    try {
      return JSON.parse(s) as CheckerOutput;
    } catch {
      // an unclosed object (killed during sleep): close it and retry
      try {
        return JSON.parse(s + '}') as CheckerOutput;
      } catch {
        continue;
      }
    }
  }
  return null;
}

/** JSON with object keys sorted: equality that ignores key order (maps are unordered). */
function canonical(v: unknown): string | undefined {
  return JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x,
  );
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  const s = JSON.stringify(v);
  if (s === undefined) return String(v);
  return s.length > 600 ? s.slice(0, 600) + '...' : s;
}

/** Container entries in a state root: names that could be container ids. */
export function rootEntries(root: string): string[] {
  return fs.existsSync(root) ? fs.readdirSync(root).filter((n) => /^[A-Za-z0-9_+.-]+$/.test(n) && n !== '.' && n !== '..') : [];
}

export class Ctx {
  readonly failures: string[] = [];
  readonly notes: string[] = [];
  private readonly ids: string[] = [];
  private readonly bundles: Bundle[] = [];
  private readonly dirs: string[] = [];
  private readonly deferred: { what: string; fn: () => void }[] = [];
  private readonly logStart: number;

  constructor(readonly env: Env) {
    this.logStart = env.rt.log.length;
  }

  get host(): Host {
    return this.env.host;
  }

  get rt(): RuntimeCli {
    return this.env.rt;
  }

  // ---- resources, all cleaned up by cleanup() ----

  /** A fresh container id, deleted (-f) when the case ends. */
  id(prefix = 'conf'): string {
    const id = `${prefix}-${process.pid}-${++idCounter}`;
    this.ids.push(id);
    return id;
  }

  /** Marks an id chosen elsewhere for cleanup. */
  own(id: string): string {
    if (!this.ids.includes(id)) this.ids.push(id);
    return id;
  }

  /** A busybox bundle (runtime's default config, terminal off, root writable) running args. */
  bundle(args: string[] = checker(), edit?: (spec: Spec) => void): Bundle {
    const b = makeBundle(args, edit);
    // mkdtemp makes 0700: a container root mapped to another host uid could not reach rootfs.
    fs.chmodSync(b.dir, 0o755);
    this.bundles.push(b);
    return b;
  }

  /** A temp directory removed when the case ends. */
  tmpdir(prefix = 'runtime-conformance-'): string {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    this.dirs.push(d);
    return d;
  }

  /** Registers an undo step (unmount, ip netns del...); steps run in reverse order. */
  defer(what: string, fn: () => void): void {
    this.deferred.push({ what, fn });
  }

  // ---- the runtime ----

  invoke(args: string[], opts?: InvokeOptions): Invocation {
    return this.rt.invoke(args, opts);
  }

  /** `run` in the foreground (create + start + wait + delete); stdout is the container's. */
  run(b: Bundle, opts: InvokeOptions & { id?: string; extraArgs?: string[] } = {}): RunOutcome {
    const id = opts.id ?? this.id();
    b.write();
    const inv = this.invoke(['run', ...(opts.extraArgs ?? []), '--bundle', b.dir, id], { timeoutMs: 30000, ...opts });
    return { inv, id, out: parseCheckerOutput(inv.stdout) };
  }

  /** Builds a bundle running the checker with `probes`, runs it, and requires a report. */
  check(probes: Probe[], edit?: (spec: Spec) => void, opts: InvokeOptions & { prepare?: (b: Bundle) => void } = {}): CheckerOutput & { all: AllResult } {
    const b = this.bundle(checker(...probes), edit);
    opts.prepare?.(b);
    const r = this.run(b, opts);
    if (!r.out) {
      this.abort(`the container did not report (run exited ${r.inv.status ?? r.inv.signal}): ${r.inv.stderr.trim().slice(-400)}`);
    }
    if (r.inv.status !== 0) this.fail(`run exited ${r.inv.status ?? r.inv.signal}: ${r.inv.stderr.trim().slice(-300)}`);
    return r.out as CheckerOutput & { all: AllResult };
  }

  /**
   * Runs a config that must be refused: the command fails, no container is left, and
   * (runtime.md#errors: as if never attempted) no cgroup directory either.
   */
  expectRefused(b: Bundle, what: string, command: 'run' | 'create' = 'create'): Invocation {
    const id = this.id();
    let cgroupsPath: string | undefined;
    if (b.spec.linux && !b.spec.linux.cgroupsPath) {
      cgroupsPath = `/runtime-test-conformance-${process.pid}/refused-${id}`;
      b.spec.linux.cgroupsPath = cgroupsPath;
    }
    b.write();
    const inv = command === 'run' ? this.run(b, { id }).inv : this.create(b, id).inv;
    this.ok(inv.status !== 0, `${what}: ${command} fails`, { stdout: inv.stdout.slice(0, 300) });
    this.expectGone(id, `${what}: no container is created`);
    if (cgroupsPath) {
      const left = [...new Set(this.host.cgroupMounts.values())].map((m) => path.join(m, cgroupsPath!)).filter((d) => fs.existsSync(d));
      this.ok(left.length === 0, `${what}: no cgroup directory is left`, { left });
      for (const d of left) {
        try {
          fs.rmdirSync(d);
        } catch {
          // a process still in it: reported above
        }
      }
      for (const m of new Set(this.host.cgroupMounts.values())) {
        try {
          fs.rmdirSync(path.join(m, `runtime-test-conformance-${process.pid}`));
        } catch {
          // not empty or not there
        }
      }
    }
    return inv;
  }

  /**
   * `create` with the container's stdio sent to files in the bundle dir (out.log, err.log),
   * so a detached container never holds a pipe of ours.
   */
  create(b: Bundle, id = this.id(), extraArgs: string[] = [], opts: InvokeOptions = {}): { inv: Invocation; id: string } {
    b.write();
    const errFile = path.join(b.dir, 'err.log');
    const before = fs.existsSync(errFile) ? fs.statSync(errFile).size : 0;
    const inv = this.invoke(['create', ...extraArgs, '--bundle', b.dir, id], {
      stdoutFile: path.join(b.dir, 'out.log'),
      stderrFile: errFile,
      ...opts,
    });
    inv.stderr = fs.readFileSync(errFile, 'utf8').slice(before);
    return { inv, id };
  }

  /** create that must succeed. */
  mustCreate(b: Bundle, id = this.id(), extraArgs: string[] = [], opts: InvokeOptions = {}): string {
    const { inv } = this.create(b, id, extraArgs, opts);
    if (inv.status !== 0) this.abort(`create failed (exit ${inv.status ?? inv.signal}): ${inv.stderr.trim().slice(-400)}`);
    return id;
  }

  start(id: string): Invocation {
    return this.invoke(['start', id]);
  }

  mustStart(id: string): void {
    const inv = this.start(id);
    if (inv.status !== 0) this.abort(`start failed (exit ${inv.status}): ${inv.stderr.trim().slice(-400)}`);
  }

  kill(id: string, signal?: string): Invocation {
    return this.invoke(['kill', id, ...(signal ? [signal] : [])]);
  }

  delete(id: string, force = false): Invocation {
    return this.invoke(['delete', ...(force ? ['--force'] : []), id]);
  }

  state(id: string): { inv: Invocation; state: StateJson | null } {
    const inv = this.invoke(['state', id]);
    let state: StateJson | null = null;
    if (inv.status === 0) {
      try {
        state = JSON.parse(inv.stdout) as StateJson;
      } catch {
        this.fail(`state ${id}: output is not JSON: ${inv.stdout.slice(0, 200)}`);
      }
    }
    return { inv, state };
  }

  status(id: string): string | null {
    const s = this.state(id).state;
    return s ? String(s.status) : null;
  }

  /** Polls `state` until the status is `want` (or the container is gone, for want = null). */
  waitStatus(id: string, want: string | null, timeoutMs = 10000): boolean {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const s = this.status(id);
      if (s === want) return true;
      if (Date.now() > end) return false;
      sleepMs(50);
    }
  }

  /** The container's stdout captured by create (out.log in the bundle). */
  output(b: Bundle): string {
    try {
      return fs.readFileSync(path.join(b.dir, 'out.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** Asserts that no container `id` exists: state fails and the state root has no entry. */
  expectGone(id: string, what: string): void {
    const s = this.state(id);
    this.ok(s.inv.status !== 0, `${what}: state ${id} fails`, { state: s.state });
    this.ok(!fs.existsSync(path.join(this.rt.root, id)), `${what}: no state left under the root for ${id}`);
  }

  // ---- soft assertions: record and go on ----

  fail(what: string, detail?: Record<string, unknown>): void {
    const extra = detail ? ' ' + Object.entries(detail).map(([k, v]) => `${k}=${show(v)}`).join(' ') : '';
    this.failures.push(what + extra);
  }

  ok(cond: unknown, what: string, detail?: Record<string, unknown>): boolean {
    if (!cond) this.fail(what, detail);
    return !!cond;
  }

  eq(actual: unknown, expected: unknown, what: string, detail?: Record<string, unknown>): boolean {
    const same = canonical(actual) === canonical(expected);
    if (!same) this.fail(what, { expected, actual, ...detail });
    return same;
  }

  note(s: string): void {
    this.notes.push(s);
  }

  /** A hard failure: records it and ends the case. */
  abort(what: string): never {
    this.failures.push(what);
    throw new CaseAbort(what);
  }

  need<T>(v: T | null | undefined | false, what: string): T {
    if (v === null || v === undefined || v === false) this.abort(what);
    return v as T;
  }

  // ---- end of case ----

  /** Deletes containers, runs deferred undo steps, removes bundles; records what failed to go. */
  cleanup(): void {
    for (const id of [...this.ids].reverse()) {
      if (!fs.existsSync(path.join(this.rt.root, id))) continue;
      const inv = this.invoke(['delete', '--force', id]);
      if (fs.existsSync(path.join(this.rt.root, id))) {
        this.failures.push(`cleanup: delete --force ${id} left its state behind (exit ${inv.status}): ${inv.stderr.trim().slice(-200)}`);
      }
    }
    for (const d of [...this.deferred].reverse()) {
      try {
        d.fn();
      } catch (e) {
        this.failures.push(`cleanup: ${d.what}: ${(e as Error).message}`);
      }
    }
    for (const b of this.bundles) fs.rmSync(b.dir, { recursive: true, force: true });
    for (const d of this.dirs) fs.rmSync(d, { recursive: true, force: true });
    // Anything else in the state root is a container this case did not know it made
    // (names no container id can have, like our runtime's "@seccomp-cache", are its own).
    for (const leftover of rootEntries(this.rt.root)) {
      this.invoke(['delete', '--force', leftover]);
      this.failures.push(`cleanup: unexpected container ${leftover} in the state root`);
      fs.rmSync(path.join(this.rt.root, leftover), { recursive: true, force: true });
    }
  }

  /** The runtime commands this case ran, one line each. */
  transcript(): string[] {
    return this.rt.log.slice(this.logStart).map(describeInvocation);
  }
}
