// runtime.md: the operations (create, start, kill, delete) and their error rules.
import * as fs from 'fs';
import * as path from 'path';

import { checker, sleepMs, type Case, type Ctx } from '../lib/harness';
import { alive, cgroupDirs, cmdline, hostMust, nsInode, procCgroups, rootEntries, uniqueCgroupPath } from '../lib/util';

/** A container whose program runs until killed (the checker reports, then sleeps). */
function longRunning(t: Ctx) {
  return t.bundle(checker(['all'], ['sleep', '60']));
}

function pidOf(t: Ctx, id: string): number {
  const s = t.state(id).state;
  return t.need(s && Number.isInteger(s.pid) && (s.pid as number) > 0 && (s.pid as number), `state ${id} has no pid`);
}

export const cases: Case[] = [
  {
    name: 'runtime.md#create: create without a container id is an error and creates nothing',
    run(t) {
      const b = t.bundle();
      const inv = t.invoke(['create', '--bundle', b.dir], { stdoutFile: path.join(b.dir, 'out.log'), stderrFile: path.join(b.dir, 'err.log') });
      t.ok(inv.status !== 0, 'create without an id fails');
      t.eq(rootEntries(t), [], 'the state root is still empty');
    },
  },
  {
    name: 'runtime.md#create: a bundle without config.json is an error and creates nothing',
    run(t) {
      const dir = t.tmpdir();
      const id = t.id();
      const inv = t.invoke(['create', '--bundle', dir, id], { stdoutFile: path.join(dir, 'out.log'), stderrFile: path.join(dir, 'err.log') });
      t.ok(inv.status !== 0, 'create fails');
      t.expectGone(id, 'bundle without config.json');
    },
  },
  {
    name: 'runtime.md#create: a duplicate id is an error and changes nothing',
    run(t) {
      const first = longRunning(t);
      const id = t.mustCreate(first);
      const before = t.state(id).state;
      const second = t.bundle(checker(['all']));
      const dup = t.create(second, id);
      t.ok(dup.inv.status !== 0, 'the second create with the same id fails');
      const after = t.state(id).state;
      t.eq(after?.status, 'created', 'the first container is still created');
      t.eq(after?.pid, before?.pid, 'the first container keeps its pid');
      t.eq(after?.bundle, before?.bundle, 'the first container keeps its bundle');
      t.ok(alive(before?.pid as number), 'the first container process is alive');
      t.eq(rootEntries(t), [id], 'only one container in the state root');
    },
  },
  {
    name: 'runtime.md#create: an id that is not valid (path separators, "..") is an error and creates nothing',
    run(t) {
      const b = t.bundle();
      const outside = path.join(path.dirname(t.rt.root), `conf-escape-${process.pid}`);
      for (const bad of [`../conf-escape-${process.pid}`, 'a/b', '..']) {
        const inv = t.invoke(['create', '--bundle', b.dir, bad], { stdoutFile: path.join(b.dir, 'out.log'), stderrFile: path.join(b.dir, 'err.log') });
        t.ok(inv.status !== 0, `create ${JSON.stringify(bad)} fails`);
        if (inv.status === 0) t.invoke(['delete', '--force', bad]);
      }
      t.ok(!fs.existsSync(outside), 'nothing was created outside the state root', { path: outside });
      if (fs.existsSync(outside)) fs.rmSync(outside, { recursive: true, force: true });
      t.eq(rootEntries(t), [], 'the state root is still empty');
    },
  },
  {
    name: 'runtime.md#create: create applies the configuration (namespaces, mounts, cgroups) but does not run process.args',
    run(t) {
      const cg = uniqueCgroupPath(t, 'create-applies');
      const b = t.bundle(checker(['all']), (s) => {
        s.linux!.cgroupsPath = cg;
      });
      const id = t.mustCreate(b);
      const pid = pidOf(t, id);
      for (const ns of ['mnt', 'uts', 'ipc', 'net', 'pid']) {
        t.ok(nsInode(pid, ns) !== t.host.ns[ns], `the created container already has its own ${ns} namespace`);
      }
      const mountinfo = fs.readFileSync(`/proc/${pid}/mountinfo`, 'utf8');
      t.ok(/ \/dev\/shm /.test(mountinfo) && / \/proc /.test(mountinfo), 'the configured mounts exist before start', { mountinfo: mountinfo.slice(0, 300) });
      const cgs = procCgroups(pid);
      t.ok([...cgs.values()].some((p) => p === cg), 'the created process is in its configured cgroup', { cgroups: Object.fromEntries(cgs) });
      sleepMs(300);
      t.eq(t.output(b), '', 'the program has not run (no output) after create');
      const argv = cmdline(pid) ?? [];
      t.ok(argv[0] !== checker()[0], 'the container process is not the user program yet', { cmdline: argv });
      t.mustStart(id);
      t.ok(t.waitStatus(id, 'stopped'), 'the program runs to its end after start');
      t.ok(t.output(b).includes('"all"'), 'the program ran after start', { output: t.output(b).slice(0, 200) });
    },
  },
  {
    name: 'runtime.md#lifecycle: changes to config.json after create do not affect the container',
    run(t) {
      const b = t.bundle(checker(['all']), (s) => {
        s.process!.env = ['MARK=original'];
      });
      const id = t.mustCreate(b);
      b.spec.process!.args = checker(['all'], ['exit', '3']);
      b.spec.process!.env = ['MARK=changed'];
      b.spec.hostname = 'changed';
      fs.writeFileSync(path.join(b.dir, 'config.json'), JSON.stringify(b.spec));
      t.mustStart(id);
      t.ok(t.waitStatus(id, 'stopped'), 'the container stops');
      const out = t.output(b);
      t.ok(out.includes('MARK=original') && !out.includes('MARK=changed'), 'the process env is the one from create time', { output: out.slice(0, 300) });
      t.ok(!out.includes('"exit 3"'), 'the process args are the ones from create time');
      t.ok(!out.includes('"hostname":"changed"'), 'the hostname is the one from create time');
    },
  },
  {
    name: 'runtime.md#start: start of a running container is an error and changes nothing',
    run(t) {
      const id = t.mustCreate(longRunning(t));
      t.mustStart(id);
      t.ok(t.waitStatus(id, 'running'), 'the container is running');
      const pid = pidOf(t, id);
      const again = t.start(id);
      t.ok(again.status !== 0, 'a second start fails');
      t.eq(t.status(id), 'running', 'the container is still running');
      t.eq(t.state(id).state?.pid, pid, 'with the same pid');
    },
  },
  {
    name: 'runtime.md#start: start of a stopped container is an error and does not run the program again',
    run(t) {
      const b = t.bundle(checker(['all']));
      const id = t.mustCreate(b);
      t.mustStart(id);
      t.ok(t.waitStatus(id, 'stopped'), 'the container stops');
      const out = t.output(b);
      const again = t.start(id);
      t.ok(again.status !== 0, 'start of a stopped container fails');
      sleepMs(200);
      t.eq(t.output(b), out, 'the program did not run a second time');
      t.eq(t.status(id), 'stopped', 'the container is still stopped');
    },
  },
  {
    name: 'runtime.md#start: start without an id, or of an unknown id, is an error',
    run(t) {
      t.ok(t.invoke(['start']).status !== 0, 'start without an id fails');
      const id = t.id();
      t.ok(t.start(id).status !== 0, 'start of an unknown id fails');
      t.expectGone(id, 'start of an unknown id');
    },
  },
  {
    name: 'runtime.md#start: a config without process is an error (at create or at start) and the container never runs',
    run(t) {
      const b = t.bundle(checker(['all']), (s) => {
        delete s.process;
      });
      const { inv, id } = t.create(b);
      if (inv.status === 0) {
        const st = t.start(id);
        t.ok(st.status !== 0, 'start fails without process');
      }
      sleepMs(200);
      t.eq(t.output(b), '', 'nothing ran');
    },
  },
  {
    name: 'runtime.md#kill: kill sends the named signal to the container process',
    run(t) {
      const b = t.bundle(['/bin/sh', '-c', 'trap "echo got-usr1 > /signal; exit 7" USR1; touch /ready; while true; do sleep 0.05; done']);
      const id = t.mustCreate(b);
      t.mustStart(id);
      const ready = path.join(b.rootfs, 'ready');
      for (let i = 0; i < 100 && !fs.existsSync(ready); i++) sleepMs(50);
      t.need(fs.existsSync(ready), 'the container program did not start');
      const k = t.kill(id, 'USR1');
      t.eq(k.status, 0, 'kill USR1 succeeds');
      t.ok(t.waitStatus(id, 'stopped'), 'the program handled the signal and exited');
      t.eq(fs.existsSync(path.join(b.rootfs, 'signal')) ? fs.readFileSync(path.join(b.rootfs, 'signal'), 'utf8').trim() : null, 'got-usr1', 'the program received SIGUSR1');
    },
  },
  {
    name: 'runtime.md#kill: kill of a created container delivers the signal',
    run(t) {
      const id = t.mustCreate(longRunning(t));
      const pid = pidOf(t, id);
      const k = t.kill(id, 'KILL');
      t.eq(k.status, 0, 'kill KILL of a created container succeeds');
      t.ok(t.waitStatus(id, 'stopped'), 'the created container is stopped');
      t.ok(!alive(pid), 'its process is gone');
    },
  },
  {
    name: 'runtime.md#kill: kill of a stopped container is an error and changes nothing',
    run(t) {
      const b = t.bundle(checker(['all']));
      const id = t.mustCreate(b);
      t.mustStart(id);
      t.need(t.waitStatus(id, 'stopped'), 'the container did not stop');
      const k = t.kill(id, 'KILL');
      t.ok(k.status !== 0, 'kill of a stopped container fails');
      t.eq(t.status(id), 'stopped', 'the container is still there, stopped');
    },
  },
  {
    name: 'runtime.md#kill: kill without an id, or of an unknown id, is an error',
    run(t) {
      t.ok(t.invoke(['kill']).status !== 0, 'kill without an id fails');
      const id = t.id();
      t.ok(t.kill(id, 'KILL').status !== 0, 'kill of an unknown id fails');
    },
  },
  {
    name: 'runtime.md#delete: delete of a running container without --force is an error and changes nothing',
    run(t) {
      const id = t.mustCreate(longRunning(t));
      t.mustStart(id);
      t.need(t.waitStatus(id, 'running'), 'the container is not running');
      const pid = pidOf(t, id);
      const d = t.delete(id);
      t.ok(d.status !== 0, 'delete of a running container fails');
      t.eq(t.status(id), 'running', 'the container is still running');
      t.ok(alive(pid), 'its process is alive');
    },
  },
  {
    name: 'runtime.md#delete: delete of a stopped container removes it and what create made (state, cgroups)',
    run(t) {
      const cg = uniqueCgroupPath(t, 'delete-removes');
      const b = t.bundle(checker(['all']), (s) => {
        s.linux!.cgroupsPath = cg;
        s.linux!.resources = { ...s.linux!.resources, pids: { limit: 100 } };
      });
      const id = t.mustCreate(b);
      const dirs = cgroupDirs(t, cg).filter((d) => fs.existsSync(d));
      t.ok(dirs.length > 0, 'create made cgroup directories', { expected: cgroupDirs(t, cg) });
      t.mustStart(id);
      t.need(t.waitStatus(id, 'stopped'), 'the container did not stop');
      const d = t.delete(id);
      t.eq(d.status, 0, 'delete succeeds');
      t.expectGone(id, 'after delete');
      const left = dirs.filter((x) => fs.existsSync(x));
      t.eq(left, [], 'the container cgroup directories are removed');
    },
  },
  {
    name: 'runtime.md#delete: resources the container did not create survive its delete',
    run(t) {
      const src = t.tmpdir();
      fs.writeFileSync(path.join(src, 'keep'), 'keep');
      const ns = `conf-keep-${process.pid}`;
      const haveIp = t.host.tools.has('ip');
      if (haveIp) {
        hostMust(t, `ip netns add ${ns}`);
        t.defer(`ip netns del ${ns}`, () => hostMust(t, `ip netns del ${ns}`));
      }
      const b = t.bundle(checker(['all']), (s) => {
        s.mounts!.push({ destination: '/data', type: 'none', source: src, options: ['rbind', 'rw'] });
        if (haveIp) s.linux!.namespaces = s.linux!.namespaces!.map((n) => (n.type === 'network' ? { type: 'network', path: `/var/run/netns/${ns}` } : n));
      });
      const r = t.run(b);
      t.eq(r.inv.status, 0, 'the container ran');
      t.ok(fs.existsSync(path.join(src, 'keep')), 'the bind-mount source and its content are still there');
      if (haveIp) t.ok(fs.existsSync(`/var/run/netns/${ns}`), 'the joined network namespace is still there');
    },
  },
  {
    name: 'runtime.md#delete: DEVIATION (as runc; containerd relies on it): delete of a created container kills and removes it',
    run(t) {
      const id = t.mustCreate(longRunning(t));
      const pid = pidOf(t, id);
      const d = t.delete(id);
      t.eq(d.status, 0, 'delete of a created container succeeds');
      t.expectGone(id, 'after delete');
      for (let i = 0; i < 40 && alive(pid); i++) sleepMs(50);
      t.ok(!alive(pid), 'the container process is gone');
    },
  },
  {
    name: 'runtime.md#delete: delete without an id, or of an unknown id, is an error',
    run(t) {
      t.ok(t.invoke(['delete']).status !== 0, 'delete without an id fails');
      t.ok(t.delete(t.id()).status !== 0, 'delete of an unknown id fails');
    },
  },
  {
    name: 'runtime.md#delete: (runc CLI) delete --force of a running container kills and removes it',
    run(t) {
      const id = t.mustCreate(longRunning(t));
      t.mustStart(id);
      t.need(t.waitStatus(id, 'running'), 'the container is not running');
      const pid = pidOf(t, id);
      t.eq(t.delete(id, true).status, 0, 'delete --force succeeds');
      t.expectGone(id, 'after delete --force');
      for (let i = 0; i < 40 && alive(pid); i++) sleepMs(50);
      t.ok(!alive(pid), 'the container process is gone');
    },
  },
  {
    name: 'runtime.md#lifecycle: (runc CLI) run returns the exit code of the container program',
    run(t) {
      const r = t.run(t.bundle(checker(['exit', '3'])));
      t.eq(r.inv.status, 3, 'run exits with the program exit code');
    },
  },
];
