// The client driver: the runtime under the real engines from Debian (containerd's runc shim
// through ctr, podman through conmon, and Docker's dockerd), each scenario PASS/FAIL/SKIP,
// then `clients: N passed, M failed[, K skipped]`. Exit status 1 on any FAIL.
//
//   npm run clients                          the runtime (dist/runtime.js)
//   RUNTIME=/usr/sbin/runc npm run clients   the same scenarios with Debian's runc
//   CLIENTS=podman,docker                    only these engines
//   CLIENTS_FILTER='podman: .*tty'           only scenarios whose name matches
//   CLIENTS_VERBOSE=1                        every engine command and its output on stderr
//   CLIENTS_KEEP=1                           keep the temp dir (daemons are still stopped)
//   CLIENTS_BUDGET_S=540                     scenarios after this many seconds are skipped
//   CLIENTS_TRACE_RC=1                       the wrapper also records each call's exit status
//                                            (tmp/runtime-calls.log; with CLIENTS_KEEP=1)
//
// Everything lives in one temp dir; cleanup (also on SIGINT/SIGTERM) stops the daemons by
// pid, removes containers, unmounts, and undoes iptables rules, bridges, network namespaces,
// sysctls and cgroups the engines made.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { containerdSuite } from './containerd';
import { dockerSuite } from './docker';
import { callsOffset, callsSince, type Ctx } from './lib/context';
import { HostSnapshot, hostLock, installPackages, makeRootfs, makeTarball, makeWrapper } from './lib/host';
import { run, setVerbose } from './lib/proc';
import { Reporter } from './lib/report';
import { podmanSuite } from './podman';

const repo = path.resolve(__dirname, '../../../..');

function log(s: string): void {
  process.stdout.write(`# ${s}\n`);
}

async function main(): Promise<number> {
  setVerbose(process.env.CLIENTS_VERBOSE === '1');
  const realRuntime = path.resolve(process.env.RUNTIME || path.join(repo, 'dist/runtime.js'));
  const engines = (process.env.CLIENTS || 'containerd,podman,docker').split(',').map((s) => s.trim());
  const budget = Number(process.env.CLIENTS_BUDGET_S || 540) * 1000;
  const report = new Reporter(process.env.CLIENTS_FILTER ? new RegExp(process.env.CLIENTS_FILTER) : undefined, Date.now() + budget);
  if (process.getuid?.() !== 0) {
    report.failure('clients: setup', 'the client scenarios need root');
    return finish(report);
  }
  if (!fs.existsSync(realRuntime)) {
    report.failure('clients: setup', `runtime ${realRuntime} not found (npm run build)`);
    return finish(report);
  }
  const installError = await installPackages(log);
  if (installError) {
    report.failure('clients: setup', installError);
    return finish(report);
  }

  const release = await hostLock(15 * 60_000, log);
  if (!release) {
    report.failure('clients: setup', 'another client run held the host for 15 minutes');
    return finish(report);
  }
  process.on('exit', release);
  const snapshot = await HostSnapshot.take();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rtclients-'));
  const cleanups: { name: string; fn: () => Promise<void> }[] = [];
  let cleaned = false;
  const cleanup = async (): Promise<void> => {
    if (cleaned) return;
    cleaned = true;
    for (const c of cleanups.reverse()) {
      try {
        await c.fn();
      } catch (e) {
        report.failure(`clients: cleanup ${c.name}`, String(e));
      }
    }
    const keep = process.env.CLIENTS_KEEP === '1';
    const problems = await snapshot.restore(tmp, keep);
    if (problems.length) report.failure('clients: cleanup', problems.join('; '));
    if (keep) log(`kept ${tmp}`);
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      log(`${sig}: cleaning up`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  const version = await run(realRuntime, ['--version'], { timeoutMs: 20_000 });
  log(`runtime ${realRuntime}: ${version.stdout.split('\n')[0] || version.stderr.trim()}`);
  const callsLog = path.join(tmp, 'runtime-calls.log');
  const recording = process.env.CLIENTS_NO_WRAPPER !== '1';
  const ctx: Ctx = {
    repo,
    realRuntime,
    runtime: recording ? makeWrapper(path.join(tmp, 'bin'), realRuntime, callsLog) : realRuntime,
    recording,
    isRunc: /^runc version/m.test(version.stdout) && !/^spec: 1\.3/m.test(version.stdout),
    tmp,
    rootfs: path.join(tmp, 'rootfs'),
    tarball: path.join(tmp, 'busybox.tar'),
    callsLog,
    report,
    defer: (name, fn) => cleanups.push({ name, fn }),
    log,
  };
  report.trace = { mark: () => callsOffset(ctx), since: (from) => callsSince(ctx, from) };
  try {
    await makeRootfs(repo, ctx.rootfs);
    await makeTarball(ctx.rootfs, ctx.tarball);
    const suites: Record<string, (c: Ctx) => Promise<void>> = { containerd: containerdSuite, podman: podmanSuite, docker: dockerSuite };
    for (const name of engines) {
      const suite = suites[name];
      if (!suite) {
        report.failure(`clients: ${name}`, `unknown engine (containerd, podman, docker)`);
        continue;
      }
      const start = Date.now();
      await suite(ctx);
      log(`${name}: ${((Date.now() - start) / 1000).toFixed(1)} s`);
    }
  } catch (e) {
    report.failure('clients: driver', e instanceof Error ? (e.stack ?? e.message) : String(e));
  } finally {
    await cleanup();
  }
  return finish(report);
}

function finish(report: Reporter): number {
  process.stdout.write(`${report.summary()}\n`);
  return report.anyFailed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`clients: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.stdout.write('clients: 0 passed, 1 failed\n');
    process.exit(1);
  },
);
