// linux.namespaces -> clone flags and setns steps (src/plan/namespaces.ts). Pure.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { CLONE_FLAGS, planNamespaces, PROC_NS_NAME, timeOffsetsText } from '../../src/plan/namespaces';

describe('planNamespaces', () => {
  it('the kernel\'s CLONE_NEW* values', () => {
    assert.deepEqual(CLONE_FLAGS, {
      mount: 0x20000, cgroup: 0x2000000, uts: 0x4000000, ipc: 0x8000000, user: 0x10000000, pid: 0x20000000, network: 0x40000000, time: 0x80,
    });
    assert.equal(PROC_NS_NAME.network, 'net');
    assert.equal(PROC_NS_NAME.mount, 'mnt');
  });

  it('new namespaces become clone flags; cgroup and time are unshared later, not cloned', () => {
    const p = planNamespaces([{ type: 'pid' }, { type: 'network' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, { type: 'cgroup' }, { type: 'time' }]);
    assert.equal(p.cloneFlags, CLONE_FLAGS.pid | CLONE_FLAGS.network | CLONE_FLAGS.ipc | CLONE_FLAGS.uts | CLONE_FLAGS.mount);
    assert.equal(p.unshareCgroup, true);
    assert.equal(p.newTimeNamespace, true);
    assert.equal(p.newUserNamespace, false);
    assert.deepEqual(p.join, []);
    assert.ok(p.has('pid') && p.isNew('pid'));
    assert.ok(!p.has('user'));
  });

  it('namespaces with a path are joined, in config order, and not cloned', () => {
    const p = planNamespaces([{ type: 'network', path: '/run/netns/a' }, { type: 'mount' }, { type: 'ipc', path: '/proc/9/ns/ipc' }]);
    assert.equal(p.cloneFlags, CLONE_FLAGS.mount);
    assert.deepEqual(p.join, [
      { path: '/run/netns/a', nstype: CLONE_FLAGS.network, field: 'linux.namespaces[0].path' },
      { path: '/proc/9/ns/ipc', nstype: CLONE_FLAGS.ipc, field: 'linux.namespaces[2].path' },
    ]);
    assert.ok(p.has('network') && !p.isNew('network'));
  });

  it('a joined user namespace comes last: after it the host\'s namespaces are out of reach', () => {
    const p = planNamespaces([{ type: 'user', path: '/proc/9/ns/user' }, { type: 'network', path: '/proc/9/ns/net' }, { type: 'pid', path: '/proc/9/ns/pid' }]);
    assert.deepEqual(p.join.map((j) => j.nstype), [CLONE_FLAGS.network, CLONE_FLAGS.pid, CLONE_FLAGS.user]);
    assert.equal(p.join[2].field, 'linux.namespaces[0].path');
    assert.equal(p.newUserNamespace, false);
  });

  it('a new user namespace is cloned and flagged', () => {
    const p = planNamespaces([{ type: 'user' }, { type: 'mount' }]);
    assert.equal(p.cloneFlags, CLONE_FLAGS.user | CLONE_FLAGS.mount);
    assert.equal(p.newUserNamespace, true);
  });

  it('joined cgroup and time namespaces are joined, not unshared', () => {
    const p = planNamespaces([{ type: 'cgroup', path: '/proc/9/ns/cgroup' }, { type: 'time', path: '/proc/9/ns/time' }]);
    assert.equal(p.unshareCgroup, false);
    assert.equal(p.newTimeNamespace, false);
    assert.equal(p.join.length, 2);
  });

  it('an unknown type is an error naming the entry', () => {
    assert.throws(() => planNamespaces([{ type: 'mount' }, { type: 'bogus' as never }]), /linux\.namespaces\[1\]\.type: unknown namespace type bogus/);
  });

  it('none: nothing new, nothing joined', () => {
    const p = planNamespaces();
    assert.equal(p.cloneFlags, 0);
    assert.deepEqual(p.join, []);
  });
});

describe('timeOffsetsText', () => {
  it('one line per clock, missing parts as 0', () => {
    assert.equal(timeOffsetsText({ monotonic: { secs: 5 }, boottime: { secs: -3, nanosecs: 7 } }), 'monotonic 5 0\nboottime -3 7\n');
    assert.equal(timeOffsetsText(undefined), '');
  });
});
