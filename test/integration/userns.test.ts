// User namespaces as root: the container's root is host uid 100000, and everything a
// container needs (proc, sysfs, /dev, cgroup namespace, the exec fifo, bind mounts) still
// works inside it; joined user namespaces by path; clear errors for unusable mappings.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { Spec } from '../../src/spec/types';
import { CLI, cleanup, integrationSkip, makeBundle, makeRoot, runtime, uniqueId, type Bundle, waitFor } from '../helpers/runtime';

const skip = integrationSkip();
const HOST = 100000;
const SIZE = 65536;

/** A busybox bundle whose root is host uid/gid 100000, its rootfs owned accordingly. */
function usernsBundle(args: string[], edit?: (spec: Spec) => void): Bundle {
  const b = makeBundle(args, (spec) => {
    spec.linux!.namespaces!.push({ type: 'user' });
    spec.linux!.uidMappings = [{ containerID: 0, hostID: HOST, size: SIZE }];
    spec.linux!.gidMappings = [{ containerID: 0, hostID: HOST, size: SIZE }];
    edit?.(spec);
  });
  // The container's root must be able to reach its rootfs: the bundle dir is traversable, the
  // rootfs belongs to the mapped root (as with runc).
  fs.chmodSync(b.dir, 0o711);
  const r = spawnSync('chown', ['-R', `${HOST}:${HOST}`, b.rootfs]);
  assert.equal(r.status, 0, String(r.stderr));
  return b;
}


