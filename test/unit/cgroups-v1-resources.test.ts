import { test } from 'node:test';
import assert from 'node:assert/strict';
import { translateV1, v1Writes } from '../../src/cgroups/v1-resources';
import { CgroupError } from '../../src/cgroups/errors';
import type { LinuxResources } from '../../src/spec/types';

/** [controller, file, value, field] rows, fields shortened below linux.resources. */
type Row = [string, string, string, string];
const rows = (r: LinuxResources): Row[] =>
  v1Writes(r).map((w) => [w.controller, w.file, w.value, w.field.replace(/^linux\.resources\./, '')]);

const cases: [string, LinuxResources, Row[]][] = [
  ['memory.limit', { memory: { limit: 67108864 } }, [['memory', 'memory.limit_in_bytes', '67108864', 'memory.limit']]],
  ['memory.limit -1 also lifts memsw', { memory: { limit: -1 } }, [
    ['memory', 'memory.limit_in_bytes', '-1', 'memory.limit'],
    ['memory', 'memory.memsw.limit_in_bytes', '-1', 'memory.swap'],
  ]],
  ['memory.swap', { memory: { limit: 67108864, swap: 134217728 } }, [
    ['memory', 'memory.limit_in_bytes', '67108864', 'memory.limit'],
    ['memory', 'memory.memsw.limit_in_bytes', '134217728', 'memory.swap'],
  ]],
  ['memory.reservation', { memory: { reservation: 1048576 } }, [['memory', 'memory.soft_limit_in_bytes', '1048576', 'memory.reservation']]],
  ['memory.kernel', { memory: { kernel: 4194304 } }, [['memory', 'memory.kmem.limit_in_bytes', '4194304', 'memory.kernel']]],
  ['memory.kernelTCP', { memory: { kernelTCP: 2097152 } }, [['memory', 'memory.kmem.tcp.limit_in_bytes', '2097152', 'memory.kernelTCP']]],
  ['memory.swappiness', { memory: { swappiness: 10 } }, [['memory', 'memory.swappiness', '10', 'memory.swappiness']]],
  ['memory.swappiness 0', { memory: { swappiness: 0 } }, [['memory', 'memory.swappiness', '0', 'memory.swappiness']]],
  ['memory.disableOOMKiller', { memory: { disableOOMKiller: true } }, [['memory', 'memory.oom_control', '1', 'memory.disableOOMKiller']]],
  ['memory.disableOOMKiller false (Docker default) writes nothing', { memory: { disableOOMKiller: false } }, []],
  ['memory.useHierarchy', { memory: { useHierarchy: true } }, [['memory', 'memory.use_hierarchy', '1', 'memory.useHierarchy']]],
  ['memory.useHierarchy false', { memory: { useHierarchy: false } }, [['memory', 'memory.use_hierarchy', '0', 'memory.useHierarchy']]],
  ['memory.checkBeforeUpdate needs no write on v1', { memory: { checkBeforeUpdate: true } }, []],
  ['memory zeros mean unset', { memory: { limit: 0, reservation: 0, swap: 0, kernel: 0, kernelTCP: 0 } }, []],
  ['cpu.shares', { cpu: { shares: 512 } }, [['cpu', 'cpu.shares', '512', 'cpu.shares']]],
  ['cpu.shares 0 (Docker default) writes nothing', { cpu: { shares: 0 } }, []],
  ['cpu.quota and period', { cpu: { quota: 50000, period: 100000 } }, [
    ['cpu', 'cpu.cfs_period_us', '100000', 'cpu.period'],
    ['cpu', 'cpu.cfs_quota_us', '50000', 'cpu.quota'],
  ]],
  ['cpu.quota -1', { cpu: { quota: -1 } }, [['cpu', 'cpu.cfs_quota_us', '-1', 'cpu.quota']]],
  ['cpu.burst', { cpu: { burst: 20000 } }, [['cpu', 'cpu.cfs_burst_us', '20000', 'cpu.burst']]],
  ['cpu.burst 0 is a value', { cpu: { burst: 0 } }, [['cpu', 'cpu.cfs_burst_us', '0', 'cpu.burst']]],
  ['cpu.realtime', { cpu: { realtimePeriod: 1000000, realtimeRuntime: 950000 } }, [
    ['cpu', 'cpu.rt_period_us', '1000000', 'cpu.realtimePeriod'],
    ['cpu', 'cpu.rt_runtime_us', '950000', 'cpu.realtimeRuntime'],
  ]],
  ['cpu.idle', { cpu: { idle: 1 } }, [['cpu', 'cpu.idle', '1', 'cpu.idle']]],
  ['cpu.cpus and mems', { cpu: { cpus: '0-1', mems: '0' } }, [
    ['cpuset', 'cpuset.cpus', '0-1', 'cpu.cpus'],
    ['cpuset', 'cpuset.mems', '0', 'cpu.mems'],
  ]],
  ['pids.limit', { pids: { limit: 50 } }, [['pids', 'pids.max', '50', 'pids.limit']]],
  ['pids.limit -1', { pids: { limit: -1 } }, [['pids', 'pids.max', 'max', 'pids.limit']]],
  ['pids.limit 0 is a limit (spec 1.3)', { pids: { limit: 0 } }, [['pids', 'pids.max', '0', 'pids.limit']]],
  ['blockIO.weight', { blockIO: { weight: 500 } }, [['blkio', 'blkio.weight', '500', 'blockIO.weight']]],
  ['blockIO.weight 0 (Docker default) writes nothing', { blockIO: { weight: 0 } }, []],
  ['blockIO.leafWeight', { blockIO: { leafWeight: 300 } }, [['blkio', 'blkio.leaf_weight', '300', 'blockIO.leafWeight']]],
  ['blockIO.weightDevice', { blockIO: { weightDevice: [{ major: 8, minor: 0, weight: 600, leafWeight: 700 }] } }, [
    ['blkio', 'blkio.weight_device', '8:0 600', 'blockIO.weightDevice[0].weight'],
    ['blkio', 'blkio.leaf_weight_device', '8:0 700', 'blockIO.weightDevice[0].leafWeight'],
  ]],
  ['blockIO throttles', {
    blockIO: {
      throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 1048576 }],
      throttleWriteBpsDevice: [{ major: 8, minor: 16, rate: 2097152 }],
      throttleReadIOPSDevice: [{ major: 8, minor: 0, rate: 100 }],
      throttleWriteIOPSDevice: [{ major: 8, minor: 0, rate: 200 }],
    },
  }, [
    ['blkio', 'blkio.throttle.read_bps_device', '8:0 1048576', 'blockIO.throttleReadBpsDevice[0]'],
    ['blkio', 'blkio.throttle.write_bps_device', '8:16 2097152', 'blockIO.throttleWriteBpsDevice[0]'],
    ['blkio', 'blkio.throttle.read_iops_device', '8:0 100', 'blockIO.throttleReadIOPSDevice[0]'],
    ['blkio', 'blkio.throttle.write_iops_device', '8:0 200', 'blockIO.throttleWriteIOPSDevice[0]'],
  ]],
  ['hugepageLimits', { hugepageLimits: [{ pageSize: '2MB', limit: 209715200 }] }, [
    ['hugetlb', 'hugetlb.2MB.limit_in_bytes', '209715200', 'hugepageLimits[0]'],
    ['hugetlb', 'hugetlb.2MB.rsvd.limit_in_bytes', '209715200', 'hugepageLimits[0]'],
  ]],
  ['network', { network: { classID: 1048577, priorities: [{ name: 'eth0', priority: 500 }, { name: 'lo', priority: 1 }] } }, [
    ['net_cls', 'net_cls.classid', '1048577', 'network.classID'],
    ['net_prio', 'net_prio.ifpriomap', 'eth0 500', 'network.priorities[0]'],
    ['net_prio', 'net_prio.ifpriomap', 'lo 1', 'network.priorities[1]'],
  ]],
  ['rdma', { rdma: { mlx5_1: { hcaHandles: 3, hcaObjects: 10000 }, mlx4_0: { hcaObjects: 1000 } } }, [
    ['rdma', 'rdma.max', 'mlx4_0 hca_object=1000', 'rdma["mlx4_0"]'],
    ['rdma', 'rdma.max', 'mlx5_1 hca_handle=3 hca_object=10000', 'rdma["mlx5_1"]'],
  ]],
  ['devices: containerd-style list', {
    devices: [
      { allow: false, access: 'rwm' },
      { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' },
      { allow: true, type: 'c', major: 136, access: 'rwm' },
      { allow: false, type: 'c', major: 10, minor: 229, access: 'rw' },
    ],
  }, [
    ['devices', 'devices.deny', 'a', 'devices[0]'],
    ['devices', 'devices.allow', 'c 1:3 rwm', 'devices[1]'],
    ['devices', 'devices.allow', 'c 136:* rwm', 'devices[2]'],
    ['devices', 'devices.deny', 'c 10:229 rw', 'devices[3]'],
  ]],
  ['devices: list without a leading reset starts from deny-all', {
    devices: [{ allow: true, type: 'b', major: 8, minor: null, access: 'r' }],
  }, [
    ['devices', 'devices.deny', 'a', 'devices'],
    ['devices', 'devices.allow', 'b 8:* r', 'devices[0]'],
  ]],
  ['devices: allow all (privileged)', { devices: [{ allow: true, access: 'rwm' }] }, [['devices', 'devices.allow', 'a', 'devices[0]']]],
  ['unified {} is fine', { unified: {} }, []],
];

