// Side-by-side benchmark: Node's bare start-up (the floor), our CLI and runc, measured
// interleaved in one run (each round runs every subject once, in a shuffled order) so that
// machine noise hits every subject alike.
//
//   npm run bench [-- --runs 30 --warmup 5 --settle 25 --out bench/results.json --bin dist/runtime.js --runc /usr/sbin/runc]
//
// Before each sample the bench idles for --settle ms: a container's exit leaves the kernel
// deferred work (network namespace and cgroup teardown, RCU callbacks) that would otherwise
// land on whichever command comes next, floor included, and blur small differences.
//
// Time: wall clock of whole commands, process.hrtime around spawnSync (spawn to exit).
// Peak RSS: extra interleaved rounds through /usr/bin/time -f %M (Debian package `time`),
// kept out of the timed rounds so its own exec does not blur the ratios. wait4's ru_maxrss
// covers the command and every descendant it reaped (our init helper, the container's init).
// Without /usr/bin/time RSS is reported as null: Node cannot read a child's rusage.
//
// Environment: every subject runs without NODE_OPTIONS and NODE_EXTRA_CA_CERTS (unless
// --keep-env). With NODE_EXTRA_CA_CERTS set, every node process parses a certificate bundle
// before any JavaScript runs (about 70 ms on the reference machine): that would inflate the
// floor and every one of our commands alike and make the ratios look better than they are.
//
// The create -> start -> wait -> delete lifecycle needs someone to reap the container's init
// after `create` has exited, as containerd's shim does. The bench therefore re-executes
// itself as a child subreaper (prctl through perl, which keeps the flag across exec) and
// reaps the init with the addon's waitPid; that wait is part of the lifecycle's time.
import { spawnSync, type SpawnSyncOptions } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { native } from '../src/native';

const REPO = path.resolve(__dirname, '..', '..', '..');
const SUBREAPER_ENV = 'RUNTIME_BENCH_SUBREAPER';
const MiB = 1024 * 1024;

interface Options {
  runs: number;
  warmup: number;
  settle: number;
  rssRuns: number;
  out: string;
  bin: string;
  runc: string | null;
  quiet: boolean;
  keepEnv: boolean;
}

function usage(): never {
  process.stderr.write(
    'usage: node build/ts/bench/run.js [--runs N] [--warmup N] [--settle MS] [--rss-runs N] [--out FILE] [--bin RUNTIME] [--runc RUNC | --no-runc] [--keep-env] [--quiet]\n',
  );
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    runs: 30,
    warmup: 5,
    settle: 25,
    rssRuns: 3,
    out: path.join(REPO, 'bench', 'results.json'),
    bin: path.join(REPO, 'dist', 'runtime.js'),
    runc: findRunc(),
    quiet: false,
    keepEnv: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => argv[++i] ?? usage();
    const count = (): number => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0) usage();
      return n;
    };
    if (a === '--runs') o.runs = Math.max(1, count());
    else if (a === '--warmup') o.warmup = count();
    else if (a === '--settle') o.settle = count();
    else if (a === '--rss-runs') o.rssRuns = count();
    else if (a === '--out') o.out = path.resolve(value());
    else if (a === '--bin') o.bin = path.resolve(value());
    else if (a === '--runc') o.runc = path.resolve(value());
    else if (a === '--no-runc') o.runc = null;
    else if (a === '--quiet') o.quiet = true;
    else if (a === '--keep-env') o.keepEnv = true;
    else usage();
  }
  return o;
}

function findRunc(): string | null {
  for (const dir of ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin', ...(process.env.PATH ?? '').split(':')]) {
    const p = path.join(dir, 'runc');
    try {
      fs.accessSync(p, fs.constants.X_OK);
      // Skip our own CLI installed under runc's name.
      if (fs.realpathSync(p) !== fs.realpathSync(path.join(REPO, 'dist', 'runtime.js'))) return p;
    } catch {
      // not here
    }
  }
  return null;
}

// ---------- statistics ----------

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  if (q === 0.5) {
    const mid = s.length >> 1;
    return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  }
  // Nearest rank.
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

