import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { layoutFromDirectory, layoutFromMountinfo, ownCgroup, parseMountinfo, parseProcCgroup } from '../../src/cgroups/hierarchies';
import { cgroupDir, resolveCgroupsPath } from '../../src/cgroups/paths';
import { cgroupManagerFor } from '../../src/cgroups/manager';

// This host's cgroup mounts (hybrid), plus noise.
const HYBRID = `22 1 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:5 - proc proc rw
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices
37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`;
const PROC_CGROUP = `9:name=systemd:/user.slice
8:pids:/
4:memory:/process_api/abc
1:cpu:/
2:cpuacct:/
3:cpuset:/
5:devices:/
6:freezer:/
7:blkio:/
0::/user.slice/session-1.scope
`;

test('mountinfo: hybrid host', () => {
  const l = layoutFromMountinfo(HYBRID, '/sys/fs/cgroup')!;
  assert.equal(l.mode, 'hybrid');
  assert.deepEqual(l.v1.map((h) => [h.name, h.controllers.join(',')]), [
    ['blkio', 'blkio'], ['cpu', 'cpu'], ['cpuacct', 'cpuacct'], ['cpuset', 'cpuset'], ['devices', 'devices'],
    ['freezer', 'freezer'], ['memory', 'memory'], ['pids', 'pids'], ['systemd', 'name=systemd'],
  ]);
  assert.deepEqual(l.unified, { name: 'unified', controllers: [], mountpoint: '/sys/fs/cgroup/unified', mountRoot: '/' });
});

test('mountinfo: pure v2, co-mounted v1, escaped paths, nothing mounted', () => {
  const v2 = layoutFromMountinfo('30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n', '/sys/fs/cgroup')!;
  assert.equal(v2.mode, 'v2');
  assert.equal(v2.unified!.mountpoint, '/sys/fs/cgroup');
  const co = layoutFromMountinfo('32 31 0:29 /docker/abc /sys/fs/cgroup/cpu,cpuacct ro,nosuid - cgroup cgroup rw,cpu,cpuacct\n', '/sys/fs/cgroup')!;
  assert.equal(co.mode, 'v1');
  assert.deepEqual(co.v1[0], { name: 'cpu,cpuacct', controllers: ['cpu', 'cpuacct'], mountpoint: '/sys/fs/cgroup/cpu,cpuacct', mountRoot: '/docker/abc' });
  assert.equal(parseMountinfo('1 2 0:1 / /a\\040b rw - cgroup2 none rw\n')[0]!.mountpoint, '/a b');
  assert.equal(layoutFromMountinfo(HYBRID, '/elsewhere'), null);
});

test('/proc/self/cgroup: own cgroup per hierarchy, relative to the mount root', () => {
  const l = layoutFromMountinfo(HYBRID, '/sys/fs/cgroup')!;
  const pc = parseProcCgroup(PROC_CGROUP);
  const h = (name: string) => l.v1.find((x) => x.name === name)!;
  assert.equal(ownCgroup(h('memory'), pc), '/process_api/abc');
  assert.equal(ownCgroup(h('systemd'), pc), '/user.slice');
  assert.equal(ownCgroup(l.unified!, pc), '/user.slice/session-1.scope');
  const inContainer = { name: 'memory', controllers: ['memory'], mountpoint: '/sys/fs/cgroup/memory', mountRoot: '/docker/abc' };
  assert.equal(ownCgroup(inContainer, parseProcCgroup('4:memory:/docker/abc/sub\n')), '/sub');
});

