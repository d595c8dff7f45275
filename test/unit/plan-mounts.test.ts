// Mount options -> mount(2) flags, propagation and data (src/plan/mounts.ts). Pure.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { cgroupV1MountSteps, MOUNT_ATTR, MS, mountStep, parseMountOptions, PROC_MOUNTS_ALLOWED, PROPAGATION } from '../../src/plan/mounts';

const noWarn = (m: string) => assert.fail(`unexpected warning: ${m}`);

describe('parseMountOptions: flags', () => {
  const cases: [string, number][] = [
    ['ro', MS.RDONLY],
    ['nosuid', MS.NOSUID],
    ['nodev', MS.NODEV],
    ['noexec', MS.NOEXEC],
    ['sync', MS.SYNCHRONOUS],
    ['dirsync', MS.DIRSYNC],
    ['mand', MS.MANDLOCK],
    ['noatime', MS.NOATIME],
    ['nodiratime', MS.NODIRATIME],
    ['relatime', MS.RELATIME],
    ['strictatime', MS.STRICTATIME],
    ['nosymfollow', MS.NOSYMFOLLOW],
    ['bind', MS.BIND],
    ['rbind', MS.BIND | MS.REC],
    ['remount', MS.REMOUNT],
    ['silent', MS.SILENT],
    ['iversion', MS.I_VERSION],
    ['lazytime', MS.LAZYTIME],
  ];
  for (const [opt, flag] of cases) {
    it(`${opt} sets ${flag.toString(16)}`, () => {
      const p = parseMountOptions([opt], 'mounts[0]');
      assert.equal(p.flags, flag);
      assert.deepEqual(p.data, []);
    });
  }

  it('the kernel values of the flags', () => {
    assert.deepEqual(
      [MS.RDONLY, MS.NOSUID, MS.NODEV, MS.NOEXEC, MS.REMOUNT, MS.NOATIME, MS.BIND, MS.REC, MS.PRIVATE, MS.SLAVE, MS.SHARED, MS.RELATIME, MS.STRICTATIME],
      [1, 2, 4, 8, 32, 1024, 4096, 16384, 262144, 524288, 1048576, 2097152, 16777216],
    );
  });

  it('later options win: ro then rw is rw; the negative forms clear', () => {
    assert.equal(parseMountOptions(['ro', 'rw'], 'f').flags, 0);
    assert.equal(parseMountOptions(['rw', 'ro'], 'f').flags, MS.RDONLY);
    assert.equal(parseMountOptions(['nosuid', 'nodev', 'noexec', 'suid', 'dev', 'exec'], 'f').flags, 0);
    assert.equal(parseMountOptions(['noatime', 'atime'], 'f').flags, 0);
    assert.equal(parseMountOptions(['relatime', 'norelatime'], 'f').flags, 0);
    assert.equal(parseMountOptions(['strictatime', 'nostrictatime'], 'f').flags, 0);
    assert.equal(parseMountOptions(['sync', 'async'], 'f').flags, 0);
    assert.equal(parseMountOptions(['defaults'], 'f').flags, 0);
  });

  it('the usual combinations', () => {
    assert.equal(parseMountOptions(['nosuid', 'noexec', 'nodev', 'ro'], 'f').flags, MS.NOSUID | MS.NOEXEC | MS.NODEV | MS.RDONLY);
    const p = parseMountOptions(['rbind', 'ro', 'rprivate'], 'f');
    assert.equal(p.flags, MS.BIND | MS.REC | MS.RDONLY);
    assert.equal(p.bind, true);
    assert.deepEqual(p.propagation, [MS.PRIVATE | MS.REC]);
  });
});

