// Container setup seen from inside: the mount table against config.json's mounts (types,
// flags, tmpfs data, bind and rbind, propagation, rootfsPropagation), root.readonly,
// maskedPaths and readonlyPaths, --no-pivot, and mount destinations that are symlinks
// pointing out of the rootfs (CVE-2021-30465).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { Mount } from '../../src/spec/types';
import { mountAt, setupSuite } from '../helpers/setup-checker';
import { integrationSkip, runtime, uniqueId } from '../helpers/runtime';

const skip = integrationSkip();
const s = skip ? undefined! : setupSuite('mnt');
const hostMounts: string[] = [];
const hostDirs: string[] = [];
after(() => {
  if (skip) return;
  s.done();
  // Innermost first.
  for (const m of hostMounts.reverse()) spawnSync('umount', ['-l', m]);
  for (const d of hostDirs) fs.rmSync(d, { recursive: true, force: true });
});

function hostDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-test-mnt-'));
  hostDirs.push(d);
  return d;
}

function sh(cmd: string): void {
  const r = spawnSync('sh', ['-c', cmd], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${cmd}: ${r.stderr}`);
}

function hostMount(args: string, target: string): void {
  sh(`mount ${args} ${target}`);
  hostMounts.push(target);
}

/** A host dir that is its own shared mount (this host's / is private). */
function sharedHostDir(): string {
  const d = hostDir();
  hostMount(`--bind ${d}`, d);
  sh(`mount --make-shared ${d}`);
  return d;
}

function withMount(m: Mount) {
  return (c: any) => {
    c.mounts.push(m);
  };
}

function hostMountinfo(): string {
  return fs.readFileSync('/proc/self/mountinfo', 'utf8');
}

describe('the default mounts', { skip }, () => {
  test('types, flags and data as config.json asks', () => {
    const all = s.all();
    const proc = mountAt(all, '/proc');
    assert.equal(proc.fsType, 'proc');
    const dev = mountAt(all, '/dev');
    assert.equal(dev.fsType, 'tmpfs');
    assert.ok(dev.options.includes('nosuid'));
    // strictatime: neither relatime nor noatime.
    assert.ok(!dev.options.includes('relatime') && !dev.options.includes('noatime'), dev.options.join(','));
    assert.ok(dev.superOptions.includes('mode=755') && dev.superOptions.includes('size=65536k'), dev.superOptions.join(','));
    const pts = mountAt(all, '/dev/pts');
    assert.equal(pts.fsType, 'devpts');
    for (const o of ['nosuid', 'noexec']) assert.ok(pts.options.includes(o), o);
    for (const o of ['gid=5', 'mode=620', 'ptmxmode=666']) assert.ok(pts.superOptions.includes(o), o);
    const shm = mountAt(all, '/dev/shm');
    assert.equal(shm.source, 'shm');
    for (const o of ['nosuid', 'nodev', 'noexec']) assert.ok(shm.options.includes(o), o);
    assert.equal(all.devDirs['/dev/shm'].mode, '1777');
    assert.equal(mountAt(all, '/dev/mqueue').fsType, 'mqueue');
    const sys = mountAt(all, '/sys');
    assert.equal(sys.fsType, 'sysfs');
    for (const o of ['ro', 'nosuid', 'nodev', 'noexec']) assert.ok(sys.options.includes(o), o);
    assert.ok(mountAt(all, '/sys/fs/cgroup').options.includes('ro'));
  });

  test('mounts are made in config order: a later one covers an earlier one', () => {
    const all = s.all((c) => {
      c.mounts!.push({ destination: '/srv/a', type: 'tmpfs', source: 'first', options: ['size=1m'] });
      c.mounts!.push({ destination: '/srv/a', type: 'tmpfs', source: 'second', options: ['size=2m'] });
    });
    const both = all.mounts.filter((m: any) => m.mountPoint === '/srv/a');
    assert.deepEqual(both.map((m: any) => m.source), ['first', 'second']);
    assert.equal(both[1].parent, both[0].id);
  });
});

describe('mount options', { skip }, () => {
  test('a tmpfs with every flag and size/mode/uid/gid data', () => {
    const all = s.all(
      withMount({ destination: '/data', type: 'tmpfs', source: 'tmpfs', options: ['ro', 'nosuid', 'nodev', 'noexec', 'noatime', 'size=1m', 'mode=0710', 'uid=1000', 'gid=1001'] }),
    );
    const m = mountAt(all, '/data');
    assert.equal(m.fsType, 'tmpfs');
    for (const o of ['ro', 'nosuid', 'nodev', 'noexec', 'noatime']) assert.ok(m.options.includes(o), `${o} in ${m.options}`);
    for (const o of ['size=1024k', 'mode=710', 'uid=1000', 'gid=1001']) assert.ok(m.superOptions.includes(o), `${o} in ${m.superOptions}`);
  });

  test('the tmpfs root directory takes mode, uid and gid; its flags hold inside', () => {
    // The process is root without CAP_DAC_OVERRIDE: /data (0710, uid 1000) is not its to
    // write whatever the flags, so the ro test is on a world-writable tmpfs.
    const [st, w, x] = s.probe(
      [['stat', '/data'], ['write', '/data1/f'], ['write', '/data2/f']],
      (c) => {
        c.mounts!.push({ destination: '/data', type: 'tmpfs', source: 'tmpfs', options: ['ro', 'mode=0710', 'uid=1000', 'gid=1001'] });
        c.mounts!.push({ destination: '/data1', type: 'tmpfs', source: 'tmpfs', options: ['ro', 'mode=1777'] });
        c.mounts!.push({ destination: '/data2', type: 'tmpfs', source: 'tmpfs', options: ['rw', 'nodev'] });
      },
    ).results;
    assert.equal(st.mode, '0710');
    assert.equal(st.uid, 1000);
    assert.equal(st.gid, 1001);
    assert.deepEqual(st.mountFlags.includes('ro'), true);
    assert.equal(w.error, 'Read-only file system');
    assert.equal(x.ok, true);
  });

  test('atime flags: relatime, strictatime, noatime, nodiratime', () => {
    const all = s.all((c) => {
      c.mounts!.push({ destination: '/t/rel', type: 'tmpfs', source: 'tmpfs', options: ['relatime'] });
      c.mounts!.push({ destination: '/t/strict', type: 'tmpfs', source: 'tmpfs', options: ['strictatime'] });
      c.mounts!.push({ destination: '/t/noatime', type: 'tmpfs', source: 'tmpfs', options: ['noatime', 'nodiratime'] });
    });
    assert.ok(mountAt(all, '/t/rel').options.includes('relatime'));
    const strict = mountAt(all, '/t/strict').options;
    assert.ok(!strict.includes('relatime') && !strict.includes('noatime'), strict.join(','));
    const no = mountAt(all, '/t/noatime').options;
    assert.ok(no.includes('noatime') && no.includes('nodiratime'), no.join(','));
  });

  test('a destination that does not exist is created, with its parents', () => {
    const b = s.bundle(['/bin/oci-checker', 'stat', '/deep/er/dir']);
    b.spec.mounts!.push({ destination: '/deep/er/dir', type: 'tmpfs', source: 'tmpfs' });
    b.write();
    const r = s.run(b);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout)['stat /deep/er/dir'].fsName, 'tmpfs');
    // The mount point was made in the bundle's rootfs (a directory, as runc does).
    assert.ok(fs.statSync(path.join(b.rootfs, 'deep/er/dir')).isDirectory());
  });

  test('an unknown filesystem type is an error naming the mount', () => {
    s.fails(['true'], withMount({ destination: '/x', type: 'nosuchfs', source: 'none' }), /mounts\[\d+\].*No such device/);
  });
});

describe('bind mounts', { skip }, () => {
  test('bind,ro of a host directory: content visible, writes refused, host untouched', () => {
    const d = hostDir();
    fs.writeFileSync(path.join(d, 'hello'), 'from-host\n');
    const [r, w] = s.probe([['read', '/mnt/in/hello'], ['write', '/mnt/in/new']], withMount({ destination: '/mnt/in', type: 'bind', source: d, options: ['bind', 'ro', 'nosuid', 'nodev', 'noexec'] })).results;
    assert.equal(r.content, 'from-host\n');
    assert.equal(w.error, 'Read-only file system');
    assert.ok(!fs.existsSync(path.join(d, 'new')));
    const all = s.all(withMount({ destination: '/mnt/in', type: 'bind', source: d, options: ['rbind', 'ro', 'nosuid', 'nodev', 'noexec'] }));
    const m = mountAt(all, '/mnt/in');
    for (const o of ['ro', 'nosuid', 'nodev', 'noexec']) assert.ok(m.options.includes(o), o);
  });

  test('a writable bind writes through to the host', () => {
    const d = hostDir();
    s.probe([['write', '/mnt/rw/out', 'written-inside']], withMount({ destination: '/mnt/rw', type: 'none', source: d, options: ['bind'] }));
    assert.equal(fs.readFileSync(path.join(d, 'out'), 'utf8'), 'written-inside');
  });

  test('a file bound onto a file that does not exist yet', () => {
    const d = hostDir();
    fs.writeFileSync(path.join(d, 'conf'), 'k=v\n');
    const [r] = s.probe([['read', '/etc/app/conf']], withMount({ destination: '/etc/app/conf', type: 'bind', source: path.join(d, 'conf'), options: ['bind', 'ro'] })).results;
    assert.equal(r.content, 'k=v\n');
  });

  test('rbind brings the mounts beneath the source; bind does not', () => {
    const d = hostDir();
    fs.mkdirSync(path.join(d, 'sub'));
    hostMount('-t tmpfs -o size=1m sub-tmpfs', path.join(d, 'sub'));
    fs.writeFileSync(path.join(d, 'sub', 'marker'), 'on-the-submount');
    const [rec, plain] = s.probe([['read', '/r/sub/marker'], ['read', '/b/sub/marker']], (c) => {
      c.mounts!.push({ destination: '/r', type: 'bind', source: d, options: ['rbind'] });
      c.mounts!.push({ destination: '/b', type: 'bind', source: d, options: ['bind'] });
    }).results;
    assert.equal(rec.content, 'on-the-submount');
    assert.equal(plain.ok, false);
    assert.equal(plain.error, 'No such file or directory');
  });

  test('a missing bind source is an error naming the mount\'s source', () => {
    s.fails(['true'], withMount({ destination: '/x', type: 'bind', source: '/no/such/dir', options: ['bind'] }), /mounts\[\d+\]\.source.*No such file or directory/);
  });

  test('a relative bind source is taken from the bundle directory', () => {
    const b = s.bundle(['cat', '/rel/file']);
    fs.mkdirSync(path.join(b.dir, 'data'));
    fs.writeFileSync(path.join(b.dir, 'data', 'file'), 'from-bundle\n');
    b.spec.mounts!.push({ destination: '/rel', type: 'bind', source: 'data', options: ['bind'] });
    b.write();
    const r = s.run(b);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'from-bundle\n');
  });
});

describe('propagation', { skip }, () => {
  /**
   * Creates the container, mounts a tmpfs on the host under `shared/sub` while it waits,
   * starts it and returns what it saw at /p/sub plus its view of /p.
   */
  function hostMountSeenInside(options: string[], rootfsPropagation?: string): { seen: boolean; fields: string[] } {
    const shared = sharedHostDir();
    fs.mkdirSync(path.join(shared, 'sub'));
    const out = hostDir();
    const b = s.bundle(['sh', '-c', 'grep " /p/sub " /proc/self/mountinfo > /out/sub; grep " /p " /proc/self/mountinfo > /out/p; true'], (c) => {
      c.mounts!.push({ destination: '/p', type: 'bind', source: shared, options: ['rbind', ...options] });
      c.mounts!.push({ destination: '/out', type: 'bind', source: out, options: ['bind'] });
      if (rootfsPropagation) c.linux!.rootfsPropagation = rootfsPropagation;
    });
    const id = uniqueId('prop');
    const c = runtime(s.root, ['create', '-b', b.dir, id]);
    assert.equal(c.status, 0, c.stderr);
    try {
      hostMount('-t tmpfs -o size=1m late', path.join(shared, 'sub'));
      assert.equal(runtime(s.root, ['start', id]).status, 0);
      const deadline = Date.now() + 10000;
      while (JSON.parse(runtime(s.root, ['state', id]).stdout).status !== 'stopped' && Date.now() < deadline) spawnSync('sleep', ['0.05']);
    } finally {
      runtime(s.root, ['delete', '-f', id]);
    }
    const p = fs.readFileSync(path.join(out, 'p'), 'utf8').trim().split(' ');
    const fields = p.slice(6, p.indexOf('-'));
    return { seen: fs.readFileSync(path.join(out, 'sub'), 'utf8').trim() !== '', fields };
  }

  test('rslave: a host mount made after create reaches the container', () => {
    const r = hostMountSeenInside(['rslave']);
    assert.ok(r.fields.some((f) => f.startsWith('master:')), r.fields.join(' '));
    assert.equal(r.seen, true);
  });

  test('rprivate: a host mount made after create does not reach the container', () => {
    const r = hostMountSeenInside(['rprivate']);
    assert.deepEqual(r.fields, []);
    assert.equal(r.seen, false);
  });

  test('rshared with rootfsPropagation rshared: a mount made inside reaches the host', () => {
    const shared = sharedHostDir();
    fs.mkdirSync(path.join(shared, 'up'));
    const target = path.join(shared, 'up');
    hostMounts.push(target);
    const out = s.ok(['sh', '-c', 'mount -t tmpfs from-inside /p/up && grep " /p " /proc/self/mountinfo'], (c) => {
      c.mounts!.push({ destination: '/p', type: 'bind', source: shared, options: ['rbind', 'rshared'] });
      c.linux!.rootfsPropagation = 'rshared';
      for (const set of ['bounding', 'effective', 'permitted'] as const) c.process!.capabilities![set] = [...c.process!.capabilities![set]!, 'CAP_SYS_ADMIN'];
    });
    assert.match(out, / shared:\d+/);
    assert.match(hostMountinfo(), new RegExp(` ${target} .* from-inside `));
  });

  test('each propagation option shows in the mount\'s optional fields', () => {
    const shared = sharedHostDir();
    const fieldsWith = (opt: string) => {
      const all = s.all(withMount({ destination: '/p', type: 'bind', source: shared, options: ['bind', opt] }));
      return (mountAt(all, '/p').optionalFields as string[]).map((f) => f.replace(/:\d+$/, ''));
    };
    assert.deepEqual(fieldsWith('private'), []);
    assert.deepEqual(fieldsWith('unbindable'), ['unbindable']);
    // Shared among the container's mounts, and still a slave of the host's (the root is rslave).
    assert.deepEqual(fieldsWith('shared'), ['shared', 'master']);
    // The container's copy of a shared host mount, made a slave: it receives from the host.
    assert.deepEqual(fieldsWith('slave'), ['master']);
  });

  test('rootfsPropagation sets the propagation of the container\'s /', () => {
    const fieldsOfRoot = (prop?: string) => {
      const all = s.all((c) => {
        if (prop) c.linux!.rootfsPropagation = prop;
      });
      return mountAt(all, '/').optionalFields as string[];
    };
    assert.deepEqual(fieldsOfRoot('rprivate'), []);
    assert.deepEqual(fieldsOfRoot('private'), []);
    assert.ok(fieldsOfRoot('rshared').some((f) => f.startsWith('shared:')));
    assert.ok(fieldsOfRoot('shared').some((f) => f.startsWith('shared:')));
  });

  test('an unknown propagation value is an error naming rootfsPropagation', () => {
    s.fails(['true'], (c) => {
      c.linux!.rootfsPropagation = 'sideways';
    }, /rootfsPropagation/);
  });
});

describe('mounts inside /proc', { skip }, () => {
  test('a tmpfs over /proc/sys is refused naming the mount, as runc does', () => {
    s.fails(['true'], withMount({ destination: '/proc/sys', type: 'tmpfs', source: 'tmpfs' }), /mounts\[\d+\]\.destination: \/proc\/sys is inside \/proc/);
  });

  test('an entry lxcfs emulates may be covered: /proc/uptime', () => {
    const d = hostDir();
    fs.writeFileSync(path.join(d, 'uptime'), '12345.67 1.00\n');
    const [r] = s.probe([['read', '/proc/uptime']], withMount({ destination: '/proc/uptime', type: 'bind', source: path.join(d, 'uptime'), options: ['bind', 'ro'] })).results;
    assert.equal(r.content, '12345.67 1.00\n');
  });

  test('a destination that reaches /proc through a symlink in the rootfs is refused', () => {
    const b = s.bundle(['true']);
    fs.symlinkSync('/proc/sys', path.join(b.rootfs, 'sneaky'));
    b.spec.mounts!.push({ destination: '/sneaky/kernel', type: 'tmpfs', source: 'tmpfs' });
    b.write();
    const r = s.run(b);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /mounts\[\d+\]\.destination.*inside \/proc/);
  });

  test('a bind over /proc must be a procfs', () => {
    const d = hostDir();
    s.fails(['true'], (c) => {
      c.mounts = c.mounts!.map((m) => (m.destination === '/proc' ? { destination: '/proc', type: 'bind', source: d, options: ['rbind'] } : m));
    }, /mounts\[0\]\.source.*procfs/);
  });
});

describe('root.readonly', { skip }, () => {
  test('the root is read-only while /dev, /dev/shm and tmpfs mounts stay writable', () => {
    const probes: [string, string][] = [['write', '/etc/new'], ['mkdir', '/newdir'], ['write', '/dev/shm/x'], ['write', '/tmp/x'], ['write', '/dev/x']];
    const { results } = s.probe(probes, (c) => {
      c.root!.readonly = true;
      c.mounts!.push({ destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev'] });
    });
    assert.equal(results[0].error, 'Read-only file system');
    assert.equal(results[1].error, 'Read-only file system');
    assert.equal(results[2].ok, true, JSON.stringify(results[2]));
    assert.equal(results[3].ok, true, JSON.stringify(results[3]));
    assert.equal(results[4].ok, true, JSON.stringify(results[4]));
    const all = s.all((c) => {
      c.root!.readonly = true;
    });
    assert.ok(mountAt(all, '/').options.includes('ro'));
  });

  test('with --no-pivot as well', () => {
    const { results } = s.probe([['write', '/etc/new'], ['write', '/dev/shm/x']], (c) => {
      c.root!.readonly = true;
    }, ['--no-pivot']);
    assert.equal(results[0].error, 'Read-only file system');
    assert.equal(results[1].ok, true);
  });

  test('without it the root is writable', () => {
    const [w] = s.probe([['write', '/etc/new']], (c) => {
      c.root!.readonly = false;
    }).results;
    assert.equal(w.ok, true);
  });
});

describe('maskedPaths and readonlyPaths', { skip }, () => {
  test('the default masked files read as empty and masked directories are empty', () => {
    // This kernel has no /proc/kcore; /proc/keys and /proc/timer_list have content on the host.
    assert.notEqual(fs.readFileSync('/proc/timer_list', 'utf8'), '');
    assert.notDeepEqual(fs.readdirSync('/sys/firmware'), []);
    const { results } = s.probe([['read', '/proc/keys'], ['read', '/proc/timer_list'], ['ls', '/sys/firmware'], ['ls', '/proc/acpi']]);
    for (const r of results.slice(0, 2)) {
      assert.equal(r.ok, true, JSON.stringify(r));
      assert.equal(r.content, '', r.path);
    }
    assert.deepEqual(results[2].entries, []);
    assert.deepEqual(results[3].entries, []);
  });

  test('masked paths of the rootfs: a file, a directory; writes are refused; a missing path is skipped', () => {
    const b = s.bundle(['/bin/oci-checker', 'read', '/etc/secret', '--', 'ls', '/opt/hidden', '--', 'write', '/opt/hidden/x', '--', 'write', '/etc/secret']);
    fs.writeFileSync(path.join(b.rootfs, 'etc', 'secret'), 'password\n');
    fs.mkdirSync(path.join(b.rootfs, 'opt', 'hidden'), { recursive: true });
    fs.writeFileSync(path.join(b.rootfs, 'opt', 'hidden', 'file'), 'x');
    b.spec.linux!.maskedPaths = ['/etc/secret', '/opt/hidden', '/no/such/path'];
    b.write();
    const r = s.run(b);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out['read /etc/secret'].content, '');
    assert.deepEqual(out['ls /opt/hidden'].entries, []);
    assert.equal(out['write /opt/hidden/x'].error, 'Read-only file system');
    // The null device takes the write and keeps nothing; the file beneath is intact.
    assert.equal(fs.readFileSync(path.join(b.rootfs, 'etc', 'secret'), 'utf8'), 'password\n');
  });

  test('a masked file is the null device; a masked directory a read-only tmpfs', () => {
    const [file, dir] = s.probe([['stat', '/proc/timer_list'], ['stat', '/sys/firmware']]).results;
    assert.equal(file.type, 'c');
    assert.deepEqual([file.major, file.minor], [1, 3]);
    assert.equal(dir.fsName, 'tmpfs');
    assert.ok(dir.mountFlags.includes('ro'));
  });

  test('readonly paths refuse writes; the rest stays writable', () => {
    const { results } = s.probe([['write', '/proc/sys/kernel/hostname', 'x'], ['write', '/etc/x'], ['write', '/root/x'], ['stat', '/etc']], (c) => {
      c.linux!.readonlyPaths = [...c.linux!.readonlyPaths!, '/etc'];
    });
    assert.equal(results[0].error, 'Read-only file system');
    assert.equal(results[1].error, 'Read-only file system');
    assert.equal(results[2].ok, true, JSON.stringify(results[2]));
    assert.ok(results[3].mountFlags.includes('ro'));
  });

  test('a readonly path keeps its other flags, as in runc: binaries under it still run', () => {
    // The program itself lives under the read-only path.
    const all = s.all((c) => {
      c.linux!.readonlyPaths = ['/bin'];
    });
    const m = mountAt(all, '/bin');
    assert.ok(m.options.includes('ro'));
    assert.ok(!m.options.includes('noexec') && !m.options.includes('nosuid'), m.options.join(','));
    // /dev/shm is nosuid,nodev,noexec already and stays so.
    const shm = mountAt(s.all((c) => (c.linux!.readonlyPaths = ['/dev/shm'])), '/dev/shm');
    for (const o of ['ro', 'nosuid', 'nodev', 'noexec']) assert.ok(shm.options.includes(o), `${o} in ${shm.options}`);
  });

  test('a readonly path is read-only recursively, over the mounts beneath it', () => {
    const { results } = s.probe([['write', '/srv/top/inner/x']], (c) => {
      c.mounts!.push({ destination: '/srv/top/inner', type: 'tmpfs', source: 'tmpfs' });
      c.linux!.readonlyPaths = ['/srv/top'];
    });
    assert.equal(results[0].error, 'Read-only file system');
  });
});

describe('--no-pivot', { skip }, () => {
  test('the container runs with its rootfs as / (MS_MOVE + chroot)', () => {
    const b = s.bundle(['/bin/oci-checker', 'all', '--', 'ls', '/', '--', 'read', '/etc/rootfs-marker']);
    fs.writeFileSync(path.join(b.rootfs, 'etc', 'rootfs-marker'), 'this-rootfs\n');
    const r = s.run(b, ['--no-pivot']);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.all.cwd, '/');
    assert.equal(out.all.pid, 1);
    assert.equal(out['read /etc/rootfs-marker'].content, 'this-rootfs\n');
    assert.deepEqual(out['ls /'].entries, fs.readdirSync(b.rootfs).sort());
    // The mounts of config.json are there too.
    assert.equal(mountAt(out.all, '/proc').fsType, 'proc');
    assert.equal(mountAt(out.all, '/').mountPoint, '/');
  });
});

describe('mount destinations through symlinks (CVE-2021-30465)', { skip }, () => {
  test('an absolute symlink to /etc: the tmpfs lands on the rootfs\'s /etc, never the host\'s', () => {
    const b = s.bundle(['/bin/oci-checker', 'all', '--', 'ls', '/etc']);
    fs.mkdirSync(path.join(b.rootfs, 'mnt'), { recursive: true });
    fs.symlinkSync('/etc', path.join(b.rootfs, 'mnt', 'evil'));
    b.spec.mounts!.push({ destination: '/mnt/evil', type: 'tmpfs', source: 'evil-tmpfs' });
    b.write();
    const r = s.run(b);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(mountAt(out.all, '/etc').source, 'evil-tmpfs');
    assert.deepEqual(out['ls /etc'].entries, []);
    assert.equal(hostMountinfo().includes('evil-tmpfs'), false);
    assert.ok(!hostMountinfo().split('\n').some((l) => l.split(' ')[4] === '/etc'), 'something is mounted on the host\'s /etc');
    assert.ok(fs.existsSync('/etc/passwd'));
  });

  test('a relative symlink climbing past the root stays inside too', () => {
    const b = s.bundle(['/bin/oci-checker', 'all']);
    fs.mkdirSync(path.join(b.rootfs, 'mnt'), { recursive: true });
    fs.symlinkSync('../../../../../../../../etc', path.join(b.rootfs, 'mnt', 'climb'));
    b.spec.mounts!.push({ destination: '/mnt/climb', type: 'tmpfs', source: 'climb-tmpfs' });
    b.write();
    const r = s.run(b);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(mountAt(JSON.parse(r.stdout).all, '/etc').source, 'climb-tmpfs');
    assert.equal(hostMountinfo().includes('climb-tmpfs'), false);
  });

  test('a file bind onto a symlink to a host file binds the rootfs\'s file', () => {
    const d = hostDir();
    fs.writeFileSync(path.join(d, 'fake-passwd'), 'intruder:x:0:0::/:/bin/sh\n');
    const hostPasswd = fs.readFileSync('/etc/passwd', 'utf8');
    const b = s.bundle(['cat', '/etc/passwd']);
    fs.mkdirSync(path.join(b.rootfs, 'mnt'), { recursive: true });
    fs.symlinkSync('/etc/passwd', path.join(b.rootfs, 'mnt', 'pw'));
    b.spec.mounts!.push({ destination: '/mnt/pw', type: 'bind', source: path.join(d, 'fake-passwd'), options: ['bind'] });
    b.write();
    const r = s.run(b);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'intruder:x:0:0::/:/bin/sh\n');
    assert.equal(fs.readFileSync('/etc/passwd', 'utf8'), hostPasswd);
  });

  test('a symlinked parent of the destination is resolved inside the rootfs as well', () => {
    const b = s.bundle(['/bin/oci-checker', 'all']);
    fs.mkdirSync(path.join(b.rootfs, 'mnt'), { recursive: true });
    fs.symlinkSync('/', path.join(b.rootfs, 'mnt', 'hostroot'));
    b.spec.mounts!.push({ destination: '/mnt/hostroot/etc/deep', type: 'tmpfs', source: 'deep-tmpfs' });
    b.write();
    const r = s.run(b);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(mountAt(JSON.parse(r.stdout).all, '/etc/deep').source, 'deep-tmpfs');
    assert.ok(!fs.existsSync('/etc/deep'), 'a directory was made on the host');
    assert.ok(fs.existsSync(path.join(b.rootfs, 'etc', 'deep')));
  });
});
