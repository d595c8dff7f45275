import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cgroupV1MountPlan, MS_BIND, MS_NODEV, MS_NOEXEC, MS_NOSUID, MS_RDONLY, MS_REC } from '../../src/cgroups/mount-emulation';
import type { SavedCgroups } from '../../src/cgroups/manager';

const MS_PRIVATE = 1 << 18;
const host: Pick<SavedCgroups, 'hierarchies' | 'unified'> = {
  hierarchies: [
    { name: 'cpu', controllers: ['cpu'], mountpoint: '/sys/fs/cgroup/cpu', dir: '/sys/fs/cgroup/cpu/default/c1' },
    { name: 'cpuacct', controllers: ['cpuacct'], mountpoint: '/sys/fs/cgroup/cpuacct', dir: '/sys/fs/cgroup/cpuacct/default/c1' },
    { name: 'memory', controllers: ['memory'], mountpoint: '/sys/fs/cgroup/memory', dir: '/sys/fs/cgroup/memory/default/c1' },
    { name: 'systemd', controllers: ['name=systemd'], mountpoint: '/sys/fs/cgroup/systemd', dir: '/sys/fs/cgroup/systemd/default/c1' },
  ],
  unified: { mountpoint: '/sys/fs/cgroup/unified', dir: '/sys/fs/cgroup/unified/default/c1' },
};
const RO = MS_RDONLY | MS_NOSUID | MS_NOEXEC | MS_NODEV;
const DEF = MS_NOSUID | MS_NODEV | MS_NOEXEC;

test('cgroup mount on v1 without cgroupns: tmpfs plus one bind per hierarchy, named as on the host', () => {
  const plan = cgroupV1MountPlan({ destination: '/sys/fs/cgroup/', flags: RO, propagation: [MS_PRIVATE], cgroupns: false }, host);
  assert.deepEqual(plan.mounts.map((m) => [m.fstype, m.source, m.destination, m.flags, m.data]), [
    ['tmpfs', 'tmpfs', '/sys/fs/cgroup', DEF, 'mode=755'],
    ['bind', '/sys/fs/cgroup/cpu/default/c1', '/sys/fs/cgroup/cpu', MS_BIND | MS_REC | RO, ''],
    ['bind', '/sys/fs/cgroup/cpuacct/default/c1', '/sys/fs/cgroup/cpuacct', MS_BIND | MS_REC | RO, ''],
    ['bind', '/sys/fs/cgroup/memory/default/c1', '/sys/fs/cgroup/memory', MS_BIND | MS_REC | RO, ''],
    ['bind', '/sys/fs/cgroup/systemd/default/c1', '/sys/fs/cgroup/systemd', MS_BIND | MS_REC | RO, ''],
    ['bind', '/sys/fs/cgroup/unified/default/c1', '/sys/fs/cgroup/unified', MS_BIND | MS_REC | RO, ''],
  ]);
  assert.deepEqual(plan.mounts[0]!.propagation, [MS_PRIVATE]);
  assert.deepEqual(plan.symlinks, []);
  assert.equal(plan.remountTmpfsReadonly, true);
});

test('cgroup mount on v1 with cgroupns: fresh cgroup mounts; co-mounted hierarchies get symlinks', () => {
  const plan = cgroupV1MountPlan({ destination: '/sys/fs/cgroup', flags: DEF, cgroupns: true }, {
    hierarchies: [
      { name: 'cpu,cpuacct', controllers: ['cpu', 'cpuacct'], mountpoint: '/sys/fs/cgroup/cpu,cpuacct', dir: '/x' },
      { name: 'systemd', controllers: ['name=systemd'], mountpoint: '/sys/fs/cgroup/systemd', dir: '/y' },
    ],
    unified: { mountpoint: '/sys/fs/cgroup/unified', dir: '/z' },
  });
  assert.deepEqual(plan.mounts.slice(1).map((m) => [m.fstype, m.source, m.destination, m.flags, m.data]), [
    ['cgroup', 'cgroup', '/sys/fs/cgroup/cpu,cpuacct', DEF, 'cpu,cpuacct'],
    ['cgroup', 'systemd', '/sys/fs/cgroup/systemd', DEF, 'name=systemd'],
    ['cgroup2', 'cgroup2', '/sys/fs/cgroup/unified', DEF, ''],
  ]);
  assert.deepEqual(plan.symlinks, [
    { target: 'cpu,cpuacct', path: '/sys/fs/cgroup/cpu' },
    { target: 'cpu,cpuacct', path: '/sys/fs/cgroup/cpuacct' },
  ]);
  assert.equal(plan.remountTmpfsReadonly, false);
});
