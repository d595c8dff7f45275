// The drivers against fake cgroup trees (plain directories laid out like /sys/fs/cgroup):
// which files get written, in which order, and what errors name. No root needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cgroupManagerFor, cgroupManagerFromState, CgroupError, type CgroupManager } from '../../src/cgroups/manager';
import { NO_DEVICE_PROGRAM } from '../../src/cgroups/v2-driver';
import { statsJSON } from '../../src/cgroups/stats';

const V1_NAMES = ['blkio', 'cpu', 'cpuacct', 'cpuset', 'devices', 'freezer', 'memory', 'pids', 'systemd'];

function files(dir: string, content: Record<string, string>): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, value] of Object.entries(content)) fs.writeFileSync(path.join(dir, name), value);
}

/** A hybrid root like this host's: v1 hierarchies plus an empty unified tree. */
function hybridTree(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-hybrid-'));
  for (const n of V1_NAMES) files(path.join(root, n), { 'cgroup.procs': '' });
  files(path.join(root, 'unified'), { 'cgroup.procs': '', 'cgroup.controllers': '', 'cgroup.subtree_control': '' });
  files(path.join(root, 'cpuset'), { 'cpuset.cpus': '0-3', 'cpuset.mems': '0' });
  return root;
}

/** Files the kernel would show in a new v1 cgroup, for the hierarchies the tests use. */
function kernelV1Files(root: string, inner: string): void {
  const d = (n: string) => path.join(root, n, inner);
  for (const n of V1_NAMES) files(d(n), { 'cgroup.procs': '' });
  files(path.join(root, 'unified', inner), { 'cgroup.procs': '', 'cgroup.kill': '', 'cgroup.freeze': '0', 'cgroup.events': 'populated 0\nfrozen 0\n' });
  files(d('memory'), {
    'memory.limit_in_bytes': '9223372036854771712', 'memory.memsw.limit_in_bytes': '9223372036854771712',
    'memory.soft_limit_in_bytes': '9223372036854771712', 'memory.swappiness': '60', 'memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n',
    'memory.use_hierarchy': '1', 'memory.kmem.tcp.limit_in_bytes': '0',
  });
  files(d('cpu'), { 'cpu.shares': '1024', 'cpu.cfs_period_us': '100000', 'cpu.cfs_quota_us': '-1', 'cpu.cfs_burst_us': '0', 'cpu.idle': '0' });
  files(d('pids'), { 'pids.max': 'max', 'pids.current': '0' });
  files(d('devices'), { 'devices.allow': '', 'devices.deny': '' });
  files(d('blkio'), { 'blkio.throttle.read_bps_device': '', 'blkio.throttle.write_iops_device': '' });
  files(d('freezer'), { 'freezer.state': 'THAWED' });
}

function recorder() {
  const log: [string, string][] = [];
  return { log, onWrite: (file: string, value: string) => log.push([file, value]) };
}

