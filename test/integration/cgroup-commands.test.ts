// The runc commands that act on cgroups, through the CLI on real containers (this host's
// v1 hierarchies): limits in the files and felt inside, pause/resume, update, events, ps,
// and the real-time budget under the default cgroupsPath. Containers use the default
// /runtime/<id> paths; after() deletes them all and the last test checks nothing is left.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { CLI, cleanup, integrationSkip, makeBundle, makeRoot, runtime, uniqueId, type Bundle, waitFor } from '../helpers/runtime';
import type { Spec } from '../../src/spec/types';

const CG = '/sys/fs/cgroup';
const skip = integrationSkip() || (!fs.existsSync(`${CG}/freezer/cgroup.procs`) && 'needs the v1 freezer hierarchy');
const read = (p: string) => fs.readFileSync(p, 'utf8').trim();
const cgFile = (ctl: string, id: string, file: string) => read(path.join(CG, ctl, 'runtime', id, file));
const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);


describe('cgroup commands on real containers', { skip }, () => {
  let root: string;
  const bundles: Bundle[] = [];
  const ids: string[] = [];
  before(() => {
    root = makeRoot();
  });
  after(() => cleanup(root, bundles));

  const rt = (args: string[], input?: string) => runtime(root, args, { input });
  const ok = (args: string[], input?: string) => {
    const r = rt(args, input);
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    return r;
  };
  const status = (id: string) => JSON.parse(rt(['state', id]).stdout).status as string;
  const savedResources = (id: string) => JSON.parse(fs.readFileSync(path.join(root, id, 'state.json'), 'utf8')).spec.linux.resources;

  /** A detached running container; returns its id and bundle. */
  function start(args: string[], edit?: (s: Spec) => void, prefix = 'cg'): { id: string; b: Bundle } {
    const b = makeBundle(args, edit);
    bundles.push(b);
    const id = uniqueId(prefix);
    ids.push(id);
    ok(['run', '-d', '-b', b.dir, id]);
    return { id, b };
  }

  it('limits from config.json are in the cgroup files; ps lists exactly the container\'s processes', () => {
    // ash execs the last command of -c: `wait` keeps the shell as the third process.
    const { id } = start(['sh', '-c', 'sleep 1000 & sleep 1000 & wait'], (s) => {
      s.linux!.resources = { ...s.linux!.resources, memory: { limit: 67108864 }, pids: { limit: 40 }, cpu: { shares: 512, quota: 30000, period: 100000 } };
    });
    assert.equal(cgFile('memory', id, 'memory.limit_in_bytes'), '67108864');
    assert.equal(cgFile('pids', id, 'pids.max'), '40');
    assert.equal(cgFile('cpu', id, 'cpu.shares'), '512');
    assert.equal(cgFile('cpu', id, 'cpu.cfs_quota_us'), '30000');

    assert.ok(waitFor(() => JSON.parse(ok(['ps', '--format', 'json', id]).stdout).length === 3));
    const pids = JSON.parse(ok(['ps', '-f', 'json', id]).stdout) as number[];
    const procs = cgFile('pids', id, 'cgroup.procs').split('\n').map(Number).sort((a, b) => a - b);
    assert.deepEqual(pids, procs);

    // Table: the host ps, header kept, rows cut to the container's pids.
    const table = ok(['ps', id, '--', '-o', 'pid,comm']).stdout.trim().split('\n');
    assert.match(table[0]!, /^\s*PID\s+COMMAND$/);
    assert.deepEqual(table.slice(1).map((l) => Number(l.trim().split(/\s+/)[0])).sort((a, b) => a - b), pids);
    assert.deepEqual(table.slice(1).map((l) => l.trim().split(/\s+/)[1]).sort(), ['sh', 'sleep', 'sleep']);
    // runc's form without the separator, and the default -ef.
    assert.equal(ok(['ps', id, '-o', 'pid,comm']).stdout.trim().split('\n').length, 4);
    const ef = ok(['ps', id]).stdout.trim().split('\n');
    assert.match(ef[0]!, /UID\s+PID\s+PPID/);
    assert.equal(ef.length, 4);
    assert.match(rt(['ps', id, '--', '-o', 'comm']).stderr, /couldn't find the PID column/);
    assert.match(rt(['ps', '--format', 'yaml', id]).stderr, /--format: invalid format option "yaml"/);
  });

  it('pause freezes and resume thaws; status and errors as runc\'s', () => {
    // A counter the host can watch through the rootfs.
    const { id, b } = start(['sh', '-c', 'i=0; while :; do i=$((i+1)); echo $i > /count; usleep 20000; done']);
    const count = () => Number(fs.readFileSync(path.join(b.rootfs, 'count'), 'utf8').trim() || 0);
    assert.ok(waitFor(() => fs.existsSync(path.join(b.rootfs, 'count')) && count() > 0));
    assert.match(rt(['resume', id]).stderr, /container not paused/);

    ok(['pause', id]);
    assert.equal(status(id), 'paused');
    assert.equal(cgFile('freezer', id, 'freezer.state'), 'FROZEN');
    const frozenAt = count();
    sleep(300);
    assert.equal(count(), frozenAt, 'the counter moved while paused');
    const p2 = rt(['pause', id]);
    assert.notEqual(p2.status, 0);
    assert.match(p2.stderr, /container not running/);
    // Listing the processes of a paused container works (the cgroup is readable).
    assert.ok(JSON.parse(ok(['ps', '-f', 'json', id]).stdout).length >= 1);

    ok(['resume', id]);
    assert.equal(status(id), 'running');
    assert.equal(cgFile('freezer', id, 'freezer.state'), 'THAWED');
    assert.ok(waitFor(() => count() > frozenAt + 3), 'the counter did not move after resume');

    assert.match(rt(['pause', 'no-such-container']).stderr, /container no-such-container does not exist/);
  });

  it('kill SIGKILL and delete --force work on a paused container', () => {
    const a = start(['sleep', '1000']);
    ok(['pause', a.id]);
    ok(['kill', a.id, 'KILL']);
    assert.ok(waitFor(() => status(a.id) === 'stopped', 3000), 'a killed paused container should stop at once');
    ok(['delete', a.id]);

    const c = start(['sh', '-c', 'sleep 1000 & sleep 1000']);
    ok(['pause', c.id]);
    const t0 = Date.now();
    ok(['delete', '--force', c.id]);
    assert.ok(Date.now() - t0 < 5000, 'delete --force of a paused container took too long');
    for (const ctl of ['freezer', 'memory', 'pids', 'cpu']) assert.equal(fs.existsSync(path.join(CG, ctl, 'runtime', c.id)), false, `${ctl} cgroup left`);
    assert.match(rt(['pause', c.id]).stderr, /does not exist/);
  });

  it('pause of a stopped container fails as runc\'s', () => {
    const b = makeBundle(['true']);
    bundles.push(b);
    const id = uniqueId('stopped');
    ids.push(id);
    ok(['create', '-b', b.dir, id]);
    ok(['start', id]);
    assert.ok(waitFor(() => status(id) === 'stopped'));
    const r = rt(['pause', id]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /container not running/);
    assert.match(rt(['update', '--memory', '64m', id]).stderr, /container not running/);
    assert.match(rt(['events', '--stats', id]).stderr, new RegExp(`container with id ${id} is not running`));
  });

  it('update changes the limits of a running container and saves them for later commands', () => {
    const { id } = start(['sleep', '1000'], (s) => {
      s.linux!.resources = { ...s.linux!.resources, memory: { limit: 67108864 }, cpu: { quota: 20000, period: 100000 } };
    });
    ok(['update', '--memory', '128m', '--memory-reservation', '32M', '--pids-limit', '25', '--cpu-quota', '50000', '--cpu-share', '256', id]);
    assert.equal(cgFile('memory', id, 'memory.limit_in_bytes'), String(128 * 2 ** 20));
    assert.equal(cgFile('memory', id, 'memory.soft_limit_in_bytes'), String(32 * 2 ** 20));
    assert.equal(cgFile('pids', id, 'pids.max'), '25');
    assert.equal(cgFile('cpu', id, 'cpu.cfs_quota_us'), '50000');
    assert.equal(cgFile('cpu', id, 'cpu.cfs_period_us'), '100000');
    assert.equal(cgFile('cpu', id, 'cpu.shares'), '256');
    const saved = savedResources(id);
    assert.equal(saved.memory.limit, 128 * 2 ** 20);
    assert.equal(saved.cpu.quota, 50000);
    assert.equal(saved.cpu.period, 100000, 'the stored period is kept');
    assert.equal(saved.pids.limit, 25);

    // -r - (LinuxResources JSON on stdin); unlimited memory lifts memory+swap too (runc).
    ok(['update', '-r', '-', id], JSON.stringify({ memory: { limit: -1 }, pids: { limit: -1 }, cpu: { cpus: '0' } }));
    assert.equal(cgFile('pids', id, 'pids.max'), 'max');
    assert.equal(cgFile('cpuset', id, 'cpuset.cpus'), '0');
    assert.ok(BigInt(cgFile('memory', id, 'memory.limit_in_bytes')) > 1n << 60n);
    assert.equal(savedResources(id).memory.swap, -1);

    // --resources=FILE, the form podman uses.
    const file = path.join(bundles[bundles.length - 1]!.dir, 'res.json');
    fs.writeFileSync(file, JSON.stringify({ memory: { limit: 50000000, swap: 100000000 }, blockIO: {} }));
    ok(['update', `--resources=${file}`, id]);
    assert.equal(cgFile('memory', id, 'memory.limit_in_bytes'), String(50000000 - (50000000 % 4096)));
    assert.equal(cgFile('memory', id, 'memory.memsw.limit_in_bytes'), String(100000000 - (100000000 % 4096)));

    // Checked with config.json's rules; nothing written or saved when refused.
    const bad = rt(['update', '-r', '-', id], JSON.stringify({ memory: { limit: 200000000, swap: 100000000 } }));
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /linux\.resources\.memory\.swap: memory\+swap limit 100000000 is below the memory limit 200000000/);
    assert.equal(savedResources(id).memory.limit, 50000000);
    assert.match(rt(['update', '-r', '-', id], JSON.stringify({ memory: { limit: 'lots' } })).stderr, /linux\.resources\.memory\.limit/);
    assert.match(rt(['update', '-r', '-', id], 'not json').stderr, /--resources -: not valid JSON/);
    assert.match(rt(['update', '--memory', '12q', id]).stderr, /invalid value for --memory: "12q"/);
    assert.match(rt(['update', '--cpu-quota', 'x', id]).stderr, /invalid value for --cpu-quota/);
    assert.match(rt(['update', '--l3-cache-schema', 'L3:0=ff', id]).stderr, /--l3-cache-schema: Intel RDT is not enabled/);
    assert.match(rt(['update', '--mem-bw-schema', 'MB:0=50', id]).stderr, /--mem-bw-schema: Intel RDT is not enabled/);
    // runc 1.2+ ignores kernel memory with a warning.
    const kmem = rt(['update', '--kernel-memory', '10m', id]);
    assert.equal(kmem.status, 0);
    assert.match(kmem.stderr, /--kernel-memory is ignored/);
  });

  it('a fork bomb stops at pids.max, and update lets it grow', () => {
    // The bomb runs in a subshell: ash gives up on a failed fork, and the init must outlive it.
    const { id, b } = start(['sh', '-c', '(for i in $(seq 1 30); do sleep 1000 & done) 2>/errors; sleep 1000'], (s) => {
      s.linux!.resources = { ...s.linux!.resources, pids: { limit: 8 } };
    });
    const errors = path.join(b.rootfs, 'errors');
    assert.ok(waitFor(() => fs.existsSync(errors) && /fork/i.test(fs.readFileSync(errors, 'utf8'))), 'forks past pids.max should fail inside');
    assert.match(fs.readFileSync(errors, 'utf8'), /Resource temporarily unavailable/);
    assert.ok(Number(cgFile('pids', id, 'pids.events').split(' ')[1]) > 0, 'pids.events counts the refused forks');
    // Never more than pids.max at once: the init and the sleeps that got a pid (the subshell is gone).
    assert.ok(waitFor(() => JSON.parse(ok(['ps', '-f', 'json', id]).stdout).length === Number(cgFile('pids', id, 'pids.current'))));
    const n = Number(cgFile('pids', id, 'pids.current'));
    assert.ok(n >= 6 && n <= 8, `pids.current ${n}`);
    ok(['update', '--pids-limit', '100', id]);
    assert.equal(cgFile('pids', id, 'pids.max'), '100');
  });

  it('a memory hog is OOM-killed at the limit, and events reports the OOM and stats until the container stops', async () => {
    // The hog starts after events is watching; the shell survives it and exits a bit later.
    const { id } = start(['sh', '-c', 'sleep 1.5; tail /dev/zero; echo hog-gone; sleep 1.5'], (s) => {
      s.linux!.resources = { ...s.linux!.resources, memory: { limit: 33554432, swap: 33554432 } };
    });
    const ev = spawn(process.execPath, [CLI, '--root', root, 'events', '--interval', '500ms', id], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    ev.stdout.on('data', (d) => (out += d));
    ev.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => ev.kill('SIGKILL'), 20000);
      ev.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    assert.equal(code, 0, `events did not end by itself when the container stopped: ${err}`);
    const events = out.trim().split('\n').map((l) => JSON.parse(l) as { type: string; id: string; data?: Record<string, any> });
    const ooms = events.filter((e) => e.type === 'oom');
    const stats = events.filter((e) => e.type === 'stats');
    assert.equal(ooms.length, 1, out);
    assert.deepEqual(ooms[0], { type: 'oom', id });
    assert.ok(stats.length >= 3, `expected a stats event every 500ms: ${out}`);
    assert.equal(stats[0]!.id, id);
    assert.equal(stats[0]!.data!.memory.usage.limit, 33554432);
    assert.match(cgFile('memory', id, 'memory.oom_control'), /oom_kill 1/);
    assert.equal(status(id), 'stopped');
  });

  it('events --stats prints one stats event in runc\'s shape', () => {
    const { id } = start(['sh', '-c', 'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; sleep 1000'], (s) => {
      s.linux!.resources = { ...s.linux!.resources, memory: { limit: 67108864 }, pids: { limit: 30 } };
    });
    sleep(300);
    const r = ok(['events', '--stats', id]);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    const e = JSON.parse(lines[0]!);
    assert.deepEqual(Object.keys(e), ['type', 'id', 'data']);
    assert.equal(e.type, 'stats');
    assert.equal(e.id, id);
    for (const k of ['cpu', 'cpuset', 'memory', 'pids', 'blkio', 'hugetlb']) assert.ok(k in e.data, `data.${k} missing`);
    assert.ok(e.data.cpu.usage.total > 0);
    assert.ok(e.data.memory.usage.usage > 0);
    assert.equal(e.data.memory.usage.limit, 67108864);
    assert.ok(e.data.pids.current >= 1);
    assert.equal(e.data.pids.limit, 30);
    // Unlimited v1 limits are printed exactly (beyond 2^53), as Go's encoder does.
    assert.match(r.stdout, /"swap":\{"limit":\d{19}/);
    assert.match(rt(['events', '--interval', '0s', id]).stderr, /duration interval must be greater than 0/);
    assert.match(rt(['events', '--interval', 'soon', id]).stderr, /--interval: invalid duration "soon"/);
  });

  it('SCHED_FIFO under the default cgroupsPath: the intermediate cgroup gets the real-time budget', () => {
    const b = makeBundle(['sh', '-c', 'grep -E "^policy" /proc/self/sched'], (s) => {
      s.process!.scheduler = { policy: 'SCHED_FIFO', priority: 5 };
      s.linux!.resources = { ...s.linux!.resources, cpu: { realtimeRuntime: 25000, realtimePeriod: 1000000 } };
    });
    bundles.push(b);
    const id = uniqueId('rt');
    ids.push(id);
    const r = rt(['run', '-b', b.dir, id]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /policy\s*:\s*1\b/);
    assert.ok(Number(read(`${CG}/cpu/runtime/cpu.rt_runtime_us`)) >= 25000);
    // run removed the container when it exited, as runc's does.
    assert.equal(fs.existsSync(path.join(CG, 'cpu', 'runtime', id)), false);

    // update grows it for a running container as well.
    const c = start(['sleep', '1000']);
    ok(['update', '--cpu-rt-period', '1000000', '--cpu-rt-runtime', '30000', c.id]);
    assert.equal(cgFile('cpu', c.id, 'cpu.rt_runtime_us'), '30000');
    assert.ok(Number(read(`${CG}/cpu/runtime/cpu.rt_runtime_us`)) >= 30000);
    const tooMuch = rt(['update', '--cpu-rt-runtime', '990000', c.id]);
    assert.notEqual(tooMuch.status, 0);
    assert.match(tooMuch.stderr, /linux\.resources\.cpu\.realtimeRuntime: 990000µs every 1000000µs needs \d+\.\d% of the real-time budget below \/sys\/fs\/cgroup\/cpu/);
  });

  it('leaves no cgroup directories behind', () => {
    for (const id of [...ids]) rt(['delete', '-f', id]);
    const left: string[] = [];
    for (const ctl of fs.readdirSync(CG)) for (const id of ids) if (fs.existsSync(path.join(CG, ctl, 'runtime', id))) left.push(`${ctl}/runtime/${id}`);
    assert.deepEqual(left, []);
  });
});