for (const [name, input, expected] of cases) {
  test(`v1 writes: ${name}`, () => {
    assert.deepEqual(rows(input), expected);
  });
}

test('v1 writes: optional and fallback markers', () => {
  const ws = v1Writes({
    memory: { limit: -1, kernel: 1, kernelTCP: 1, useHierarchy: true },
    blockIO: { weight: 100, weightDevice: [{ major: 8, minor: 0, weight: 200 }] },
    cpu: { period: 100000, burst: 5 },
    hugepageLimits: [{ pageSize: '1GB', limit: 1 }],
  });
  const by = (file: string) => ws.find((w) => w.file === file)!;
  assert.equal(by('memory.memsw.limit_in_bytes').optional, 'skip');
  assert.equal(by('memory.kmem.limit_in_bytes').optional, 'warn');
  assert.equal(by('memory.kmem.tcp.limit_in_bytes').optional, 'warn');
  assert.equal(by('memory.use_hierarchy').optional, 'warn');
  assert.equal(by('memory.limit_in_bytes').optional, undefined);
  assert.deepEqual(by('blkio.weight').fallback, { file: 'blkio.bfq.weight', value: '100' });
  assert.deepEqual(by('blkio.weight_device').fallback, { file: 'blkio.bfq.weight_device', value: '8:0 200' });
  assert.equal(by('cpu.cfs_period_us').retryAfterEinval, true);
  assert.equal(by('cpu.cfs_burst_us').retryAfterEinval, true);
  assert.equal(by('hugetlb.1GB.rsvd.limit_in_bytes').optional, 'skip');
  assert.equal(by('hugetlb.1GB.limit_in_bytes').optional, undefined);
});