function withTree(make: () => string, fn: (root: string) => void): void {
  const root = make();
  try {
    fn(root);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

test('v1 driver: create makes the path in every hierarchy and the unified tree, copying cpuset from the parent', () => {
  withTree(hybridTree, (root) => {
    // An existing intermediate cpuset cgroup with empty cpus/mems, as the kernel makes them.
    files(path.join(root, 'cpuset/test'), { 'cpuset.cpus': '', 'cpuset.mems': '' });
    files(path.join(root, 'cpuset/test/c1'), { 'cpuset.cpus': '', 'cpuset.mems': '' });
    const rec = recorder();
    const m = cgroupManagerFor({ id: 'c1', root, cgroupsPath: '/test/c1', mountinfo: '', onWrite: rec.onWrite });
    m.create();
    const created = m.toState().created.map((p) => path.relative(root, p));
    assert.deepEqual(created.sort(), [...V1_NAMES.filter((n) => n !== 'cpuset'), 'unified']
      .flatMap((n) => [`${n}/test`, `${n}/test/c1`]).sort());
    assert.equal(fs.readFileSync(path.join(root, 'cpuset/test/cpuset.cpus'), 'utf8'), '0-3');
    assert.equal(fs.readFileSync(path.join(root, 'cpuset/test/c1/cpuset.cpus'), 'utf8'), '0-3');
    assert.equal(fs.readFileSync(path.join(root, 'cpuset/test/c1/cpuset.mems'), 'utf8'), '0');
  });
});

test('v1 driver: apply writes the files in order, join writes every hierarchy', () => {
  withTree(hybridTree, (root) => {
    const rec = recorder();
    const m = cgroupManagerFor({ id: 'c1', root, cgroupsPath: '/test/c1', mountinfo: '', onWrite: rec.onWrite });
    m.create();
    kernelV1Files(root, 'test/c1');
    const warnings = m.apply({
      devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' }],
      memory: { limit: 67108864, swap: 134217728, kernel: 1048576, kernelTCP: 1048576, swappiness: 0, disableOOMKiller: true },
      cpu: { shares: 512, quota: 50000, period: 100000 },
      pids: { limit: 50 },
      blockIO: { throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 1000 }], throttleWriteIOPSDevice: [{ major: 8, minor: 0, rate: 10 }] },
    });
    assert.deepEqual(rec.log.map(([f, v]) => [path.relative(root, f), v]), [
      ['devices/test/c1/devices.deny', 'a'],
      ['devices/test/c1/devices.allow', 'c 1:3 rwm'],
      ['memory/test/c1/memory.limit_in_bytes', '67108864'],
      ['memory/test/c1/memory.memsw.limit_in_bytes', '134217728'],
      ['memory/test/c1/memory.kmem.tcp.limit_in_bytes', '1048576'],
      ['memory/test/c1/memory.swappiness', '0'],
      ['memory/test/c1/memory.oom_control', '1'],
      ['cpu/test/c1/cpu.shares', '512'],
      ['cpu/test/c1/cpu.cfs_period_us', '100000'],
      ['cpu/test/c1/cpu.cfs_quota_us', '50000'],
      ['pids/test/c1/pids.max', '50'],
      ['blkio/test/c1/blkio.throttle.read_bps_device', '8:0 1000'],
      ['blkio/test/c1/blkio.throttle.write_iops_device', '8:0 10'],
    ]);
    // This "kernel" has no memory.kmem.limit_in_bytes: a warning, as runc 1.2+ treats kernel memory.
    assert.deepEqual(warnings, ['linux.resources.memory.kernel: ignored: this kernel has no memory.kmem.limit_in_bytes']);

    rec.log.length = 0;
    m.join(4242);
    assert.deepEqual(rec.log.map(([f, v]) => [path.relative(root, f), v]),
      [...V1_NAMES, 'unified'].map((n) => [`${n}/test/c1/cgroup.procs`, '4242']));
  });
});

test('v1 driver: memory+swap is written first when it grows past the current limit', () => {
  withTree(hybridTree, (root) => {
    const rec = recorder();
    const m = cgroupManagerFor({ id: 'c1', root, cgroupsPath: '/c1', mountinfo: '', onWrite: rec.onWrite });
    m.create();
    kernelV1Files(root, 'c1');
    fs.writeFileSync(path.join(root, 'memory/c1/memory.limit_in_bytes'), '67108864');
    m.apply({ memory: { limit: 268435456, swap: 536870912 } });
    assert.deepEqual(rec.log.map(([f]) => path.basename(f)), ['memory.memsw.limit_in_bytes', 'memory.limit_in_bytes']);
    rec.log.length = 0;
    m.apply({ memory: { limit: 33554432, swap: 67108864 } }); // shrinking below the current limit: limit first
    assert.deepEqual(rec.log.map(([f]) => path.basename(f)), ['memory.limit_in_bytes', 'memory.memsw.limit_in_bytes']);
    rec.log.length = 0;
    m.apply({ memory: { limit: 1, swap: -1 } });
    assert.deepEqual(rec.log.map(([f]) => path.basename(f)), ['memory.memsw.limit_in_bytes', 'memory.limit_in_bytes']);
  });
});