/** A small seeded generator, so that a run's order of subjects can be reproduced. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(xs: T[], random: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

// ---------- running commands ----------

class Runner {
  private readonly devnull = fs.openSync('/dev/null', 'r+');
  private readonly errFd: number;
  private readonly timeBin = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
  private readonly rssFile: string;

  constructor(
    private readonly tmp: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.errFd = fs.openSync(path.join(tmp, 'stderr.log'), 'a+');
    this.rssFile = path.join(tmp, 'rss');
  }

  get canMeasureRss(): boolean {
    return this.timeBin !== null;
  }

  /**
   * Runs argv to completion; returns its wall time in ms (and its peak RSS in bytes when
   * withRss). Its stdio are /dev/null and a log file, never pipes: a container started by
   * `create` inherits them, and a pipe would keep spawnSync waiting for the container.
   */
  run(argv: string[], withRss = false): { ms: number; rss?: number } {
    const opts: SpawnSyncOptions = { stdio: [this.devnull, this.devnull, this.errFd], env: this.env };
    const start = fs.fstatSync(this.errFd).size;
    let r;
    let ms: number;
    if (withRss && this.timeBin) {
      r = spawnSync(this.timeBin, ['-f', '%M', '-o', this.rssFile, '--', ...argv], opts);
      ms = NaN;
    } else {
      const t0 = process.hrtime.bigint();
      r = spawnSync(argv[0], argv.slice(1), opts);
      ms = Number(process.hrtime.bigint() - t0) / 1e6;
    }
    if (r.error) throw new Error(`${argv.join(' ')}: ${r.error.message}`);
    if (r.status !== 0) {
      const end = fs.fstatSync(this.errFd).size;
      const buf = Buffer.alloc(Math.min(end - start, 4000));
      fs.readSync(this.errFd, buf, 0, buf.length, end - buf.length);
      throw new Error(`${argv.join(' ')}: exit ${r.status ?? r.signal}: ${buf.toString('utf8').trim()}`);
    }
    if (withRss && this.timeBin) {
      const kb = Number(fs.readFileSync(this.rssFile, 'utf8').trim().split('\n').pop());
      return { ms, rss: kb * 1024 };
    }
    return { ms };
  }
}

// ---------- subjects ----------

/** One measured thing: a sequence of commands whose wall times add up to one sample. */
interface Subject {
  key: string;
  label: string;
  ours: boolean;
  /** One sample: total ms and per-step ms; rss when asked. */
  sample(withRss: boolean): { ms: number; steps: Record<string, number>; rss?: number };
}

interface Engine {
  name: 'runtime' | 'runc';
  argv: string[];
  root: string;
  ids: Set<string>;
  pids: Set<number>;
}

function readPid(file: string): number {
  const pid = Number(fs.readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`${file}: no pid`);
  return pid;
}

let counter = 0;
function uniqueId(tag: string): string {
  return `bench-${process.pid}-${tag}-${++counter}`;
}

function commandSubject(key: string, label: string, ours: boolean, runner: Runner, argv: () => string[]): Subject {
  return {
    key,
    label,
    ours,
    sample(withRss) {
      const r = runner.run(argv(), withRss);
      return { ms: r.ms, steps: {}, rss: r.rss };
    },
  };
}

function runSubject(e: Engine, runner: Runner, bundle: string): Subject {
  return {
    key: `run.${e.name}`,
    label: `${e.name} run (true)`,
    ours: e.name === 'runtime',
    sample(withRss) {
      const id = uniqueId('run');
      e.ids.add(id);
      const r = runner.run([...e.argv, '--root', e.root, 'run', '-b', bundle, id], withRss);
      e.ids.delete(id);
      return { ms: r.ms, steps: {}, rss: r.rss };
    },
  };
}

/** Reaps the container's init, which became our child when `create` exited (we are a subreaper). */
function waitForExit(pid: number, subreaper: boolean): void {
  if (subreaper) {
    native().waitPid(pid);
    return;
  }
  // Not its parent: poll until it is gone or a zombie.
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    let state = '';
    try {
      const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      state = text.slice(text.lastIndexOf(')') + 2).split(' ')[0];
    } catch {
      return;
    }
    if (state === 'Z' || state === 'X') return;
    Atomics.wait(sleeper, 0, 0, 0.2);
  }
}