describe('user namespaces (as root)', { skip }, () => {
  let root: string;
  const bundles: Bundle[] = [];
  const dirs: string[] = [];
  before(() => {
    root = makeRoot();
  });
  after(() => {
    cleanup(root, bundles);
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  // create and run -d leave the container holding the stdio it was given: give it none we would wait on.
  const quiet = (args: string[]) => spawnSync(process.execPath, [CLI, '--root', root, ...args], { stdio: 'ignore', timeout: 30000 });
  const run = (b: Bundle) => {
    bundles.push(b);
    return runtime(root, ['run', '-b', b.dir, uniqueId('userns')]);
  };

  it('runs as root of the namespace: id 0, the mapping in /proc/self/uid_map, setgroups allowed', () => {
    const r = run(usernsBundle(['sh', '-c', 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups']));
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' '));
    assert.deepEqual(lines, ['0', '0', `0 ${HOST} ${SIZE}`, `0 ${HOST} ${SIZE}`, 'allow']);
  });

  it('sees its rootfs owned by its root, and files it creates in a bind mount belong to the mapped host uid', () => {
    // The parent is private to host root: only the runtime, not the container's root, can walk it.
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-userns-share-'));
    dirs.push(parent);
    const shared = path.join(parent, 'shared');
    fs.mkdirSync(shared);
    fs.chownSync(shared, HOST, HOST);
    const b = usernsBundle(['sh', '-c', 'stat -c "%u %g" /bin/busybox && touch /shared/made && mkdir /shared/dir && chown 7:8 /shared/made && echo ok'], (spec) => {
      spec.mounts!.push({ destination: '/shared', type: 'bind', source: shared, options: ['rbind', 'rw'] });
      spec.process!.capabilities!.bounding!.push('CAP_CHOWN');
      spec.process!.capabilities!.effective!.push('CAP_CHOWN');
      spec.process!.capabilities!.permitted!.push('CAP_CHOWN');
    });
    const r = run(b);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), ['0 0', 'ok']);
    const dir = fs.statSync(path.join(shared, 'dir'));
    assert.deepEqual([dir.uid, dir.gid], [HOST, HOST]);
    const made = fs.statSync(path.join(shared, 'made'));
    assert.deepEqual([made.uid, made.gid], [HOST + 7, HOST + 8]);
  });

  it('mounts proc, sysfs (own network namespace), devpts with gid=5, and binds /dev nodes it cannot mknod', () => {
    const r = run(
      usernsBundle([
        'sh',
        '-c',
        [
          'grep -E " /(proc|sys|dev/pts) " /proc/self/mounts | cut -d" " -f1,3 | sort',
          // Bound from the host (stat only: opening is up to the device cgroup's rules).
          'stat -c "%F %t:%T" /dev/null',
          'ls /sys/class/net',
          'ls /proc/1/status',
        ].join('; '),
      ]),
    );
    assert.equal(r.status, 0, r.stderr);
    const out = r.stdout.trim().split('\n');
    assert.deepEqual(out.slice(0, 3), ['devpts devpts', 'proc proc', 'sysfs sysfs']);
    assert.equal(out[3], 'character special file 1:3');
    assert.equal(out[4], 'lo', 'its own network namespace has only lo');
    assert.equal(out[5], '/proc/1/status');
  });

  it('binds the host /sys when it shares the host network namespace (sysfs would be refused)', () => {
    const b = usernsBundle(['sh', '-c', 'grep " /sys " /proc/self/mounts | cut -d" " -f3; ls /sys/class/net | grep -c .'], (spec) => {
      spec.linux!.namespaces = spec.linux!.namespaces!.filter((n) => n.type !== 'network');
    });
    const r = run(b);
    assert.equal(r.status, 0, r.stderr);
    const [fstype, count] = r.stdout.trim().split('\n');
    assert.equal(fstype, 'sysfs');
    assert.equal(Number(count), fs.readdirSync('/sys/class/net').length, 'the host interfaces are visible');
  });

  it('has its own cgroup namespace rooted at its cgroup', () => {
    const r = run(usernsBundle(['sh', '-c', 'cut -d: -f3 /proc/self/cgroup | sort -u']));
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), '/');
  });

  it('create then start: the exec fifo opens for a non-root process user', () => {
    const b = usernsBundle(['sh', '-c', 'id -u; id -g'], (spec) => {
      spec.process!.user = { uid: 1000, gid: 1000 };
    });
    bundles.push(b);
    const id = uniqueId('fifo');
    const c = quiet(['create', '-b', b.dir, id]);
    assert.equal(c.status, 0);
    const fifo = fs.statSync(path.join(root, id, 'exec.fifo'));
    assert.equal(fifo.mode & 0o777, 0o622);
    const s = runtime(root, ['start', id]);
    assert.equal(s.status, 0, s.stderr);
    assert.ok(waitFor(() => JSON.parse(runtime(root, ['state', id]).stdout).status === 'stopped'));
    assert.equal(runtime(root, ['delete', id]).status, 0);
  });

  it('joins another container\'s user namespace by path', () => {
    const a = usernsBundle(['sleep', '60']);
    bundles.push(a);
    const idA = uniqueId('owner');
    const d = quiet(['run', '-d', '-b', a.dir, idA]);
    assert.equal(d.status, 0);
    const pid = JSON.parse(runtime(root, ['state', idA]).stdout).pid as number;
    const b = usernsBundle(['sh', '-c', 'id -u; cat /proc/self/uid_map; readlink /proc/self/ns/user'], (spec) => {
      spec.linux!.namespaces = spec.linux!.namespaces!.map((n) => (n.type === 'user' ? { type: 'user', path: `/proc/${pid}/ns/user` } : n));
      delete spec.linux!.uidMappings;
      delete spec.linux!.gidMappings;
    });
    const r = run(b);
    assert.equal(r.status, 0, r.stderr);
    const [uid, map, ns] = r.stdout.trim().split('\n');
    assert.equal(uid, '0');
    assert.equal(map!.trim().split(/\s+/).join(' '), `0 ${HOST} ${SIZE}`);
    assert.equal(ns, fs.readlinkSync(`/proc/${pid}/ns/user`));
    assert.equal(runtime(root, ['delete', '-f', idA]).status, 0);
  });

  it('refuses a new user namespace without mappings when run as root, naming the field', () => {
    const b = usernsBundle(['true'], (spec) => {
      delete spec.linux!.uidMappings;
      delete spec.linux!.gidMappings;
    });
    const r = run(b);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /linux\.uidMappings: a new user namespace needs uidMappings and gidMappings/);
  });

  it('refuses a process user the mapping lacks, naming the field', () => {
    const b = usernsBundle(['true'], (spec) => {
      spec.linux!.uidMappings = [{ containerID: 0, hostID: HOST, size: 1000 }];
      spec.process!.user = { uid: 1000, gid: 0 };
    });
    const r = run(b);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /process\.user\.uid: 1000 is not mapped by linux\.uidMappings/);
  });

  it('refuses mappings that leave the container root unmapped', () => {
    const b = usernsBundle(['true'], (spec) => {
      spec.linux!.uidMappings = [{ containerID: 100000, hostID: 0, size: 65536 }];
    });
    const r = run(b);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /linux\.uidMappings: container uid 0 is not mapped/);
  });
});
