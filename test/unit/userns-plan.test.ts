// The user namespace part of the plan (src/plan/idmap.ts), mount options for id-mapping and
// recursive attributes, the idmap support probe, runc's `spec --rootless`, and the rootless
// cgroup policy's notion of "limits asked for". Pure: no root needed.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import { requestedLimits } from '../../src/container/rootless';
import { hostRoot, idMapText, planUserNamespace } from '../../src/plan/idmap';
import { idmapSupported, kernelAtLeast } from '../../src/plan/idmap-support';
import { MOUNT_ATTR, mountStep, parseMountOptions } from '../../src/plan/mounts';
import { planNamespaces } from '../../src/plan/namespaces';
import type { MountStep } from '../../src/plan/types';
import { defaultSpec } from '../../src/spec/default';
import type { Spec } from '../../src/spec/types';

const ROOT = { uid: 0, gid: 0 };
const USER = { uid: 1001, gid: 1001 };

function spec(edit: (s: Spec) => void = () => {}): Spec {
  const s = defaultSpec();
  s.linux!.namespaces!.push({ type: 'user' });
  s.linux!.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
  s.linux!.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
  edit(s);
  return s;
}

function plan(s: Spec, caller = ROOT, mounts: MountStep[] = []) {
  return planUserNamespace(s, planNamespaces(s.linux?.namespaces), caller, mounts);
}

const bind = (over: Partial<MountStep> = {}): MountStep => ({
  field: 'mounts[9]', source: '/src', destination: '/dst', type: '', flags: 4096, data: '', bind: true, propagation: [], ...over,
});

