import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blkioWeightToIoWeight, cpuSharesToWeight, memorySwapToV2, translateV2, v2Writes } from '../../src/cgroups/v2-resources';
import type { LinuxResources } from '../../src/spec/types';

type Row = [string, string, string, string];
const rows = (r: LinuxResources): Row[] =>
  v2Writes(r).map((w) => [w.controller, w.file, w.value, w.field.replace(/^linux\.resources\./, '')]);

const cases: [string, LinuxResources, Row[]][] = [
  ['memory.limit', { memory: { limit: 67108864 } }, [['memory', 'memory.max', '67108864', 'memory.limit']]],
  ['memory.limit -1: memory and swap unlimited', { memory: { limit: -1 } }, [
    ['memory', 'memory.swap.max', 'max', 'memory.swap'],
    ['memory', 'memory.max', 'max', 'memory.limit'],
  ]],
  ['memory.swap is memory+swap: swap.max gets the difference', { memory: { limit: 67108864, swap: 134217728 } }, [
    ['memory', 'memory.swap.max', '67108864', 'memory.swap'],
    ['memory', 'memory.max', '67108864', 'memory.limit'],
  ]],
  ['memory.swap == limit: no swap', { memory: { limit: 67108864, swap: 67108864 } }, [
    ['memory', 'memory.swap.max', '0', 'memory.swap'],
    ['memory', 'memory.max', '67108864', 'memory.limit'],
  ]],
  ['memory.swap -1', { memory: { limit: 1048576, swap: -1 } }, [
    ['memory', 'memory.swap.max', 'max', 'memory.swap'],
    ['memory', 'memory.max', '1048576', 'memory.limit'],
  ]],
  ['memory.reservation', { memory: { reservation: 1048576 } }, [['memory', 'memory.low', '1048576', 'memory.reservation']]],
  ['memory.reservation -1', { memory: { reservation: -1 } }, [['memory', 'memory.low', 'max', 'memory.reservation']]],
  ['cpu.shares -> cpu.weight', { cpu: { shares: 1024 } }, [['cpu', 'cpu.weight', '100', 'cpu.shares']]],
  ['cpu.shares 0 writes nothing', { cpu: { shares: 0 } }, []],
  ['cpu.quota alone: default period', { cpu: { quota: 50000 } }, [['cpu', 'cpu.max', '50000 100000', 'cpu.quota']]],
  ['cpu.quota and period', { cpu: { quota: 20000, period: 50000 } }, [['cpu', 'cpu.max', '20000 50000', 'cpu.quota']]],
  ['cpu.quota -1', { cpu: { quota: -1, period: 100000 } }, [['cpu', 'cpu.max', 'max 100000', 'cpu.quota']]],
  ['cpu.period alone', { cpu: { period: 200000 } }, [['cpu', 'cpu.max', 'max 200000', 'cpu.period']]],
  ['cpu.burst', { cpu: { burst: 10000, quota: 50000 } }, [
    ['cpu', 'cpu.max.burst', '10000', 'cpu.burst'],
    ['cpu', 'cpu.max', '50000 100000', 'cpu.quota'],
  ]],
  ['cpu.idle', { cpu: { idle: 1 } }, [['cpu', 'cpu.idle', '1', 'cpu.idle']]],
  ['cpu.cpus and mems', { cpu: { cpus: '0-1', mems: '0' } }, [
    ['cpuset', 'cpuset.cpus', '0-1', 'cpu.cpus'],
    ['cpuset', 'cpuset.mems', '0', 'cpu.mems'],
  ]],
  ['pids.limit', { pids: { limit: 100 } }, [['pids', 'pids.max', '100', 'pids.limit']]],
  ['pids.limit -1', { pids: { limit: -1 } }, [['pids', 'pids.max', 'max', 'pids.limit']]],
  ['pids.limit 0', { pids: { limit: 0 } }, [['pids', 'pids.max', '0', 'pids.limit']]],
  ['blockIO.weight: io.bfq.weight', { blockIO: { weight: 500 } }, [['io', 'io.bfq.weight', '500', 'blockIO.weight']]],
  ['blockIO.weightDevice', { blockIO: { weightDevice: [{ major: 8, minor: 0, weight: 100 }] } }, [
    ['io', 'io.bfq.weight', '8:0 100', 'blockIO.weightDevice[0].weight'],
  ]],
  ['blockIO throttles -> io.max', {
    blockIO: {
      throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 1048576 }],
      throttleWriteBpsDevice: [{ major: 8, minor: 0, rate: 2097152 }],
      throttleReadIOPSDevice: [{ major: 8, minor: 0, rate: 100 }],
      throttleWriteIOPSDevice: [{ major: 8, minor: 0, rate: 200 }],
    },
  }, [
    ['io', 'io.max', '8:0 rbps=1048576', 'blockIO.throttleReadBpsDevice[0]'],
    ['io', 'io.max', '8:0 wbps=2097152', 'blockIO.throttleWriteBpsDevice[0]'],
    ['io', 'io.max', '8:0 riops=100', 'blockIO.throttleReadIOPSDevice[0]'],
    ['io', 'io.max', '8:0 wiops=200', 'blockIO.throttleWriteIOPSDevice[0]'],
  ]],
  ['hugepageLimits', { hugepageLimits: [{ pageSize: '1GB', limit: 1073741824 }] }, [
    ['hugetlb', 'hugetlb.1GB.max', '1073741824', 'hugepageLimits[0]'],
    ['hugetlb', 'hugetlb.1GB.rsvd.max', '1073741824', 'hugepageLimits[0]'],
  ]],
  ['rdma', { rdma: { mlx5_1: { hcaHandles: 3, hcaObjects: 10000 } } }, [
    ['rdma', 'rdma.max', 'mlx5_1 hca_handle=3 hca_object=10000', 'rdma["mlx5_1"]'],
  ]],
  ['unified verbatim, last', { pids: { limit: 5 }, unified: { 'memory.high': '1G', 'cgroup.freeze': '0' } }, [
    ['pids', 'pids.max', '5', 'pids.limit'],
    ['memory', 'memory.high', '1G', 'unified["memory.high"]'],
    ['cgroup', 'cgroup.freeze', '0', 'unified["cgroup.freeze"]'],
  ]],
  ['devices are not file writes on v2', { devices: [{ allow: false, access: 'rwm' }] }, []],
];