function lifecycleSubject(e: Engine, runner: Runner, bundle: string, tmp: string, subreaper: boolean): Subject {
  return {
    key: `lifecycle.${e.name}`,
    label: `${e.name} create+start+wait+delete`,
    ours: e.name === 'runtime',
    sample(withRss) {
      const id = uniqueId('life');
      const pidFile = path.join(tmp, `${id}.pid`);
      const base = [...e.argv, '--root', e.root];
      e.ids.add(id);
      const create = runner.run([...base, 'create', '-b', bundle, '--pid-file', pidFile, id], withRss);
      const pid = readPid(pidFile);
      e.pids.add(pid);
      fs.unlinkSync(pidFile);
      const start = runner.run([...base, 'start', id], withRss);
      const t0 = process.hrtime.bigint();
      waitForExit(pid, subreaper);
      const wait = Number(process.hrtime.bigint() - t0) / 1e6;
      e.pids.delete(pid);
      const del = runner.run([...base, 'delete', id], withRss);
      e.ids.delete(id);
      const rss = withRss ? Math.max(create.rss ?? 0, start.rss ?? 0, del.rss ?? 0) : undefined;
      return {
        ms: create.ms + start.ms + wait + del.ms,
        steps: { create: create.ms, start: start.ms, wait, delete: del.ms },
        rss,
      };
    },
  };
}

// ---------- the bench ----------

function makeBundle(tmp: string, bin: string): string {
  const bundle = path.join(tmp, 'bundle');
  fs.mkdirSync(bundle);
  const mk = spawnSync('bash', [path.join(REPO, 'scripts', 'make-rootfs.sh'), path.join(bundle, 'rootfs')], { encoding: 'utf8' });
  if (mk.status !== 0) throw new Error(`make-rootfs.sh: ${mk.stderr || mk.error?.message}`);
  const spec = spawnSync(bin, ['spec', '-b', bundle], { encoding: 'utf8' });
  if (spec.status !== 0) throw new Error(`${bin} spec: ${spec.stderr || spec.error?.message}`);
  const file = path.join(bundle, 'config.json');
  const config = JSON.parse(fs.readFileSync(file, 'utf8'));
  config.process.terminal = false;
  config.process.args = ['true'];
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return bundle;
}

/** "NAME version X (commit Y)" from the first two lines of `--version`. */
function version(argv: string[]): string {
  const r = spawnSync(argv[0], [...argv.slice(1), '--version'], { encoding: 'utf8' });
  const [first = '', second = ''] = (r.stdout ?? '').split('\n');
  const commit = second.match(/^commit: (\S+)/)?.[1];
  return commit ? `${first.trim()} (commit ${commit})` : first.trim();
}

interface Result {
  key: string;
  label: string;
  samples: number[];
  median: number;
  p90: number;
  /** The least disturbed run: contention on a shared machine only ever adds time. */
  min: number;
  steps: Record<string, { median: number; p90: number }>;
  peakRssBytes: number | null;
}

function fmt(n: number | null | undefined, digits = 1): string {
  return n === null || n === undefined || Number.isNaN(n) ? '-' : n.toFixed(digits);
}