test('v1 writes: every field of a full LinuxResources is covered, in runc subsystem order', () => {
  const full: LinuxResources = {
    devices: [{ allow: false, access: 'rwm' }],
    memory: { limit: 2, reservation: 1, swap: 3, kernel: 4, kernelTCP: 5, swappiness: 6, disableOOMKiller: true, useHierarchy: true, checkBeforeUpdate: true },
    cpu: { shares: 7, quota: 8, burst: 9, period: 10, realtimeRuntime: 11, realtimePeriod: 12, cpus: '0', mems: '0', idle: 0 },
    pids: { limit: 13 },
    blockIO: {
      weight: 14, leafWeight: 15, weightDevice: [{ major: 1, minor: 2, weight: 16, leafWeight: 17 }],
      throttleReadBpsDevice: [{ major: 1, minor: 2, rate: 18 }], throttleWriteBpsDevice: [{ major: 1, minor: 2, rate: 19 }],
      throttleReadIOPSDevice: [{ major: 1, minor: 2, rate: 20 }], throttleWriteIOPSDevice: [{ major: 1, minor: 2, rate: 21 }],
    },
    hugepageLimits: [{ pageSize: '2MB', limit: 22 }],
    network: { classID: 23, priorities: [{ name: 'eth0', priority: 24 }] },
    rdma: { dev: { hcaHandles: 25, hcaObjects: 26 } },
  };
  const ws = v1Writes(full);
  const controllers = [...new Set(ws.map((w) => w.controller))];
  assert.deepEqual(controllers, ['cpuset', 'devices', 'memory', 'cpu', 'pids', 'blkio', 'hugetlb', 'net_cls', 'net_prio', 'rdma']);
  const fields = new Set(ws.map((w) => w.field.replace(/\[\d+\]|\["[^"]*"\]/g, '')));
  for (const f of [
    'memory.limit', 'memory.reservation', 'memory.swap', 'memory.kernel', 'memory.kernelTCP', 'memory.swappiness',
    'memory.disableOOMKiller', 'memory.useHierarchy', 'cpu.shares', 'cpu.quota', 'cpu.burst', 'cpu.period',
    'cpu.realtimeRuntime', 'cpu.realtimePeriod', 'cpu.cpus', 'cpu.mems', 'cpu.idle', 'pids.limit', 'blockIO.weight',
    'blockIO.leafWeight', 'blockIO.weightDevice.weight', 'blockIO.weightDevice.leafWeight', 'blockIO.throttleReadBpsDevice',
    'blockIO.throttleWriteBpsDevice', 'blockIO.throttleReadIOPSDevice', 'blockIO.throttleWriteIOPSDevice', 'hugepageLimits',
    'network.classID', 'network.priorities', 'rdma', 'devices',
  ]) {
    assert.ok(fields.has(`linux.resources.${f}`), `missing ${f}`);
  }
  assert.deepEqual(translateV1(full).warnings, []);
});

test('v1 writes: unified is refused on cgroup v1, naming the field', () => {
  assert.throws(() => v1Writes({ unified: { 'memory.high': '1G' } }),
    (e: unknown) => e instanceof CgroupError && e.message === 'linux.resources.unified: needs cgroup v2, but this host runs its controllers on cgroup v1');
});

test('v1 writes: invalid values name their field', () => {
  assert.throws(() => v1Writes({ memory: { swappiness: 101 } }), /^CgroupError: linux\.resources\.memory\.swappiness: invalid value 101/);
  assert.throws(() => v1Writes({ devices: [{ allow: true, type: 'x', access: 'rwm' }] }), /linux\.resources\.devices\[0\]\.type: invalid device type "x"/);
  assert.throws(() => v1Writes({ devices: [{ allow: true, type: 'c', access: 'rwx' }] }), /linux\.resources\.devices\[0\]\.access: invalid access "rwx"/);
  assert.throws(() => v1Writes({ devices: [{ allow: true, type: 'c', major: -5, access: 'r' }] }), /linux\.resources\.devices\[0\]\.major: invalid device number -5/);
});

test('v1 writes: swappiness -1 means the kernel default (no write)', () => {
  assert.deepEqual(rows({ memory: { swappiness: -1 } }), []);
});
