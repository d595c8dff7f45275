// /dev in the plan: default devices, linux.devices as mknod steps, the standard symlinks
// (src/plan/devices.ts). Pure.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DEFAULT_DEVICES, deviceSteps, devSymlinks } from '../../src/plan/devices';

const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;
const S_IFIFO = 0o010000;

describe('deviceSteps', () => {
  it('the six defaults: character devices, 0666, root-owned, the spec\'s numbers', () => {
    const steps = deviceSteps([], true);
    assert.deepEqual(
      steps.map((s) => [s.path, s.major, s.minor, s.mode, s.uid, s.gid]),
      [
        ['/dev/null', 1, 3, S_IFCHR | 0o666, 0, 0],
        ['/dev/zero', 1, 5, S_IFCHR | 0o666, 0, 0],
        ['/dev/full', 1, 7, S_IFCHR | 0o666, 0, 0],
        ['/dev/random', 1, 8, S_IFCHR | 0o666, 0, 0],
        ['/dev/urandom', 1, 9, S_IFCHR | 0o666, 0, 0],
        ['/dev/tty', 5, 0, S_IFCHR | 0o666, 0, 0],
      ],
    );
    assert.equal(DEFAULT_DEVICES.length, 6);
    for (const s of steps) {
      assert.equal(s.field, 'linux.devices (default devices)');
      assert.equal(s.hostPath, s.path);
    }
  });

  it('without defaults only the configured ones', () => {
    assert.deepEqual(deviceSteps([], false), []);
  });

  it('type letters become file type bits; u is a character device; fileMode defaults to 0666', () => {
    const steps = deviceSteps(
      [
        { path: '/dev/c', type: 'c', major: 10, minor: 200, fileMode: 0o600, uid: 1000, gid: 1001 },
        { path: '/dev/b', type: 'b', major: 7, minor: 0, fileMode: 0o660 },
        { path: '/dev/u', type: 'u', major: 4, minor: 1 },
        { path: '/dev/p', type: 'p' },
      ],
      false,
    );
    assert.deepEqual(steps.map((s) => s.mode), [S_IFCHR | 0o600, S_IFBLK | 0o660, S_IFCHR | 0o666, S_IFIFO | 0o666]);
    assert.deepEqual([steps[0].uid, steps[0].gid], [1000, 1001]);
    assert.deepEqual([steps[1].uid, steps[1].gid], [0, 0]);
    assert.deepEqual(steps.map((s) => s.field), ['linux.devices[0]', 'linux.devices[1]', 'linux.devices[2]', 'linux.devices[3]']);
    // A fifo has no host node to bind when mknod is not allowed.
    assert.equal(steps[3].hostPath, undefined);
    assert.deepEqual([steps[3].major, steps[3].minor], [0, 0]);
  });

  it('a configured device replaces a default at its path, keeping its place', () => {
    const steps = deviceSteps([{ path: '/dev/tty', type: 'c', major: 5, minor: 0, fileMode: 0o620, gid: 5 }, { path: '/dev/fuse', type: 'c', major: 10, minor: 229 }], true);
    assert.equal(steps.length, 7);
    const tty = steps[5];
    assert.equal(tty.path, '/dev/tty');
    assert.equal(tty.mode, S_IFCHR | 0o620);
    assert.equal(tty.gid, 5);
    assert.equal(tty.field, 'linux.devices[0]');
    assert.equal(steps[6].path, '/dev/fuse');
  });

  it('the same path twice in linux.devices: the later entry wins', () => {
    const steps = deviceSteps([{ path: '/dev/x', type: 'c', major: 1, minor: 3 }, { path: '/dev/x', type: 'c', major: 1, minor: 5 }], false);
    assert.equal(steps.length, 1);
    assert.equal(steps[0].minor, 5);
  });
});

describe('devSymlinks', () => {
  it('fd, stdin, stdout, stderr and ptmx', () => {
    assert.deepEqual(devSymlinks(), [
      { path: '/dev/fd', target: '/proc/self/fd' },
      { path: '/dev/stdin', target: '/proc/self/fd/0' },
      { path: '/dev/stdout', target: '/proc/self/fd/1' },
      { path: '/dev/stderr', target: '/proc/self/fd/2' },
      { path: '/dev/ptmx', target: 'pts/ptmx' },
    ]);
  });

  it('no ptmx link when linux.devices makes /dev/ptmx a node', () => {
    assert.ok(!devSymlinks([{ path: '/dev/ptmx', type: 'c', major: 5, minor: 2 }]).some((l) => l.path === '/dev/ptmx'));
  });
});