for (const [name, input, expected] of cases) {
  test(`v2 writes: ${name}`, () => {
    assert.deepEqual(rows(input), expected);
  });
}

test('v2 writes: fallbacks, retries and optional writes', () => {
  const ws = v2Writes({
    blockIO: { weight: 500, weightDevice: [{ major: 8, minor: 0, weight: 10 }] },
    cpu: { burst: 1 },
    hugepageLimits: [{ pageSize: '2MB', limit: 1 }],
  });
  assert.deepEqual(ws[0]!.fallback, { file: 'io.weight', value: '4950' });
  assert.deepEqual(ws[1]!.fallback, { file: 'io.weight', value: '8:0 1' });
  assert.equal(ws.find((w) => w.file === 'cpu.max.burst')!.retryAfterEinval, true);
  assert.equal(ws.find((w) => w.file === 'hugetlb.2MB.rsvd.max')!.optional, 'skip');
});

test('v2: cpu shares to weight uses runc 1.3 formula (fixed points and samples)', () => {
  const table: [number, number][] = [
    [0, 0], [1, 1], [2, 1], [3, 2], [10, 4], [100, 17], [512, 59], [1024, 100], [2048, 174], [4096, 303],
    [262143, 10000], [262144, 10000], [1000000, 10000],
  ];
  for (const [shares, weight] of table) assert.equal(cpuSharesToWeight(shares), weight, `shares ${shares}`);
});

test('v2: blkio weight to io.weight (runc linear map)', () => {
  assert.equal(blkioWeightToIoWeight(0), 0);
  assert.equal(blkioWeightToIoWeight(10), 1);
  assert.equal(blkioWeightToIoWeight(500), 4950);
  assert.equal(blkioWeightToIoWeight(1000), 10000);
});

test('v2: memory swap conversion and its errors', () => {
  assert.equal(memorySwapToV2(0, -1), -1);
  assert.equal(memorySwapToV2(-1, 100), -1);
  assert.equal(memorySwapToV2(0, 100), 0);
  assert.equal(memorySwapToV2(300, -1), 300);
  assert.equal(memorySwapToV2(300, 100), 200);
  assert.throws(() => memorySwapToV2(300, 0), /^CgroupError: linux\.resources\.memory\.swap: a swap limit needs a memory limit on cgroup v2$/);
  assert.throws(() => memorySwapToV2(50, 100), /linux\.resources\.memory\.swap: memory\+swap limit 50 is below the memory limit 100/);
  assert.throws(() => v2Writes({ memory: { swap: 1000 } }), /linux\.resources\.memory\.swap/);
});

test('v2: fields without a v2 counterpart warn (kernel memory as runc 1.2+) or fail', () => {
  const { writes, warnings } = translateV2({
    memory: { kernel: 1, kernelTCP: 2, swappiness: 10, disableOOMKiller: true, useHierarchy: false },
    blockIO: { leafWeight: 10, weightDevice: [{ major: 1, minor: 2, leafWeight: 20 }] },
  });
  assert.deepEqual(writes, []);
  assert.deepEqual(warnings.map((w) => w.field), [
    'linux.resources.memory.kernel', 'linux.resources.memory.kernelTCP', 'linux.resources.memory.swappiness',
    'linux.resources.memory.disableOOMKiller', 'linux.resources.memory.useHierarchy',
    'linux.resources.blockIO.leafWeight', 'linux.resources.blockIO.weightDevice[0].leafWeight',
  ]);
  assert.deepEqual(translateV2({ memory: { useHierarchy: true, disableOOMKiller: false } }).warnings, []);
  assert.throws(() => v2Writes({ cpu: { realtimeRuntime: 1000 } }), /^CgroupError: linux\.resources\.cpu\.realtimeRuntime: /);
  assert.throws(() => v2Writes({ cpu: { realtimePeriod: 1000 } }), /linux\.resources\.cpu\.realtimePeriod: /);
  assert.throws(() => v2Writes({ network: { classID: 1 } }), /linux\.resources\.network\.classID: net_cls does not exist on cgroup v2/);
  assert.throws(() => v2Writes({ network: { priorities: [{ name: 'lo', priority: 1 }] } }), /linux\.resources\.network\.priorities: /);
  assert.throws(() => v2Writes({ blockIO: { weight: 5 } }), /linux\.resources\.blockIO\.weight: invalid weight 5/);
});

test('v2: unified keys are checked', () => {
  assert.throws(() => v2Writes({ unified: { '../memory.max': '1' } }), /linux\.resources\.unified\["\.\.\/memory\.max"\]: must be a file name/);
  assert.throws(() => v2Writes({ unified: { memorymax: '1' } }), /must be of the form CONTROLLER\.PARAMETER/);
});

test('v2 writes: docker default config translates cleanly', () => {
  const docker: LinuxResources = {
    devices: [{ allow: false, access: 'rwm' }], memory: { disableOOMKiller: false }, cpu: { shares: 0 }, blockIO: { weight: 0 },
  };
  assert.deepEqual(translateV2(docker), { writes: [], warnings: [] });
});