describe('parseMountOptions: propagation, data, recursive attributes', () => {
  it('each propagation option, kept in order and out of the flags', () => {
    for (const [opt, value] of Object.entries(PROPAGATION)) {
      const p = parseMountOptions([opt], 'f');
      assert.equal(p.flags, 0, opt);
      assert.deepEqual(p.propagation, [value], opt);
    }
    assert.deepEqual(parseMountOptions(['shared', 'rslave'], 'f').propagation, [MS.SHARED, MS.SLAVE | MS.REC]);
  });

  it('unknown options are filesystem data, joined in order', () => {
    const p = parseMountOptions(['nosuid', 'mode=755', 'size=65536k', 'newinstance', 'ptmxmode=0666', 'gid=5'], 'f');
    assert.equal(p.flags, MS.NOSUID);
    assert.deepEqual(p.data, ['mode=755', 'size=65536k', 'newinstance', 'ptmxmode=0666', 'gid=5']);
  });

  it('engine-private options are dropped, not passed to the kernel', () => {
    assert.deepEqual(parseMountOptions(['tmpcopyup', 'x-mount.mkdir', 'copy-symlink', 'notmpcopyup', 'size=1m'], 'f').data, ['size=1m']);
  });

  it('recursive options become mount_setattr bits; later ones win', () => {
    assert.deepEqual(parseMountOptions(['rro', 'rnosuid'], 'f').recursive, { set: MOUNT_ATTR.RDONLY | MOUNT_ATTR.NOSUID, clear: 0 });
    assert.deepEqual(parseMountOptions(['rro', 'rrw'], 'f').recursive, { set: 0, clear: MOUNT_ATTR.RDONLY });
    assert.deepEqual(parseMountOptions(['rnoatime'], 'f').recursive, { set: MOUNT_ATTR.NOATIME, clear: MOUNT_ATTR.ATIME });
    assert.equal(parseMountOptions(['ro'], 'f').recursive, undefined);
  });
});

describe('mountStep', () => {
  it('a proc mount: type and source kept, no flags', () => {
    assert.deepEqual(mountStep({ destination: '/proc', type: 'proc', source: 'proc' }, 0, '/bundle', noWarn), {
      field: 'mounts[0]', source: 'proc', destination: '/proc', type: 'proc', flags: 0, data: '', bind: false, propagation: [],
    });
  });

  it('a tmpfs with flags and data', () => {
    const s = mountStep({ destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] }, 1, '/b', noWarn);
    assert.equal(s.flags, MS.NOSUID | MS.STRICTATIME);
    assert.equal(s.data, 'mode=755,size=65536k');
    assert.equal(s.type, 'tmpfs');
    assert.equal(s.field, 'mounts[1]');
  });

  it('a bind is recognised by option or by type; its type is dropped and MS_BIND set', () => {
    const byOpt = mountStep({ destination: '/a', type: 'none', source: '/src', options: ['rbind', 'ro'] }, 2, '/b', noWarn);
    assert.equal(byOpt.bind, true);
    assert.equal(byOpt.type, '');
    assert.equal(byOpt.flags, MS.BIND | MS.REC | MS.RDONLY);
    const byType = mountStep({ destination: '/a', type: 'bind', source: '/src' }, 3, '/b', noWarn);
    assert.equal(byType.bind, true);
    assert.equal(byType.flags, MS.BIND);
  });

  it('a relative bind source is resolved against the bundle; a non-bind source is left alone', () => {
    assert.equal(mountStep({ destination: '/a', source: 'data/x', options: ['bind'] }, 0, '/bundle', noWarn).source, '/bundle/data/x');
    assert.equal(mountStep({ destination: '/a', type: 'tmpfs', source: 'relative-name' }, 0, '/bundle', noWarn).source, 'relative-name');
  });

  it('a relative destination is made absolute with a warning; destinations are normalised', () => {
    const warnings: string[] = [];
    const s = mountStep({ destination: 'data', type: 'tmpfs', source: 'tmpfs' }, 4, '/b', (m) => warnings.push(m));
    assert.equal(s.destination, '/data');
    assert.match(warnings[0], /mounts\[4\]\.destination: data is relative/);
    assert.equal(mountStep({ destination: '/a//b/../c/', type: 'tmpfs' }, 0, '/b', noWarn).destination, '/a/c/');
  });

  it('no source: the type stands in, as mount(8) shows it', () => {
    assert.equal(mountStep({ destination: '/m', type: 'mqueue' }, 0, '/b', noWarn).source, 'mqueue');
  });
});