describe('planUserNamespace', () => {
  it('as root: writes the config maps directly and leaves setgroups alone', () => {
    const p = plan(spec());
    assert.deepEqual(p.idMaps, {
      uidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }],
      gidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }],
      uidTool: false,
      gidTool: false,
      denySetgroups: false,
    });
    assert.equal(p.dumpable, false);
    assert.equal(p.joined, false);
    assert.deepEqual(hostRoot(p.idMaps), { uid: 100000, gid: 100000 });
  });

  it('rootless, own id only: direct writes, setgroups denied, dumpable until go', () => {
    const s = spec((x) => {
      x.mounts = [];
      x.linux!.uidMappings = [{ containerID: 0, hostID: 1001, size: 1 }];
      x.linux!.gidMappings = [{ containerID: 0, hostID: 1001, size: 1 }];
    });
    const p = plan(s, USER);
    assert.equal(p.idMaps!.uidTool, false);
    assert.equal(p.idMaps!.gidTool, false);
    assert.equal(p.idMaps!.denySetgroups, true);
    assert.equal(p.dumpable, true);
  });

  it('rootless, more than its own id: newuidmap/newgidmap, setgroups stays allowed', () => {
    const s = spec((x) => {
      x.linux!.uidMappings = [{ containerID: 0, hostID: 1001, size: 1 }, { containerID: 1, hostID: 165536, size: 65536 }];
      x.linux!.gidMappings = [{ containerID: 0, hostID: 1001, size: 1 }, { containerID: 1, hostID: 165536, size: 65536 }];
    });
    const p = plan(s, USER);
    assert.equal(p.idMaps!.uidTool, true);
    assert.equal(p.idMaps!.gidTool, true);
    assert.equal(p.idMaps!.denySetgroups, false);
  });

  it('rootless without mappings maps the caller to root (crun); root gets an error (runc)', () => {
    const s = spec((x) => {
      x.mounts = [];
      delete x.linux!.uidMappings;
      delete x.linux!.gidMappings;
    });
    const p = plan(s, USER);
    assert.deepEqual(p.idMaps!.uidMappings, [{ containerID: 0, hostID: 1001, size: 1 }]);
    assert.deepEqual(p.idMaps!.gidMappings, [{ containerID: 0, hostID: 1001, size: 1 }]);
    assert.throws(() => plan(s, ROOT), /linux\.uidMappings: a new user namespace needs uidMappings and gidMappings/);
  });

  it('names the missing half of a mapping pair', () => {
    assert.throws(() => plan(spec((x) => delete x.linux!.gidMappings)), /linux\.gidMappings: required together with linux\.uidMappings/);
    assert.throws(() => plan(spec((x) => delete x.linux!.uidMappings)), /linux\.uidMappings: required together with linux\.gidMappings/);
  });

  it('refuses ids the mapping lacks: container root, process user, additional gids, mount uid=/gid=', () => {
    assert.throws(() => plan(spec((x) => (x.linux!.uidMappings = [{ containerID: 1, hostID: 100000, size: 10 }]))), /container uid 0 is not mapped/);
    assert.throws(() => plan(spec((x) => (x.process!.user = { uid: 70000, gid: 0 }))), /process\.user\.uid: 70000 is not mapped/);
    assert.throws(() => plan(spec((x) => (x.process!.user = { uid: 0, gid: 70000 }))), /process\.user\.gid: 70000 is not mapped/);
    assert.throws(() => plan(spec((x) => (x.process!.user = { uid: 0, gid: 0, additionalGids: [1, 70000] }))), /additionalGids\[1\]: 70000 is not mapped/);
    const single = spec((x) => {
      x.linux!.uidMappings = [{ containerID: 0, hostID: 100000, size: 1 }];
      x.linux!.gidMappings = [{ containerID: 0, hostID: 100000, size: 1 }];
    });
    // runc's default devpts has gid=5, which a single mapping lacks.
    assert.throws(() => plan(single), /mounts\[2\]\.options\[5\]: gid=5 is not mapped by linux\.gidMappings/);
  });

  it('refuses additional gids when setgroups must be denied', () => {
    const s = spec((x) => {
      x.linux!.uidMappings = [{ containerID: 0, hostID: 1001, size: 1 }];
      x.linux!.gidMappings = [{ containerID: 0, hostID: 1001, size: 1 }];
      x.mounts = [];
      x.process!.user = { uid: 0, gid: 0, additionalGids: [0] };
    });
    assert.throws(() => plan(s, USER), /process\.user\.additionalGids: cannot be set .*setgroups is denied/);
  });

  it('an unprivileged caller needs a user namespace', () => {
    const s = defaultSpec();
    assert.throws(() => plan(s, USER), /linux\.namespaces: an unprivileged runtime needs a user namespace/);
  });

  it('a joined user namespace: nothing to write, the init becomes its root', () => {
    const s = spec((x) => {
      x.linux!.namespaces = x.linux!.namespaces!.map((n) => (n.type === 'user' ? { type: 'user', path: '/proc/1/ns/user' } : n));
    });
    const p = plan(s);
    assert.equal(p.idMaps, null);
    assert.equal(p.joined, true);
  });

  it('id-mapped mounts: the container maps fill in missing mount maps; root only; none without a namespace', () => {
    const m = bind({ idmap: { uidMap: '', gidMap: '', recursive: false } });
    plan(spec(), ROOT, [m]);
    assert.deepEqual(m.idmap, { uidMap: '0 100000 65536\n', gidMap: '0 100000 65536\n', recursive: false });
    assert.equal(m.detached, undefined);
    const own = bind({ idmap: { uidMap: '1 2 3\n', gidMap: '4 5 6\n', recursive: true } });
    plan(spec(), ROOT, [own]);
    assert.equal(own.idmap!.uidMap, '1 2 3\n');
    assert.throws(() => plan(defaultSpec(), ROOT, [bind({ idmap: { uidMap: '', gidMap: '', recursive: false } })]), /mounts\[9\]: idmap .* no user namespace/);
    const rootless = spec((x) => {
      x.linux!.uidMappings = [{ containerID: 0, hostID: 1001, size: 1 }];
      x.linux!.gidMappings = [{ containerID: 0, hostID: 1001, size: 1 }];
      x.mounts = [];
    });
    assert.throws(() => plan(rootless, USER, [bind({ idmap: { uidMap: '0 1 1\n', gidMap: '0 1 1\n', recursive: false } })]), /mounts\[9\]\.options: id-mapped mounts need the runtime to run as root/);
  });

  it('binds of a user-namespaced container are cloned by the helper (root only); sysfs falls back to /sys without a netns', () => {
    const b = bind();
    const remount = bind({ remount: true, bind: false });
    const sysfs = bind({ bind: false, type: 'sysfs', source: 'sysfs', flags: 0 });
    plan(spec(), ROOT, [b, remount, sysfs]);
    assert.equal(b.detached, true);
    assert.equal(remount.detached, undefined);
    assert.equal(sysfs.fallbackBind, undefined, 'the default config has its own network namespace');
    const noNet = spec((x) => (x.linux!.namespaces = x.linux!.namespaces!.filter((n) => n.type !== 'network')));
    const sysfs2 = bind({ bind: false, type: 'sysfs', source: 'sysfs', flags: 1 | 2 });
    plan(noNet, ROOT, [sysfs2]);
    assert.equal(sysfs2.fallbackBind, '/sys');
    assert.deepEqual(sysfs2.recursiveAttrs, { set: MOUNT_ATTR.RDONLY | MOUNT_ATTR.NOSUID, clear: 0 }, 'the host mounts below /sys get the flags too');
    const plain = bind();
    plan(defaultSpec(), ROOT, [plain]);
    assert.equal(plain.detached, undefined, 'no user namespace: ordinary bind');
  });

  it('idMapText is the uid_map format', () => {
    assert.equal(idMapText([{ containerID: 0, hostID: 1000, size: 1 }, { containerID: 1, hostID: 100000, size: 65536 }]), '0 1000 1\n1 100000 65536\n');
  });
});