test('v1 driver: a resource for a controller the host lacks is an error naming the field', () => {
  withTree(hybridTree, (root) => {
    const m = cgroupManagerFor({ id: 'c1', root, cgroupsPath: '/c1', mountinfo: '' });
    m.create();
    kernelV1Files(root, 'c1');
    const refuses = (r: Parameters<CgroupManager['apply']>[0], message: string) =>
      assert.throws(() => m.apply(r), (e: unknown) => e instanceof CgroupError && e.message === message, message);
    refuses({ hugepageLimits: [{ pageSize: '2MB', limit: 1 }] }, 'linux.resources.hugepageLimits: no hugetlb cgroup on this host');
    refuses({ network: { classID: 1 } }, 'linux.resources.network.classID: no net_cls cgroup on this host');
    refuses({ network: { priorities: [{ name: 'lo', priority: 1 }] } }, 'linux.resources.network.priorities: no net_prio cgroup on this host');
    refuses({ rdma: { mlx: { hcaHandles: 1 } } }, 'linux.resources.rdma: no rdma cgroup on this host');
    refuses({ blockIO: { weight: 100 } },
      `linux.resources.blockIO.weight: this host has no blkio.weight (nor blkio.bfq.weight) in ${path.join(root, 'blkio/c1')}`);
    refuses({ cpu: { realtimeRuntime: 1000 } },
      `linux.resources.cpu.realtimeRuntime: this host has no cpu.rt_runtime_us in ${path.join(root, 'cpu/c1')}`);
    refuses({ unified: { 'memory.high': '1' } }, 'linux.resources.unified: needs cgroup v2, but this host runs its controllers on cgroup v1');
    // blkio.bfq.weight serves when blkio.weight is absent (BFQ scheduler)
    fs.writeFileSync(path.join(root, 'blkio/c1/blkio.bfq.weight'), '100');
    m.apply({ blockIO: { weight: 300 } });
    assert.equal(fs.readFileSync(path.join(root, 'blkio/c1/blkio.bfq.weight'), 'utf8'), '300');
  });
});

