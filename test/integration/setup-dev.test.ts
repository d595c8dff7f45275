// Container setup seen from inside: /dev. The spec's default devices, linux.devices made with
// mknod (type, numbers, owner, mode), the standard symlinks, and /dev/pts as a new devpts
// instance with its own ptmx.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';

import { mountAt, setupSuite } from '../helpers/setup-checker';
import { integrationSkip } from '../helpers/runtime';

const skip = integrationSkip();
const s = skip ? undefined! : setupSuite('dev');
after(() => {
  if (!skip) s.done();
});

function device(all: any, name: string): any {
  const d = (all.devices as any[]).find((e) => e.name === name);
  assert.ok(d, `/dev/${name} missing: ${(all.devices as any[]).map((e) => e.name).join(' ')}`);
  return d;
}

describe('default devices', { skip }, () => {
  test('null zero full random urandom tty: character devices, 0666, root-owned, right numbers', () => {
    const all = s.all();
    const want: Record<string, [number, number]> = { null: [1, 3], zero: [1, 5], full: [1, 7], random: [1, 8], urandom: [1, 9], tty: [5, 0] };
    for (const [name, [major, minor]] of Object.entries(want)) {
      const d = device(all, name);
      assert.equal(d.type, 'c', name);
      assert.equal(d.mode, '0666', name);
      assert.deepEqual([d.major, d.minor], [major, minor], name);
      assert.deepEqual([d.uid, d.gid], [0, 0], name);
    }
  });

  test('they work: /dev/zero reads zeros, /dev/null takes writes, /dev/full refuses them', () => {
    const out = s.ok(['sh', '-c', 'head -c 4 /dev/zero | od -An -tx1; echo x > /dev/null && echo null-ok; echo x > /dev/full || echo full-refused; head -c 8 /dev/urandom | wc -c']);
    assert.match(out, /^\s*00 00 00 00\nnull-ok\nfull-refused\n8\n$/);
  });

  test('a process umask does not change their modes', () => {
    const all = s.all((c) => (c.process!.user.umask = 0o077));
    assert.equal(device(all, 'null').mode, '0666');
  });

  test('nothing else is made: /dev holds only the defaults, the symlinks and the mounts', () => {
    const names = (s.all().devices as any[]).map((d) => d.name).filter((n) => !n.startsWith('pts/'));
    assert.deepEqual(names, ['fd', 'full', 'mqueue', 'null', 'ptmx', 'pts', 'random', 'shm', 'stderr', 'stdin', 'stdout', 'tty', 'urandom', 'zero']);
  });
});

describe('linux.devices', { skip }, () => {
  test('char, block and fifo nodes with uid, gid and fileMode', () => {
    const { results } = s.probe([['all'], ['stat', '/dev/sub/dir/node'], ['stat', '/dev/fifo']], (c) => {
      c.linux!.devices = [
        { path: '/dev/mychar', type: 'c', major: 1, minor: 3, fileMode: 0o640, uid: 1000, gid: 1001 },
        { path: '/dev/myblk', type: 'b', major: 7, minor: 0, fileMode: 0o660, uid: 0, gid: 6 },
        { path: '/dev/unbuf', type: 'u', major: 1, minor: 5 },
        { path: '/dev/sub/dir/node', type: 'c', major: 1, minor: 7, fileMode: 0o600 },
        { path: '/dev/fifo', type: 'p', fileMode: 0o620, uid: 7, gid: 8 },
      ];
    });
    const [all, nested, fifo] = results;
    assert.deepEqual(
      (({ type, mode, uid, gid, major, minor }) => ({ type, mode, uid, gid, major, minor }))(device(all, 'mychar')),
      { type: 'c', mode: '0640', uid: 1000, gid: 1001, major: 1, minor: 3 },
    );
    assert.deepEqual(
      (({ type, mode, uid, gid, major, minor }) => ({ type, mode, uid, gid, major, minor }))(device(all, 'myblk')),
      { type: 'b', mode: '0660', uid: 0, gid: 6, major: 7, minor: 0 },
    );
    // 'u' is an unbuffered character device: a character node; fileMode absent means 0666.
    assert.equal(device(all, 'unbuf').type, 'c');
    assert.equal(device(all, 'unbuf').mode, '0666');
    assert.equal(nested.type, 'c');
    assert.equal(nested.mode, '0600');
    assert.deepEqual([nested.major, nested.minor], [1, 7]);
    assert.equal(fifo.type, 'p');
    assert.equal(fifo.mode, '0620');
    assert.deepEqual([fifo.uid, fifo.gid], [7, 8]);
  });

  test('a configured device replaces the default at the same path', () => {
    const all = s.all((c) => {
      c.linux!.devices = [{ path: '/dev/tty', type: 'c', major: 5, minor: 0, fileMode: 0o620, uid: 0, gid: 5 }];
    });
    const tty = device(all, 'tty');
    assert.equal(tty.mode, '0620');
    assert.equal(tty.gid, 5);
  });

  test('a device the cgroup allows can be used (1:3 under another name)', () => {
    assert.equal(s.ok(['sh', '-c', 'echo x > /dev/othernull && echo wrote'], (c) => {
      c.linux!.devices = [{ path: '/dev/othernull', type: 'c', major: 1, minor: 3, fileMode: 0o666 }];
    }), 'wrote\n');
  });

  test('a different file already at the device path is an error naming the entry, and is kept', () => {
    const b = s.bundle(['true'], (c) => {
      c.linux!.devices = [{ path: '/etc/hostname', type: 'c', major: 1, minor: 3 }];
    });
    fs.writeFileSync(`${b.rootfs}/etc/hostname`, 'kept\n');
    const r = s.run(b);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /linux\.devices\[0\]/);
    assert.equal(fs.readFileSync(`${b.rootfs}/etc/hostname`, 'utf8'), 'kept\n');
  });
});