test('cgroupsPath: absolute, relative, default, cleaning, refusals', () => {
  assert.deepEqual(resolveCgroupsPath('/default/busybox', 'x'), { relative: false, inner: '/default/busybox' });
  assert.deepEqual(resolveCgroupsPath(undefined, 'abc'), { relative: false, inner: '/runtime/abc' });
  assert.deepEqual(resolveCgroupsPath('', 'abc'), { relative: false, inner: '/runtime/abc' });
  assert.deepEqual(resolveCgroupsPath('a/b/', 'x'), { relative: true, inner: 'a/b' });
  assert.deepEqual(resolveCgroupsPath('/../../etc/x', 'x'), { relative: false, inner: '/etc/x' });
  assert.deepEqual(resolveCgroupsPath('a/../../b', 'x'), { relative: true, inner: 'b' });
  assert.throws(() => resolveCgroupsPath('/', 'x'), /^CgroupError: linux\.cgroupsPath: the root cgroup cannot be a container's cgroup$/);
  assert.throws(() => resolveCgroupsPath('a/..', 'x'), /linux\.cgroupsPath: "a\/\.\." resolves to the runtime's own cgroup/);
  assert.throws(() => resolveCgroupsPath(undefined, '../x'), /^CgroupError: id: /);
});

test('cgroupsPath: directory per hierarchy (relative = below own cgroup; v2 = below its parent)', () => {
  const l = layoutFromMountinfo(HYBRID, '/sys/fs/cgroup')!;
  const pc = parseProcCgroup(PROC_CGROUP);
  const mem = l.v1.find((x) => x.name === 'memory')!;
  assert.equal(cgroupDir(mem, resolveCgroupsPath('/c1', 'x'), pc, false), '/sys/fs/cgroup/memory/c1');
  assert.equal(cgroupDir(mem, resolveCgroupsPath('c1', 'x'), pc, false), '/sys/fs/cgroup/memory/process_api/abc/c1');
  assert.equal(cgroupDir(l.unified!, resolveCgroupsPath('c1', 'x'), pc, false), '/sys/fs/cgroup/unified/user.slice/session-1.scope/c1');
  assert.equal(cgroupDir(l.unified!, resolveCgroupsPath('c1', 'x'), pc, true), '/sys/fs/cgroup/unified/user.slice/c1');
});

test('layout of a fake directory tree', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-layout-'));
  try {
    for (const d of ['cpu,cpuacct', 'memory', 'systemd', 'unified']) {
      fs.mkdirSync(path.join(root, d));
      fs.writeFileSync(path.join(root, d, 'cgroup.procs'), '');
    }
    fs.writeFileSync(path.join(root, 'unified', 'cgroup.controllers'), '');
    fs.symlinkSync('cpu,cpuacct', path.join(root, 'cpu'));
    fs.mkdirSync(path.join(root, 'not-a-hierarchy'));
    const l = layoutFromDirectory(root)!;
    assert.equal(l.mode, 'hybrid');
    assert.deepEqual(l.v1.map((h) => [h.name, h.controllers]), [
      ['cpu,cpuacct', ['cpu', 'cpuacct']], ['memory', ['memory']], ['systemd', ['name=systemd']],
    ]);
    assert.equal(l.unified!.mountpoint, path.join(root, 'unified'));
    // The manager resolves the same layout when mountinfo knows nothing about the root.
    const m = cgroupManagerFor({ id: 'c', root, cgroupsPath: '/x/c', mountinfo: HYBRID });
    assert.deepEqual(m.toState().hierarchies.map((h) => h.dir), ['cpu,cpuacct', 'memory', 'systemd'].map((d) => path.join(root, d, 'x/c')));
    assert.equal(m.toState().unified!.dir, path.join(root, 'unified/x/c'));
    const rel = cgroupManagerFor({ id: 'c', root, cgroupsPath: 'c', mountinfo: '', procSelfCgroup: '2:memory:/m\n0::/u/s\n' });
    assert.equal(rel.toState().hierarchies[1]!.dir, path.join(root, 'memory/m/c'));
    assert.equal(rel.toState().unified!.dir, path.join(root, 'unified/u/s/c'));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  assert.equal(layoutFromDirectory('/nonexistent-cgroup-root'), null);
  assert.throws(() => cgroupManagerFor({ id: 'c', root: '/nonexistent-cgroup-root', mountinfo: '' }), /no cgroup filesystem is mounted at \/nonexistent-cgroup-root/);
});