test('v1 driver: freezer, pids, stats, kill via cgroup.kill, state round trip, destroy', () => {
  withTree(hybridTree, (root) => {
    const rec = recorder();
    const m = cgroupManagerFor({ id: 'c1', root, cgroupsPath: '/test/c1', mountinfo: '', onWrite: rec.onWrite });
    m.create();
    kernelV1Files(root, 'test/c1');
    m.freeze();
    assert.equal(m.state(), 'frozen');
    m.thaw();
    assert.equal(m.state(), 'thawed');

    files(path.join(root, 'freezer/test/c1'), { 'cgroup.procs': '101\n102\n' });
    files(path.join(root, 'freezer/test/c1/sub'), { 'cgroup.procs': '103\n' });
    assert.deepEqual(m.pids().sort(), [101, 102, 103]);

    files(path.join(root, 'memory/test/c1'), {
      'memory.usage_in_bytes': '4096', 'memory.max_usage_in_bytes': '8192', 'memory.failcnt': '0',
      'memory.stat': 'cache 100\nrss 200\n',
    });
    files(path.join(root, 'cpuacct/test/c1'), {
      'cpuacct.usage': '5000', 'cpuacct.usage_percpu': '3000 2000 ', 'cpuacct.stat': 'user 3\nsystem 1\n',
      'cpuacct.usage_all': 'cpu user system\n0 2000 1000\n1 1500 500\n',
    });
    files(path.join(root, 'cpu/test/c1'), { 'cpu.stat': 'nr_periods 10\nnr_throttled 2\nthrottled_time 12345\n' });
    files(path.join(root, 'pids/test/c1'), { 'pids.current': '3', 'pids.max': '50' });
    files(path.join(root, 'blkio/test/c1'), { 'blkio.throttle.io_service_bytes_recursive': '8:0 Read 4096\n8:0 Write 0\n8:0 Total 4096\nTotal 4096\n' });
    const s = m.stats();
    assert.deepEqual(s.cpu, {
      usage: { total: 5000, percpu: [3000, 2000], percpu_kernel: [1000, 500], percpu_user: [2000, 1500], kernel: 10000000, user: 30000000 },
      throttling: { periods: 10, throttledPeriods: 2, throttledTime: 12345 },
    });
    assert.deepEqual(s.memory.usage, { limit: 9223372036854771712n, usage: 4096, max: 8192, failcnt: 0 });
    assert.deepEqual(s.memory.raw, { cache: 100, rss: 200 });
    assert.equal(s.memory.cache, 100);
    assert.deepEqual(s.memory.kernel, { limit: 0, failcnt: 0 });
    assert.deepEqual(s.pids, { current: 3, limit: 50 });
    // Zero minor and zero value are left out, as runc's omitempty tags do.
    assert.deepEqual(s.blkio, { ioServiceBytesRecursive: [
      { major: 8, op: 'Read', value: 4096 }, { major: 8, op: 'Write' }, { major: 8, op: 'Total', value: 4096 },
    ] });
    assert.deepEqual(s.hugetlb, {});
    assert.match(statsJSON({ type: 'stats', id: 'c1', data: s }), /"memory":\{"cache":100,"usage":\{"limit":9223372036854771712,"usage":4096,"max":8192,"failcnt":0\}/);
    assert.equal(m.oomKillCount(), 2);

    rec.log.length = 0;
    m.kill(9);
    assert.deepEqual(rec.log.map(([f, v]) => [path.relative(root, f), v]), [['unified/test/c1/cgroup.kill', '1']]);

    const again = cgroupManagerFromState(JSON.parse(JSON.stringify(m.toState())));
    assert.deepEqual(again.toState(), m.toState());
    again.destroy();
    for (const n of [...V1_NAMES, 'unified']) {
      assert.ok(!fs.existsSync(path.join(root, n, 'test/c1')), `${n}/test/c1 removed`);
      assert.ok(fs.existsSync(path.join(root, n, 'test')), `${n}/test kept`);
    }
    again.destroy(); // idempotent
  });
});

// ---- cgroup v2 ----

function v2Tree(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-v2-'));
  files(root, { 'cgroup.controllers': 'cpuset cpu io memory pids', 'cgroup.subtree_control': '', 'cgroup.procs': '' });
  // An existing intermediate cgroup with only part of the controllers enabled below it.
  files(path.join(root, 'a'), { 'cgroup.controllers': 'cpuset cpu io memory pids', 'cgroup.subtree_control': 'memory', 'cgroup.procs': '' });
  return root;
}

function kernelV2Files(dir: string, controllers = 'cpu io memory pids'): void {
  files(dir, {
    'cgroup.controllers': controllers, 'cgroup.procs': '', 'cgroup.freeze': '0', 'cgroup.events': 'populated 0\nfrozen 0\n', 'cgroup.kill': '',
    'memory.max': 'max', 'memory.swap.max': 'max', 'memory.low': '0', 'memory.high': 'max', 'memory.current': '1000',
    'cpu.weight': '100', 'cpu.max': 'max 100000', 'cpu.max.burst': '0', 'pids.max': 'max', 'io.weight': 'default 100', 'io.max': '',
  });
}

test('v2 driver: create enables controllers down the path; apply writes v2 files', () => {
  withTree(v2Tree, (root) => {
    const rec = recorder();
    const m = cgroupManagerFor({ id: 'c2', root, cgroupsPath: '/a/c2', mountinfo: '', onWrite: rec.onWrite });
    assert.equal(m.toState().driver, 'v2');
    m.create();
    assert.deepEqual(rec.log.map(([f, v]) => [path.relative(root, f), v]), [
      ['cgroup.subtree_control', '+cpuset +cpu +io +memory +pids'],
      ['a/cgroup.subtree_control', '+cpuset +cpu +io +memory +pids'.replace(' +memory', '')],
    ]);
    assert.deepEqual(m.toState().created, [path.join(root, 'a/c2')]);
    const dir = path.join(root, 'a/c2');
    kernelV2Files(dir);
    rec.log.length = 0;
    const warnings = m.apply({
      memory: { limit: 67108864, swap: 134217728, reservation: 1048576, kernel: 5 },
      cpu: { shares: 1024, quota: 50000, burst: 1000 },
      pids: { limit: 100 },
      blockIO: { weight: 500, throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 1048576 }] },
      unified: { 'memory.high': '50000000' },
    });
    assert.deepEqual(rec.log.map(([f, v]) => [path.basename(f), v]), [
      ['pids.max', '100'],
      ['memory.swap.max', '67108864'],
      ['memory.max', '67108864'],
      ['memory.low', '1048576'],
      ['io.weight', '4950'], // no io.bfq.weight on this "kernel": the rescaled io.weight
      ['io.max', '8:0 rbps=1048576'],
      ['cpu.weight', '100'],
      ['cpu.max.burst', '1000'],
      ['cpu.max', '50000 100000'],
      ['memory.high', '50000000'],
    ]);
    assert.deepEqual(warnings, ['linux.resources.memory.kernel: ignored: kernel memory limits do not exist on cgroup v2']);
  });
});