describe('mountStep: destinations in /proc (runc\'s checkProcMount)', () => {
  it('proc on /proc, and a bind there (the helper checks the source is procfs)', () => {
    assert.equal(mountStep({ destination: '/proc', type: 'proc', source: 'proc' }, 0, '/b', noWarn).type, 'proc');
    assert.equal(mountStep({ destination: '/proc', type: 'bind', source: '/proc', options: ['rbind'] }, 0, '/b', noWarn).bind, true);
  });

  it('anything else on /proc is refused naming the mount', () => {
    assert.throws(() => mountStep({ destination: '/proc', type: 'tmpfs', source: 'tmpfs' }, 3, '/b', noWarn), /mounts\[3\]: only a proc filesystem may be mounted on \/proc, not tmpfs/);
    assert.throws(() => mountStep({ destination: '/proc/', type: 'tmpfs', source: 'tmpfs' }, 3, '/b', noWarn), /mounts\[3\]: only a proc/);
  });

  it('the entries lxcfs emulates may be covered', () => {
    for (const d of PROC_MOUNTS_ALLOWED) assert.equal(mountStep({ destination: d, type: 'bind', source: '/var/lib/lxcfs' + d, options: ['bind'] }, 0, '/b', noWarn).destination, d);
  });

  it('other paths under /proc are refused, however they are spelled', () => {
    for (const d of ['/proc/sys', '/proc/sys/kernel', '/proc/self/attr', '/proc/1/root', '/proc//sys', '/proc/./sys/', '/tmp/../proc/sys', 'proc/sys']) {
      assert.throws(
        () => mountStep({ destination: d, type: 'tmpfs', source: 'tmpfs' }, 5, '/b', () => {}),
        /mounts\[5\]\.destination: \/proc\/.* is inside \/proc/,
        d,
      );
    }
  });

  it('paths that only look like /proc are fine', () => {
    assert.equal(mountStep({ destination: '/procfoo', type: 'tmpfs' }, 0, '/b', noWarn).destination, '/procfoo');
    assert.equal(mountStep({ destination: '/srv/proc/sys', type: 'tmpfs' }, 0, '/b', noWarn).destination, '/srv/proc/sys');
  });
});

describe('cgroupV1MountSteps', () => {
  const hierarchies = [
    { name: 'cpu', hostPath: '/sys/fs/cgroup/cpu/runtime/c1' },
    { name: 'memory', hostPath: '/sys/fs/cgroup/memory/runtime/c1' },
  ];

  it('a tmpfs, one recursive bind per hierarchy carrying the flags, then the read-only remount', () => {
    const steps = cgroupV1MountSteps({ destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] }, 6, hierarchies);
    assert.equal(steps.length, 4);
    assert.equal(steps[0].type, 'tmpfs');
    assert.equal(steps[0].flags & MS.RDONLY, 0);
    assert.equal(steps[0].data, 'mode=755');
    assert.deepEqual(steps.slice(1, 3).map((s) => [s.source, s.destination]), [
      ['/sys/fs/cgroup/cpu/runtime/c1', '/sys/fs/cgroup/cpu'],
      ['/sys/fs/cgroup/memory/runtime/c1', '/sys/fs/cgroup/memory'],
    ]);
    for (const s of steps.slice(1, 3)) assert.equal(s.flags, MS.BIND | MS.REC | MS.RDONLY | MS.NOSUID | MS.NODEV | MS.NOEXEC);
    assert.equal(steps[3].remount, true);
    assert.equal(steps[3].flags & MS.RDONLY, MS.RDONLY);
    for (const s of steps) assert.equal(s.field, 'mounts[6]');
  });

  it('read-write: no remount step', () => {
    const steps = cgroupV1MountSteps({ destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid'] }, 0, hierarchies);
    assert.equal(steps.length, 3);
    assert.ok(steps.every((s) => !s.remount));
  });
});
