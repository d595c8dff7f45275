// exec (a runc CLI operation the spec does not define, but whose process settings it does:
// config.md#linux-process execCPUAffinity) and the namespaces an exec'd process joins.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { checker, parseCheckerOutput, sleepMs, type Case, type Ctx } from '../lib/harness';

/** A running container whose init reported `all`; returns its id, bundle and report. */
function runningContainer(t: Ctx) {
  const b = t.bundle(checker(['all'], ['sleep', '60']));
  const id = t.mustCreate(b);
  t.mustStart(id);
  for (let i = 0; i < 100 && !parseCheckerOutput(t.output(b))?.all; i++) sleepMs(20);
  const init = t.need(parseCheckerOutput(t.output(b))?.all, 'the container init did not report');
  return { b, id, init };
}

function processFile(t: Ctx, dir: string, proc: Record<string, unknown>): string {
  const f = path.join(dir, 'process.json');
  fs.writeFileSync(f, JSON.stringify(proc));
  return f;
}

export const cases: Case[] = [
  {
    name: 'config.md#linux-process (runc CLI exec): an exec\'d process joins the container namespaces and cgroups',
    run(t) {
      const { id, init } = runningContainer(t);
      const r = t.invoke(['exec', id, ...checker(['all'])]);
      const out = t.need(parseCheckerOutput(r.stdout)?.all, `exec did not report (exit ${r.status}): ${r.stderr.trim().slice(-300)}`);
      for (const ns of ['mnt', 'pid', 'net', 'ipc', 'uts', 'cgroup', 'user']) t.eq(out.namespaces[ns], init.namespaces[ns], `${ns} namespace`);
      t.eq(out.cgroups, init.cgroups, 'cgroups');
      t.ok(out.pid !== 1, 'the exec\'d process is not the init', { pid: out.pid });
    },
  },
  {
    name: 'config.md#linux-process (runc CLI exec --process): the process JSON sets args, env, cwd and user',
    run(t) {
      const { b, id } = runningContainer(t);
      const f = processFile(t, b.dir, { ...b.spec.process, args: checker(['all']), env: ['PATH=/bin', 'EXEC_VAR=1'], cwd: '/tmp', user: { uid: 1000, gid: 1000, additionalGids: [5] } });
      const r = t.invoke(['exec', '--process', f, id]);
      const out = t.need(parseCheckerOutput(r.stdout)?.all, `exec did not report (exit ${r.status}): ${r.stderr.trim().slice(-300)}`);
      t.ok(out.env.includes('EXEC_VAR=1'), 'env', { env: out.env });
      t.eq(out.cwd, '/tmp', 'cwd');
      t.eq([out.uid, out.gid, out.groups], [1000, 1000, [5]], 'user');
    },
  },
  {
    name: 'config.md#linux-process: execCPUAffinity.final is the CPU affinity of an exec\'d process',
    skip: () => (os.cpus().length < 2 ? 'fewer than 2 CPUs on this host' : false),
    run(t) {
      const { b, id } = runningContainer(t);
      const f = processFile(t, b.dir, { ...b.spec.process, args: checker(['read', '/proc/self/status']), execCPUAffinity: { final: '1' } });
      const r = t.invoke(['exec', '--process', f, id]);
      const status = String(t.need(parseCheckerOutput(r.stdout), `exec did not report (exit ${r.status}): ${r.stderr.trim().slice(-300)}`)['read /proc/self/status']?.content ?? '');
      t.eq(/^Cpus_allowed_list:\s*(\S+)$/m.exec(status)?.[1], '1', 'Cpus_allowed_list');
    },
  },
  {
    name: 'runtime.md#state (runc CLI exec): exec into a stopped container is an error',
    run(t) {
      const b = t.bundle(checker(['all']));
      const id = t.mustCreate(b);
      t.mustStart(id);
      t.need(t.waitStatus(id, 'stopped'), 'the container did not stop');
      const r = t.invoke(['exec', id, ...checker(['all'])]);
      t.ok(r.status !== 0, 'exec fails');
      t.eq(parseCheckerOutput(r.stdout), null, 'nothing ran');
    },
  },
];