describe('mount options: recursive attributes and idmap', () => {
  it('turns r* options into mount_setattr set/clear bits, later options winning', () => {
    assert.deepEqual(parseMountOptions(['rro', 'rnosuid'], 'm').recursive, { set: MOUNT_ATTR.RDONLY | MOUNT_ATTR.NOSUID, clear: 0 });
    assert.deepEqual(parseMountOptions(['rro', 'rrw'], 'm').recursive, { set: 0, clear: MOUNT_ATTR.RDONLY });
    assert.deepEqual(parseMountOptions(['rnoatime'], 'm').recursive, { set: MOUNT_ATTR.NOATIME, clear: MOUNT_ATTR.ATIME });
    assert.deepEqual(parseMountOptions(['rnoatime', 'rstrictatime'], 'm').recursive, { set: MOUNT_ATTR.STRICTATIME, clear: MOUNT_ATTR.ATIME });
    assert.deepEqual(parseMountOptions(['ratime'], 'm').recursive, { set: MOUNT_ATTR.RELATIME, clear: MOUNT_ATTR.ATIME });
    assert.equal(parseMountOptions(['ro'], 'm').recursive, undefined);
    assert.deepEqual(parseMountOptions(['rnosymfollow'], 'm').data, []);
  });

  it('idmap/ridmap are not passed to mount(2); mount mappings imply idmap', () => {
    const o = parseMountOptions(['rbind', 'ridmap'], 'm');
    assert.equal(o.idmap, 'ridmap');
    assert.deepEqual(o.data, []);
    const step = mountStep(
      { destination: '/d', source: '/s', type: 'bind', options: ['rbind'], uidMappings: [{ containerID: 0, hostID: 5, size: 2 }], gidMappings: [{ containerID: 0, hostID: 6, size: 2 }] },
      3, '/bundle', () => {},
    );
    assert.deepEqual(step.idmap, { uidMap: '0 5 2\n', gidMap: '0 6 2\n', recursive: false });
    const r = mountStep({ destination: '/d', source: '/s', type: 'bind', options: ['rbind', 'ridmap'] }, 0, '/b', () => {});
    assert.deepEqual(r.idmap, { uidMap: '', gidMap: '', recursive: true });
  });

  it('refuses idmap on a non-bind mount and a mapping without its pair', () => {
    assert.throws(() => mountStep({ destination: '/d', source: 'tmpfs', type: 'tmpfs', options: ['idmap'] }, 1, '/b', () => {}), /mounts\[1\]\.options: id-mapped mounts are supported for bind mounts only/);
    assert.throws(
      () => mountStep({ destination: '/d', source: '/s', options: ['bind'], uidMappings: [{ containerID: 0, hostID: 5, size: 1 }] }, 2, '/b', () => {}),
      /mounts\[2\]\.gidMappings: required together with uidMappings/,
    );
  });
});

describe('idmapSupported', () => {
  it('compares kernel releases', () => {
    assert.equal(kernelAtLeast('5.12.0-1-amd64', 5, 12), true);
    assert.equal(kernelAtLeast('5.11.22', 5, 12), false);
    assert.equal(kernelAtLeast('6.1.0', 5, 12), true);
    assert.equal(kernelAtLeast('4.19.0', 5, 12), false);
    assert.equal(kernelAtLeast('garbage', 5, 12), false);
  });

  it('is true on 5.12+ kernels and false before', () => {
    assert.equal(idmapSupported('6.1.0-13-amd64'), true);
    assert.equal(idmapSupported('5.10.0'), false);
  });
});

const RUNC_ROOTLESS = path.join('/work/shared/configs', 'runc-spec-rootless.json');

describe('spec --rootless', () => {
  it('is runc spec --rootless, with our default namespaces and names', { skip: fs.existsSync(RUNC_ROOTLESS) ? false : `${RUNC_ROOTLESS} is not on this machine` }, () => {
    const s = defaultSpec(true, 0, 0);
    const runc = JSON.parse(fs.readFileSync(RUNC_ROOTLESS, 'utf8'));
    assert.deepEqual(s.linux!.uidMappings, runc.linux.uidMappings);
    assert.deepEqual(s.linux!.gidMappings, runc.linux.gidMappings);
    assert.equal(s.linux!.resources, undefined);
    // runc 1.2 has a cgroup namespace in its default spec; the recorded runc predates that.
    assert.deepEqual(s.linux!.namespaces!.filter((n) => n.type !== 'cgroup'), runc.linux.namespaces);
    assert.deepEqual(s.mounts, runc.mounts);
  });

  it('maps the given ids to root', () => {
    const s = defaultSpec(true, 1001, 1002);
    assert.deepEqual(s.linux!.uidMappings, [{ containerID: 0, hostID: 1001, size: 1 }]);
    assert.deepEqual(s.linux!.gidMappings, [{ containerID: 0, hostID: 1002, size: 1 }]);
    assert.equal(s.linux!.namespaces!.at(-1)!.type, 'user');
    assert.ok(!s.linux!.namespaces!.some((n) => n.type === 'network'));
  });
});

describe('rootless cgroup policy', () => {
  it('counts limits, not unset values or device rules', () => {
    assert.deepEqual(requestedLimits(undefined), []);
    assert.deepEqual(requestedLimits({ devices: [{ allow: false, access: 'rwm' }] }), []);
    // docker's "unset" zeros
    assert.deepEqual(requestedLimits({ cpu: { shares: 0 }, blockIO: { weight: 0 }, memory: { limit: -1 } } as never), []);
    assert.deepEqual(requestedLimits({ memory: { limit: 67108864 }, pids: { limit: 100 } }), ['memory.limit', 'pids.limit']);
  });
});
