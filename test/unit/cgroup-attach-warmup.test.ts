import * as assert from 'node:assert/strict';
import { it } from 'node:test';

import { ownProcsFile } from '../../src/cgroups/attach-warmup';

const existing = (...files: string[]) => (p: string) => files.includes(p);

it('picks the unified hierarchy of a hybrid host', () => {
  const self = '9:name=systemd:/\n8:pids:/\n0::/\n';
  assert.equal(ownProcsFile(self, existing('/sys/fs/cgroup/unified/cgroup.procs', '/sys/fs/cgroup/pids/cgroup.procs')), '/sys/fs/cgroup/unified/cgroup.procs');
});

it('picks our own cgroup on a cgroup v2 host', () => {
  const self = '0::/user.slice/session-1.scope\n';
  const file = '/sys/fs/cgroup/user.slice/session-1.scope/cgroup.procs';
  assert.equal(ownProcsFile(self, existing(file)), file);
});

it('falls back to the pids hierarchy on a v1 host', () => {
  const self = '4:memory:/a\n3:pids:/a/b\n2:cpu,cpuacct:/a\n';
  assert.equal(ownProcsFile(self, existing('/sys/fs/cgroup/pids/a/b/cgroup.procs')), '/sys/fs/cgroup/pids/a/b/cgroup.procs');
});

it('gives up when no such file exists (then nothing is warmed up)', () => {
  assert.equal(ownProcsFile('0::/\n3:pids:/\n', existing()), undefined);
  assert.equal(ownProcsFile('', existing('/sys/fs/cgroup/cgroup.procs')), undefined);
});