test('v2 driver: missing controllers, device rules and checkBeforeUpdate are errors naming the field', () => {
  withTree(v2Tree, (root) => {
    const m = cgroupManagerFor({ id: 'c2', root, cgroupsPath: '/a/c2', mountinfo: '' });
    m.create();
    const dir = path.join(root, 'a/c2');
    kernelV2Files(dir, 'memory pids');
    assert.throws(() => m.apply({ hugepageLimits: [{ pageSize: '2MB', limit: 1 }] }),
      { message: `linux.resources.hugepageLimits: no hugetlb controller in the cgroup v2 tree at ${dir}` });
    assert.throws(() => m.apply({ cpu: { shares: 2 } }), { message: `linux.resources.cpu.shares: no cpu controller in the cgroup v2 tree at ${dir}` });
    assert.throws(() => m.apply({ devices: [{ allow: false, access: 'rwm' }] }), { message: `linux.resources.devices: ${NO_DEVICE_PROGRAM}` });
    assert.throws(() => m.apply({ memory: { limit: 500, checkBeforeUpdate: true } }),
      { message: 'linux.resources.memory.limit: rejecting 500: not above current usage 1000 (checkBeforeUpdate)' });
    m.apply({ memory: { limit: 5000, checkBeforeUpdate: true } });
    assert.equal(fs.readFileSync(path.join(dir, 'memory.max'), 'utf8'), '5000');
  });
});

