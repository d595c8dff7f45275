// The v1 (hybrid) driver on this host's real hierarchies, as root: limits land in the
// files and are felt by processes, freeze/thaw, pids, stats, kill, destroy. Every test uses
// a unique path under /runtime-test-<random>, removed at the end even on failure.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { cgroupManagerFor, CgroupError, type CgroupManager } from '../../src/cgroups/manager';
import { removeCgroupDir, sleepSync } from '../../src/cgroups/fsutil';
import { statsJSON } from '../../src/cgroups/stats';

const ROOT = '/sys/fs/cgroup';
const BASE = `/runtime-test-${randomBytes(4).toString('hex')}`;
const read = (p: string) => fs.readFileSync(p, 'utf8').trim();
const usable = process.getuid?.() === 0 && fs.existsSync(`${ROOT}/memory/cgroup.procs`) && fs.existsSync(`${ROOT}/unified/cgroup.procs`);
const children: ChildProcess[] = [];
/** A real block device's numbers (throttle files refuse unknown devices with ENODEV). */
const DISK = (() => {
  try {
    const name = fs.readdirSync('/sys/block').find((b) => !b.startsWith('loop') && !b.startsWith('zram')) ?? 'loop0';
    return read(`/sys/block/${name}/dev`).split(':').map(Number) as [number, number];
  } catch {
    return [7, 0] as [number, number];
  }
})();

function spawnChild(cmd: string, args: string[], stdin: 'ignore' | 'pipe' = 'ignore'): ChildProcess {
  const c = spawn(cmd, args, { stdio: [stdin, 'ignore', 'pipe'] });
  children.push(c);
  return c;
}

const exited = (c: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) resolve({ code: c.exitCode, signal: c.signalCode });
    else c.once('exit', (code, signal) => resolve({ code, signal }));
  });

const hierarchyDirs = () => fs.readdirSync(ROOT).map((n) => path.join(ROOT, n, BASE)).filter((d) => fs.existsSync(d));

async function cleanup(): Promise<void> {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(children.map(exited));
  for (const d of hierarchyDirs()) {
    // Thaw first: frozen tasks cannot exit, so the directory would stay busy.
    if (fs.existsSync(path.join(d, 'freezer.state'))) fs.writeFileSync(path.join(d, 'freezer.state'), 'THAWED');
    removeCgroupDir(d, 3000);
  }
}

