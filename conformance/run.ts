// The OCI runtime-spec conformance suite: runs every case in cases/*.ts against the runtime
// named by RUNTIME (default: this repo's dist/runtime.js), one at a time, and reports TAP.
//
//   npm run conformance [-- --tap FILE] [-- --filter TEXT]... [-- --list]
//   RUNTIME=runc npm run conformance
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { allCases } from './cases';
import { CaseAbort, Ctx, type Case, type Env } from './lib/harness';
import { probeHost } from './lib/host';
import { REPO, resolveRuntime, RuntimeCli } from './lib/runtime-cli';
import { Tap } from './lib/tap';
import { CHECKER } from '../test/helpers/runtime';

interface Options {
  tap: string;
  filters: string[];
  list: boolean;
  verbose: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { tap: path.join(REPO, 'conformance', 'results.tap'), filters: [], list: false, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--tap') o.tap = path.resolve(value());
    else if (a.startsWith('--tap=')) o.tap = path.resolve(a.slice(6));
    else if (a === '--filter') o.filters.push(value());
    else if (a.startsWith('--filter=')) o.filters.push(a.slice(9));
    else if (a === '--list') o.list = true;
    else if (a === '--verbose' || a === '-v') o.verbose = true;
    else if (a === '--help' || a === '-h') {
      fs.writeSync(1, 'usage: run.js [--tap FILE] [--filter TEXT]... [--list] [--verbose]\n  RUNTIME=runc|/path/to/runtime selects the runtime (default: dist/runtime.js)\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

function selected(cases: Case[], filters: string[]): Case[] {
  if (!filters.length) return cases;
  return cases.filter((c) => filters.some((f) => c.name.includes(f)));
}

function preflight(rt: RuntimeCli): string | null {
  if (process.getuid?.() !== 0) return 'the conformance suite needs root';
  if (!fs.existsSync(CHECKER)) return `${CHECKER} is missing (npm run build:addon)`;
  if (!fs.existsSync('/bin/busybox')) return 'busybox-static is not installed (/bin/busybox)';
  const v = rt.invoke(['--version']);
  if (v.status !== 0) return `${rt.name} --version failed: ${v.stderr.trim()}`;
  return null;
}

async function runCase(c: Case, env: Env, tap: Tap, verbose: boolean): Promise<void> {
  const reason = c.skip?.(env);
  if (reason) {
    tap.skip(c.name, reason);
    return;
  }
  const t = new Ctx(env);
  const t0 = Date.now();
  let error: string | undefined;
  try {
    await c.run(t);
  } catch (e) {
    if (!(e instanceof CaseAbort)) error = e instanceof Error ? (e.stack ?? e.message).split('\n').slice(0, 4).join(' | ') : String(e);
  } finally {
    try {
      t.cleanup();
    } catch (e) {
      t.failures.push(`cleanup threw: ${(e as Error).message}`);
    }
  }
  if (verbose) {
    fs.writeSync(2, `[${Date.now() - t0} ms] ${c.name}\n`);
    for (const line of t.transcript()) fs.writeSync(2, `    ${line}\n`);
  }
  if (!error && t.failures.length === 0) tap.ok(c.name, t.notes);
  else {
    tap.notOk(c.name, {
      ...(error ? { error } : {}),
      failures: t.failures,
      notes: t.notes,
      commands: t.transcript().slice(-12),
    });
  }
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  const cases = selected(allCases(), opts.filters);
  if (opts.list) {
    for (const c of cases) fs.writeSync(1, c.name + '\n');
    return 0;
  }
  const runtime = resolveRuntime();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-conformance-root-'));
  const rt = new RuntimeCli(runtime.name, runtime.argv0, root);
  const tap = new Tap(opts.tap);
  const problem = preflight(rt);
  if (problem) {
    tap.line(`Bail out! ${problem}`);
    fs.rmSync(root, { recursive: true, force: true });
    return 2;
  }
  const env: Env = { host: probeHost(), rt };
  const version = rt.log[rt.log.length - 1].stdout.trim().split('\n').join('; ');
  tap.comment(`runtime: ${runtime.name} (${version})`);
  tap.comment(`host: kernel ${os.release()}, cgroups ${env.host.cgroupMode}; state root ${root}`);
  tap.plan(cases.length);
  const t0 = Date.now();
  for (const c of cases) await runCase(c, env, tap, opts.verbose);
  tap.comment(`took ${((Date.now() - t0) / 1000).toFixed(1)} s; TAP written to ${opts.tap}`);
  const summary = tap.summary();
  if (opts.verbose) fs.writeSync(2, summary + '\n');
  fs.rmSync(root, { recursive: true, force: true });
  return tap.failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    fs.writeSync(2, `conformance: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  },
);