test('v2 driver: device rules go to the program loader when one is provided', () => {
  withTree(v2Tree, (root) => {
    const loaded: [string, number, string][] = [];
    const m = cgroupManagerFor({
      id: 'c2', root, cgroupsPath: '/a/c2', mountinfo: '',
      loadDeviceProgram: (d, code, license) => loaded.push([d, code.length, license]),
    });
    m.create();
    kernelV2Files(path.join(root, 'a/c2'));
    m.apply({ devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' }] });
    assert.deepEqual(loaded, [[path.join(root, 'a/c2'), 13 * 8, 'Apache']]);
  });
});

test('v2 driver: freeze waits for cgroup.events, kill uses cgroup.kill, stats, destroy', () => {
  withTree(v2Tree, (root) => {
    const rec = recorder();
    const m = cgroupManagerFor({ id: 'c2', root, cgroupsPath: '/a/c2', mountinfo: '', onWrite: rec.onWrite });
    m.create();
    const dir = path.join(root, 'a/c2');
    kernelV2Files(dir);
    fs.writeFileSync(path.join(dir, 'cgroup.events'), 'populated 1\nfrozen 1\n');
    m.freeze();
    assert.equal(m.state(), 'frozen');
    fs.writeFileSync(path.join(dir, 'cgroup.events'), 'populated 1\nfrozen 0\n');
    m.thaw();
    assert.equal(m.state(), 'thawed');
    rec.log.length = 0;
    m.kill(9);
    assert.deepEqual(rec.log.map(([f, v]) => [path.basename(f), v]), [['cgroup.kill', '1']]);

    files(dir, {
      'cpu.stat': 'usage_usec 100\nuser_usec 60\nsystem_usec 40\nnr_periods 5\nnr_throttled 1\nthrottled_usec 7\n',
      'cpu.pressure': 'some avg10=1.50 avg60=0.00 avg300=0.00 total=12\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=3\n',
      'memory.stat': 'anon 100\nfile 200\n', 'memory.events': 'low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n', 'memory.peak': '3000',
      'memory.swap.current': '10', 'memory.max': '5000', 'memory.swap.max': 'max',
      'pids.current': '2', 'pids.max': 'max', 'io.stat': '8:0 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n',
      'hugetlb.2MB.current': '0', 'hugetlb.2MB.events': 'max 0\n',
    });
    const s = m.stats();
    assert.deepEqual(s.cpu, {
      usage: { total: 100000, kernel: 40000, user: 60000 },
      throttling: { periods: 5, throttledPeriods: 1, throttledTime: 7000 },
      psi: { some: { avg10: 1.5, avg60: 0, avg300: 0, total: 12 }, full: { avg10: 0, avg60: 0, avg300: 0, total: 3 } },
    });
    assert.deepEqual(s.memory.usage, { limit: 5000, usage: 1000, max: 3000, failcnt: 4 });
    assert.deepEqual(s.memory.swap, { limit: 18446744073709551615n, usage: 1010, failcnt: 0 });
    assert.equal(s.memory.cache, 200);
    assert.deepEqual(s.pids, { current: 2 });
    assert.deepEqual(s.blkio.ioServiceBytesRecursive, [{ major: 8, op: 'Read', value: 10 }, { major: 8, op: 'Write', value: 20 }]);
    assert.deepEqual(s.blkio.ioServicedRecursive, [{ major: 8, op: 'Read', value: 1 }, { major: 8, op: 'Write', value: 2 }]);
    assert.deepEqual(s.hugetlb, { '2MB': { failcnt: 0 } });
    assert.equal(m.oomKillCount(), 1);
    assert.match(statsJSON(s), /"swap":\{"limit":18446744073709551615,"usage":1010,"failcnt":0\}/);

    m.destroy();
    assert.ok(!fs.existsSync(dir));
    assert.ok(fs.existsSync(path.join(root, 'a')));
  });
});

test('v2 driver: a failed create removes what it made', () => {
  withTree(v2Tree, (root) => {
    fs.writeFileSync(path.join(root, 'blocker'), ''); // a file where a directory must go
    const m = cgroupManagerFor({ id: 'c', root, cgroupsPath: '/new/blocker/c', mountinfo: '' });
    fs.mkdirSync(path.join(root, 'new'));
    fs.writeFileSync(path.join(root, 'new/blocker'), '');
    assert.throws(() => m.create(), /^CgroupError: linux\.cgroupsPath: creating .*new\/blocker\/c: ENOTDIR/);
    assert.ok(fs.existsSync(path.join(root, 'new')), 'pre-existing dir kept');
  });
});

test('selfJoin: v1 tasks files in every hierarchy and the unified directory to clone into', () => {
  withTree(hybridTree, (root) => {
    const m = cgroupManagerFor({ id: 'c1', root, cgroupsPath: '/test/c1', mountinfo: '' });
    const join = m.selfJoin();
    assert.deepEqual(join.tasks.sort(), V1_NAMES.map((n) => path.join(root, n, 'test/c1', 'tasks')).sort());
    assert.equal(join.cloneInto, path.join(root, 'unified', 'test/c1'));
  });
});

test('selfJoin: on cgroup v2 only the directory to clone into', () => {
  withTree(v2Tree, (root) => {
    const m = cgroupManagerFor({ id: 'c1', root, cgroupsPath: '/c1', mountinfo: '' });
    assert.deepEqual(m.selfJoin(), { tasks: [], cloneInto: path.join(root, 'c1') });
  });
});

test('pidsMax: the container cgroup pids.max, undefined without a pids controller', () => {
  withTree(hybridTree, (root) => {
    const m = cgroupManagerFor({ id: 'c1', root, cgroupsPath: '/test/c1', mountinfo: '' });
    assert.equal(m.pidsMax(), undefined);
    kernelV1Files(root, 'test/c1');
    assert.equal(m.pidsMax(), 'max');
    fs.writeFileSync(path.join(root, 'pids', 'test/c1', 'pids.max'), '7\n');
    assert.equal(m.pidsMax(), '7');
  });
  withTree(v2Tree, (root) => {
    const m = cgroupManagerFor({ id: 'c1', root, cgroupsPath: '/c1', mountinfo: '' });
    kernelV2Files(path.join(root, 'c1'));
    assert.equal(m.pidsMax(), 'max');
  });
});