describe('a rootfs whose /dev is a symlink', { skip }, () => {
  test('/dev -> /etc: the tmpfs and the nodes go to the rootfs\'s /etc, nothing to the host\'s', () => {
    const b = s.bundle(['/bin/oci-checker', 'ls', '/dev', '--', 'stat', '/etc/null']);
    fs.rmSync(`${b.rootfs}/dev`, { recursive: true, force: true });
    fs.symlinkSync('/etc', `${b.rootfs}/dev`);
    const r = s.run(b);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.ok(out['ls /dev'].entries.includes('null'));
    assert.deepEqual([out['stat /etc/null'].type, out['stat /etc/null'].major, out['stat /etc/null'].minor], ['c', 1, 3]);
    assert.ok(!fs.existsSync('/etc/null') && !fs.existsSync('/etc/pts'), 'devices were made in the host\'s /etc');
  });
});

describe('/dev symlinks', { skip }, () => {
  test('fd, stdin, stdout, stderr point into /proc/self/fd; ptmx to pts/ptmx', () => {
    const all = s.all();
    const links: Record<string, string> = { fd: '/proc/self/fd', stdin: '/proc/self/fd/0', stdout: '/proc/self/fd/1', stderr: '/proc/self/fd/2', ptmx: 'pts/ptmx' };
    for (const [name, target] of Object.entries(links)) {
      const d = device(all, name);
      assert.equal(d.type, 'l', name);
      assert.equal(d.target, target, name);
    }
  });

  test('they work: writing to /dev/stdout and /dev/stderr reaches the runtime\'s stdio', () => {
    // Only through the links: reopening the runtime's output file starts a new offset.
    const b = s.bundle(['sh', '-c', 'echo to-out > /dev/stdout; echo to-err > /dev/stderr']);
    const r = s.run(b);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'to-out\n');
    assert.match(r.stderr, /to-err/);
    const [fds] = s.probe([['ls', '/dev/fd/']]).results;
    assert.deepEqual(fds.entries.slice(0, 3), ['0', '1', '2']);
  });
});

describe('/dev/pts', { skip }, () => {
  test('a new devpts instance: not the host\'s, none of the host\'s ptys, its own ptmx', () => {
    const all = s.all();
    const pts = mountAt(all, '/dev/pts');
    assert.equal(pts.fsType, 'devpts');
    const host = fs
      .readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .filter((l) => / - devpts /.test(l))
      .map((l) => l.split(' ')[2]);
    assert.ok(!host.includes(pts.majorMinor), `container devpts ${pts.majorMinor} is one of the host's ${host}`);
    const inside = (all.devices as any[]).filter((d) => d.name.startsWith('pts/')).map((d) => d.name);
    assert.deepEqual(inside, ['pts/ptmx']);
    const ptmx = device(all, 'pts/ptmx');
    assert.equal(ptmx.mode, '0666');
    assert.deepEqual([ptmx.major, ptmx.minor], [5, 2]);
  });

  test('a pty allocated inside shows up in the container\'s /dev/pts only', () => {
    // Opening /dev/ptmx (the link to pts/ptmx) allocates a pty in the container's instance,
    // which numbers from 0 whatever the host has open.
    const out = s.ok(['sh', '-c', 'exec 3<>/dev/ptmx; ls /dev/pts']);
    assert.equal(out, '0\nptmx\n');
  });
});