function main(): void {
  const o = parseArgs(process.argv.slice(2));
  const subreaper = process.env[SUBREAPER_ENV] === '1';
  if (!subreaper && !process.env[`${SUBREAPER_ENV}_TRIED`]) {
    // Become a child subreaper and come back (see the top of this file).
    // Exit code 97 means "could not": then we carry on here without the flag.
    const perl = 'eval { require "syscall.ph"; syscall(&SYS_prctl, 36, 1, 0, 0, 0) == 0 } or exit 97; exec {$ARGV[0]} @ARGV or exit 97';
    const r = spawnSync('perl', ['-e', perl, process.execPath, __filename, ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, [SUBREAPER_ENV]: '1', [`${SUBREAPER_ENV}_TRIED`]: '1' },
    });
    if (!r.error && r.status !== 97) {
      process.exitCode = r.status ?? 1;
      return;
    }
    process.stderr.write('bench: cannot become a subreaper (perl missing?); the lifecycle will poll /proc for the exit\n');
  }
  if (process.getuid?.() !== 0) {
    process.stderr.write('bench: needs root (it runs real containers)\n');
    process.exitCode = 1;
    return;
  }
  if (!fs.existsSync(o.bin)) {
    process.stderr.write(`bench: ${o.bin} not found (npm run build)\n`);
    process.exitCode = 1;
    return;
  }

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-bench-'));
  const env = { ...process.env };
  if (!o.keepEnv) {
    delete env.NODE_OPTIONS;
    delete env.NODE_EXTRA_CA_CERTS;
    delete env[SUBREAPER_ENV];
    delete env[`${SUBREAPER_ENV}_TRIED`];
  }
  const runner = new Runner(tmp, env);
  const ours: Engine = { name: 'runtime', argv: [o.bin], root: path.join(tmp, 'root-runtime'), ids: new Set(), pids: new Set() };
  const runc: Engine | null = o.runc ? { name: 'runc', argv: [o.runc], root: path.join(tmp, 'root-runc'), ids: new Set(), pids: new Set() } : null;
  const notes: string[] = [];
  if (!runc) notes.push('runc not found: its rows are skipped and the lifecycle target uses 0 ms for runc');
  if (!runner.canMeasureRss) notes.push('/usr/bin/time not found (apt-get install time): peak RSS not measured');
  if (o.keepEnv && (process.env.NODE_OPTIONS || process.env.NODE_EXTRA_CA_CERTS)) notes.push('--keep-env: NODE_OPTIONS/NODE_EXTRA_CA_CERTS kept, every node start-up (the floor too) pays for them');
  else if (process.env.NODE_EXTRA_CA_CERTS) notes.push('NODE_EXTRA_CA_CERTS is set here; subjects run without it (--keep-env to keep it)');
  if (!subreaper) notes.push('not a subreaper: lifecycle waits by polling /proc every 0.2 ms');

  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const cleanup = () => {
    for (const e of [ours, runc]) {
      if (!e) continue;
      for (const id of e.ids) spawnSync(e.argv[0], [...e.argv.slice(1), '--root', e.root, 'delete', '-f', id], { stdio: 'ignore' });
      e.ids.clear();
      for (const pid of e.pids) {
        try {
          if (subreaper) native().waitPid(pid);
        } catch {
          // not ours to reap
        }
      }
      e.pids.clear();
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  };

  try {
    const bundle = makeBundle(tmp, o.bin);
    // A created container for `state` to look at.
    const stateId = uniqueId('state');
    const statePid = path.join(tmp, 'state.pid');
    ours.ids.add(stateId);
    runner.run([...ours.argv, '--root', ours.root, 'create', '-b', bundle, '--pid-file', statePid, stateId]);
    ours.pids.add(readPid(statePid));

    const subjects: Subject[] = [
      commandSubject('floor', 'node -e 0 (floor)', false, runner, () => [process.execPath, '-e', '0']),
      commandSubject('version', 'runtime --version', true, runner, () => [...ours.argv, '--version']),
      commandSubject('state', 'runtime state', true, runner, () => [...ours.argv, '--root', ours.root, 'state', stateId]),
      runSubject(ours, runner, bundle),
      lifecycleSubject(ours, runner, bundle, tmp, subreaper),
    ];
    if (runc) {
      subjects.push(runSubject(runc, runner, bundle), lifecycleSubject(runc, runner, bundle, tmp, subreaper));
    }

    const samples = new Map<string, { ms: number; steps: Record<string, number> }[]>(subjects.map((s) => [s.key, []]));
    const rss = new Map<string, number>();
    const total = o.warmup + o.runs;
    const random = mulberry32(0x5eed);
    if (!o.quiet) process.stderr.write(`bench: ${subjects.length} subjects, ${o.warmup} warm-up + ${o.runs} counted rounds, interleaved\n`);
    for (let round = 0; round < total && !interrupted; round++) {
      // Every subject once per round, in a new order each round: a command pays for the
      // kernel's deferred work (cgroup and memory teardown) left by the one before it, so a
      // fixed order would always bill the same neighbour.
      for (const s of shuffled(subjects, random)) {
        if (interrupted) break;
        if (o.settle > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, o.settle);
        const r = s.sample(false);
        if (round >= o.warmup) samples.get(s.key)!.push(r);
      }
      if (!o.quiet) process.stderr.write(`\r  round ${round + 1}/${total}`);
    }
    if (runner.canMeasureRss) {
      for (let round = 0; round < o.rssRuns && !interrupted; round++) {
        for (const s of subjects) {
          const r = s.sample(true);
          rss.set(s.key, Math.max(rss.get(s.key) ?? 0, r.rss ?? 0));
        }
      }
    }
    if (!o.quiet) process.stderr.write('\n');
    if (interrupted) throw new Error('interrupted');

    const results: Result[] = subjects.map((s) => {
      const list = samples.get(s.key)!;
      const ms = list.map((x) => x.ms);
      const steps: Result['steps'] = {};
      for (const name of Object.keys(list[0]?.steps ?? {})) {
        const xs = list.map((x) => x.steps[name]);
        steps[name] = { median: quantile(xs, 0.5), p90: quantile(xs, 0.9) };
      }
      return { key: s.key, label: s.label, samples: ms, median: quantile(ms, 0.5), p90: quantile(ms, 0.9), min: Math.min(...ms), steps, peakRssBytes: rss.get(s.key) ?? null };
    });
    const by = (key: string) => results.find((r) => r.key === key);
    const floor = by('floor')!.median;
    const runcOf: Record<string, string> = { 'run.runtime': 'run.runc', 'lifecycle.runtime': 'lifecycle.runc' };

    // ---------- the table ----------
    const rows = results.map((r) => {
      const vsRunc = runcOf[r.key] && by(runcOf[r.key]) ? r.median / by(runcOf[r.key])!.median : null;
      return [
        r.label,
        fmt(r.median),
        fmt(r.p90),
        fmt(r.min),
        fmt(r.median / floor, 2),
        r.key === 'floor' ? '' : (r.median >= floor ? '+' : '') + fmt(r.median - floor),
        vsRunc === null ? '' : fmt(vsRunc, 1),
        r.peakRssBytes === null ? '-' : fmt(r.peakRssBytes / MiB),
      ];
    });
    const header = ['command', 'median ms', 'p90 ms', 'min ms', 'x floor', 'vs floor ms', 'x runc', 'peak RSS MiB'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
    const line = (cells: string[]) => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
    const out: string[] = [];
    out.push(line(header));
    out.push('|' + widths.map((w, i) => (i === 0 ? ':' + '-'.repeat(w + 1) : '-'.repeat(w + 1) + ':')).join('|') + '|');
    for (const row of rows) out.push(line(row));

    const stepLines: string[] = [];
    for (const r of results) {
      if (Object.keys(r.steps).length === 0) continue;
      stepLines.push(`  ${r.label}: ` + Object.entries(r.steps).map(([k, v]) => `${k} ${fmt(v.median)}`).join(', ') + ' (medians, ms)');
    }

    // ---------- targets ----------
    const ourRss = results.filter((r) => subjects.find((s) => s.key === r.key)!.ours).map((r) => r.peakRssBytes);
    const maxRss = ourRss.every((x) => x === null) ? null : Math.max(...ourRss.map((x) => x ?? 0));
    const runcLife = by('lifecycle.runc')?.median ?? 0;
    const targets = [
      { name: 'run <= 1.25 x floor', value: by('run.runtime')!.median, limit: 1.25 * floor },
      { name: 'state <= 1.10 x floor', value: by('state')!.median, limit: 1.1 * floor },
      { name: '--version <= 1.10 x floor', value: by('version')!.median, limit: 1.1 * floor },
      { name: 'peak RSS <= 60 MiB', value: maxRss === null ? NaN : maxRss / MiB, limit: 60, unit: 'MiB' },
      { name: 'lifecycle <= 3 x floor + runc lifecycle', value: by('lifecycle.runtime')!.median, limit: 3 * floor + runcLife },
    ].map((t) => ({ ...t, unit: t.unit ?? 'ms', holds: Number.isNaN(t.value) ? null : t.value <= t.limit }));

    const machine = {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      kernel: os.release(),
      node: process.version,
      runtime: version(ours.argv),
      runc: runc ? version(runc.argv) : null,
    };
    out.push('');
    out.push(...stepLines);
    out.push('');
    out.push('targets:');
    for (const t of targets) {
      const verdict = t.holds === null ? 'not measured' : t.holds ? 'holds' : 'MISSED';
      out.push(`  ${verdict.padEnd(12)} ${t.name}: ${fmt(t.value)} ${t.unit} (limit ${fmt(t.limit)} ${t.unit})`);
    }
    out.push('');
    out.push(`machine: ${machine.cpus} x ${machine.cpuModel}, kernel ${machine.kernel}, Node ${machine.node}; ${machine.runtime}; ${machine.runc ?? 'no runc'}`);
    out.push(`rounds: ${o.warmup} warm-up + ${o.runs} counted, interleaved in shuffled order, ${o.settle} ms idle before each sample; peak RSS from ${o.rssRuns} extra rounds via /usr/bin/time`);
    for (const n of notes) out.push(`note: ${n}`);
    process.stdout.write(out.join('\n') + '\n');

    fs.mkdirSync(path.dirname(o.out), { recursive: true });
    fs.writeFileSync(
      o.out,
      JSON.stringify(
        { date: new Date().toISOString(), machine, env: o.keepEnv ? 'inherited' : 'without NODE_OPTIONS and NODE_EXTRA_CA_CERTS', runs: o.runs, warmup: o.warmup, rssRuns: o.rssRuns, unit: 'ms', results, targets, notes },
        null,
        2,
      ) + '\n',
    );
    if (!o.quiet) process.stderr.write(`bench: wrote ${path.relative(process.cwd(), o.out) || o.out}\n`);
  } catch (e) {
    process.stderr.write(`\nbench: ${(e as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    cleanup();
  }
}

main();