async function until(what: string, ok: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('cgroups v1 driver on the real hierarchies', { skip: !usable && 'needs root and the v1 hierarchies' }, () => {
  before(cleanup);
  after(cleanup);

  test('create, apply, join: values in the files, the process in every hierarchy', () => {
    const m = cgroupManagerFor({ id: 'c1', cgroupsPath: `${BASE}/c1` });
    assert.equal(m.toState().driver, 'v1');
    m.create();
    const warnings = m.apply({
      memory: { limit: 67108864, swap: 134217728, reservation: 33554432, swappiness: 10, kernelTCP: 16777216 },
      cpu: { shares: 512, quota: 50000, period: 100000, cpus: '0', mems: '0', idle: 0 },
      pids: { limit: 20 },
      devices: [
        { allow: false, access: 'rwm' },
        { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' },
        { allow: true, type: 'c', major: 136, access: 'rw' },
      ],
      blockIO: { weight: 300, throttleReadBpsDevice: [{ major: DISK[0], minor: DISK[1], rate: 1048576 }] },
    });
    assert.deepEqual(warnings, []);
    const c = `${BASE}/c1`;
    assert.equal(read(`${ROOT}/memory${c}/memory.limit_in_bytes`), '67108864');
    assert.equal(read(`${ROOT}/memory${c}/memory.memsw.limit_in_bytes`), '134217728');
    assert.equal(read(`${ROOT}/memory${c}/memory.soft_limit_in_bytes`), '33554432');
    assert.equal(read(`${ROOT}/memory${c}/memory.swappiness`), '10');
    assert.equal(read(`${ROOT}/cpu${c}/cpu.shares`), '512');
    assert.equal(read(`${ROOT}/cpu${c}/cpu.cfs_quota_us`), '50000');
    assert.equal(read(`${ROOT}/cpu${c}/cpu.cfs_period_us`), '100000');
    assert.equal(read(`${ROOT}/cpuset${c}/cpuset.cpus`), '0');
    assert.equal(read(`${ROOT}/pids${c}/pids.max`), '20');
    assert.deepEqual(read(`${ROOT}/devices${c}/devices.list`).split('\n').sort(), ['c 136:* rw', 'c 1:3 rwm']);
    // no blkio.weight here, but BFQ's weight file serves (runc's fallback)
    assert.equal(read(`${ROOT}/blkio${c}/blkio.bfq.weight`), '300');
    assert.equal(read(`${ROOT}/blkio${c}/blkio.throttle.read_bps_device`), `${DISK[0]}:${DISK[1]} 1048576`);

    const child = spawnChild('sleep', ['1000']);
    m.join(child.pid!);
    const own = read(`/proc/${child.pid}/cgroup`).split('\n');
    for (const h of ['cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'blkio', 'pids', 'name=systemd']) {
      assert.ok(own.some((l) => l.split(':')[1] === h && l.endsWith(`:${c}`)), `${h} in ${own.join(' | ')}`);
    }
    assert.ok(own.includes(`0::${c}`), 'joined the unified tree too');
    assert.deepEqual(m.pids(), [child.pid]);
    m.kill(9);
  });

  test('freeze and thaw through freezer.state; the process stops and resumes', async () => {
    const m = cgroupManagerFor({ id: 'c2', cgroupsPath: `${BASE}/c2` });
    m.create();
    const child = spawnChild('sh', ['-c', 'while :; do sleep 0.01; done']);
    m.join(child.pid!);
    m.freeze();
    assert.equal(m.state(), 'frozen');
    assert.equal(read(`${ROOT}/freezer${BASE}/c2/freezer.state`), 'FROZEN');
    const before = m.pids().length;
    sleepSync(100);
    assert.equal(m.pids().length, before, 'nothing forks while frozen');
    m.thaw();
    assert.equal(m.state(), 'thawed');
    assert.equal(read(`${ROOT}/freezer${BASE}/c2/freezer.state`), 'THAWED');
    // kill works on a paused container too
    m.freeze();
    m.kill(9);
    assert.equal((await exited(child)).signal, 'SIGKILL');
    await until('the cgroup to empty', () => m.pids().length === 0);
    m.destroy();
    assert.deepEqual(hierarchyDirs().filter((d) => fs.existsSync(path.join(d, 'c2'))), []);
  });

  test('a fork bomb stops at pids.max', async () => {
    const m = cgroupManagerFor({ id: 'c3', cgroupsPath: `${BASE}/c3` });
    m.create();
    m.apply({ pids: { limit: 5 } });
    const child = spawnChild('sh', ['-c', 'read go; i=0; while [ $i -lt 30 ]; do sleep 100 & i=$((i+1)); done; wait'], 'pipe');
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    m.join(child.pid!);
    child.stdin!.end('\n');
    await until('fork failures', () => /fork|Resource temporarily unavailable/i.test(stderr), 5000);
    assert.ok(Number(read(`${ROOT}/pids${BASE}/c3/pids.current`)) <= 5);
    assert.match(read(`${ROOT}/pids${BASE}/c3/pids.events`), /^max [1-9]/);
    assert.ok(m.pids().length <= 5);
    const s = m.stats();
    assert.ok(Number(s.pids.current) <= 5);
    assert.equal(s.pids.limit, 5);
    // update while running
    m.apply({ pids: { limit: 8 } });
    assert.equal(read(`${ROOT}/pids${BASE}/c3/pids.max`), '8');
    m.kill(9);
    await exited(child);
    await until('the cgroup to empty', () => m.pids().length === 0);
    m.destroy();
  });

  test('a memory hog is OOM-killed at memory.limit', async () => {
    const m = cgroupManagerFor({ id: 'c4', cgroupsPath: `${BASE}/c4` });
    m.create();
    m.apply({ memory: { limit: 33554432, swap: 33554432 } });
    // tail keeps the current (endless) line of /dev/zero in memory
    const child = spawnChild('sh', ['-c', 'read go; exec tail /dev/zero'], 'pipe');
    m.join(child.pid!);
    child.stdin!.end('\n');
    const { signal } = await exited(child);
    assert.equal(signal, 'SIGKILL');
    assert.ok(m.oomKillCount() >= 1, 'oom_kill counted');
    assert.equal(m.stats().memory.usage.limit, 33554432);
    await until('the cgroup to empty', () => m.pids().length === 0);
    m.destroy();
  });

  test('stats in runc\'s shape for a running process', async () => {
    const m = cgroupManagerFor({ id: 'c5', cgroupsPath: `${BASE}/c5` });
    m.create();
    m.apply({ pids: { limit: 10 }, memory: { limit: 67108864 } });
    const child = spawnChild('sh', ['-c', 'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; exec sleep 1000']);
    m.join(child.pid!);
    sleepSync(200);
    const s = m.stats();
    assert.deepEqual(Object.keys(s), ['cpu', 'cpuset', 'memory', 'pids', 'blkio', 'hugetlb', 'intel_rdt', 'network_interfaces']);
    assert.ok(Number(s.cpu.usage.total) > 0, 'cpu usage');
    assert.ok(Array.isArray(s.cpu.usage.percpu));
    assert.ok(Number(s.memory.usage.usage) > 0, 'memory usage');
    assert.equal(s.memory.usage.limit, 67108864);
    assert.equal(typeof s.memory.raw?.rss, 'number');
    assert.deepEqual(s.pids, { current: 1, limit: 10 });
    assert.deepEqual(s.cpuset.cpus, read(`${ROOT}/cpuset/cpuset.cpus`) === '0-1' ? [0, 1] : s.cpuset.cpus);
    const event = JSON.parse(statsJSON({ type: 'stats', id: 'c5', data: s }));
    assert.equal(event.data.memory.usage.limit, 67108864);
    m.kill(9);
    await exited(child);
    await until('the cgroup to empty', () => m.pids().length === 0);
    m.destroy();
  });

  test('errors name the field: missing controllers and files, kernel clamps', () => {
    const m = cgroupManagerFor({ id: 'c6', cgroupsPath: `${BASE}/c6` });
    m.create();
    assert.throws(() => m.apply({ hugepageLimits: [{ pageSize: '2MB', limit: 1 }] }),
      (e: unknown) => e instanceof CgroupError && e.message === 'linux.resources.hugepageLimits: no hugetlb cgroup on this host');
    assert.throws(() => m.apply({ network: { classID: 1 } }), { message: 'linux.resources.network.classID: no net_cls cgroup on this host' });
    assert.throws(() => m.apply({ blockIO: { leafWeight: 500 } }), /^CgroupError: linux\.resources\.blockIO\.leafWeight: this host has no blkio\.leaf_weight in /);
    // The intermediate cgroup's real-time budget grows as needed, but never beyond the host's.
    assert.deepEqual(m.apply({ cpu: { realtimeRuntime: 10000 } }), []);
    assert.equal(read(`${ROOT}/cpu${BASE}/cpu.rt_runtime_us`), '10000');
    assert.throws(() => m.apply({ cpu: { realtimeRuntime: 990000, realtimePeriod: 1000000 } }),
      /^CgroupError: linux\.resources\.cpu\.realtimeRuntime: 990000µs every 1000000µs needs 99\.0% of the real-time budget below \/sys\/fs\/cgroup\/cpu, which has /);
    assert.throws(() => m.apply({ cpu: { shares: 1 } }), { message: 'linux.resources.cpu.shares: 1 is out of range: the minimum allowed is 2' });
    assert.throws(() => m.apply({ memory: { swap: 1048576 } }), /^CgroupError: linux\.resources\.memory\.swap: writing "1048576" to .*memory\.memsw\.limit_in_bytes: EINVAL/);
    // useHierarchy false is refused by current kernels: a warning, not a failure
    const w = m.apply({ memory: { useHierarchy: false } });
    assert.equal(w.length, 1);
    assert.match(w[0]!, /^linux\.resources\.memory\.useHierarchy: ignored: the kernel refused memory\.use_hierarchy=0/);
    m.destroy();
  });

  test('the first test\'s container is gone after kill and destroy', async () => {
    const m = cgroupManagerFor({ id: 'c1', cgroupsPath: `${BASE}/c1` });
    await until('c1 to empty', () => m.pids().length === 0);
    m.destroy();
    assert.deepEqual(hierarchyDirs().filter((d) => fs.existsSync(path.join(d, 'c1'))), []);
  });

  test('an existing cgroup is reused and, as runc does, removed on destroy; parents are kept', () => {
    fs.mkdirSync(`${ROOT}/pids${BASE}/c7`, { recursive: true });
    const m = cgroupManagerFor({ id: 'c7', cgroupsPath: `${BASE}/c7` });
    m.create();
    assert.ok(!m.toState().created.includes(`${ROOT}/pids${BASE}/c7`));
    assert.ok(m.toState().created.includes(`${ROOT}/memory${BASE}/c7`));
    m.destroy();
    assert.ok(!fs.existsSync(`${ROOT}/pids${BASE}/c7`));
    assert.ok(fs.existsSync(`${ROOT}/pids${BASE}`));
  });

  test('kill without cgroup.kill: signal every process (frozen meanwhile)', async () => {
    const m = cgroupManagerFor({ id: 'c8', cgroupsPath: `${BASE}/c8` });
    m.create();
    const a = spawnChild('sleep', ['1000']);
    const b = spawnChild('sleep', ['1000']);
    m.join(a.pid!);
    m.join(b.pid!);
    m.kill(15);
    assert.equal((await exited(a)).signal, 'SIGTERM');
    assert.equal((await exited(b)).signal, 'SIGTERM');
    assert.equal(m.state(), 'thawed');
    await until('the cgroup to empty', () => m.pids().length === 0);
    m.destroy();
  });
});

test('no cgroup directory is left behind by the suite', () => {
  assert.deepEqual(hierarchyDirs(), []);
});

export type { CgroupManager };
