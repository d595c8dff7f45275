// runc CLI operations beyond the spec's five (pause, resume, ps, update, events), checked
// where they touch the spec: the state's status values and the cgroup resources.
import * as fs from 'fs';
import * as path from 'path';

import { checker, type Case } from '../lib/harness';
import { uniqueCgroupPath } from '../lib/util';

export const cases: Case[] = [
  {
    name: 'runtime.md#state (runc CLI pause/resume): a paused container reports a status of its own and is frozen; resume makes it running',
    run(t) {
      const cg = uniqueCgroupPath(t, 'pause');
      const b = t.bundle(checker(['all'], ['sleep', '60']), (s) => {
        s.linux!.cgroupsPath = cg;
      });
      const id = t.mustCreate(b);
      t.mustStart(id);
      const p = t.invoke(['pause', id]);
      t.eq(p.status, 0, 'pause succeeds', { stderr: p.stderr.slice(-200) });
      const paused = t.status(id);
      t.ok(paused !== null && !['created', 'running', 'stopped', 'creating'].includes(paused), 'the status is a new value (paused), not one of the spec\'s', { status: paused });
      const freezer = t.host.cgroupMounts.get('freezer');
      const state = freezer ? fs.readFileSync(path.join(freezer, cg, 'freezer.state'), 'utf8').trim() : fs.readFileSync(path.join(t.host.cgroupMounts.get('unified')!, cg, 'cgroup.freeze'), 'utf8').trim();
      t.ok(state === 'FROZEN' || state === '1', 'the cgroup is frozen', { state });
      t.eq(t.invoke(['resume', id]).status, 0, 'resume succeeds');
      t.eq(t.status(id), 'running', 'running again');
    },
  },
  {
    name: 'runtime.md#state (runc CLI ps): ps lists the container processes as host pids',
    run(t) {
      const b = t.bundle(checker(['all'], ['sleep', '60']));
      const id = t.mustCreate(b);
      t.mustStart(id);
      const pid = t.state(id).state?.pid;
      const r = t.invoke(['ps', '--format', 'json', id]);
      let pids: unknown = null;
      try {
        pids = JSON.parse(r.stdout);
      } catch {
        t.fail('ps output is not JSON', { stdout: r.stdout.slice(0, 200), stderr: r.stderr.slice(-200) });
      }
      t.eq(pids, [pid], 'ps --format json');
    },
  },
  {
    name: 'config-linux.md#control-groups (runc CLI update): update --resources changes the cgroup of a running container',
    run(t) {
      const cg = uniqueCgroupPath(t, 'update');
      const b = t.bundle(checker(['all'], ['sleep', '60']), (s) => {
        s.linux!.cgroupsPath = cg;
        s.linux!.resources = { ...s.linux!.resources, pids: { limit: 50 } };
      });
      const id = t.mustCreate(b);
      t.mustStart(id);
      const u = t.invoke(['update', '--resources', '-', id], { input: JSON.stringify({ pids: { limit: 77 } }) });
      t.eq(u.status, 0, 'update succeeds', { stderr: u.stderr.slice(-200) });
      const dir = t.host.cgroupMounts.get('pids') ?? t.host.cgroupMounts.get('unified')!;
      t.eq(fs.readFileSync(path.join(dir, cg, 'pids.max'), 'utf8').trim(), '77', 'pids.max');
    },
  },
  {
    name: 'config-linux.md#control-groups (runc CLI events --stats): stats of a running container',
    run(t) {
      const b = t.bundle(checker(['all'], ['sleep', '60']));
      const id = t.mustCreate(b);
      t.mustStart(id);
      const r = t.invoke(['events', '--stats', id]);
      let ev: Record<string, any> | null = null;
      try {
        ev = JSON.parse(r.stdout);
      } catch {
        t.fail('events --stats output is not JSON', { stdout: r.stdout.slice(0, 200), stderr: r.stderr.slice(-200) });
      }
      t.eq(ev?.type, 'stats', 'type');
      t.eq(ev?.id, id, 'id');
      t.ok((ev?.data?.pids?.current ?? 0) >= 1, 'data.pids.current counts the init', { pids: ev?.data?.pids });
    },
  },
];
