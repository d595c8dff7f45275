// config.md#root, #mounts and #linux-mount-options, config-linux.md#default-filesystems:
// the container's filesystem as its mount table shows it.
import * as fs from 'fs';
import * as path from 'path';

import type { MountInfo } from '../checker/protocol';
import { checker, type Case, type Ctx } from '../lib/harness';
import { allOptions, hostMust, mountAt, unmountAll } from '../lib/util';
import type { Mount } from '../../src/spec/types';

function tmpfs(destination: string, options: string[] = []): Mount {
  return { destination, type: 'tmpfs', source: 'tmpfs', options };
}

function mustMount(t: Ctx, mounts: unknown, at: string): MountInfo {
  return t.need(mountAt(mounts as MountInfo[], at), `no mount at ${at} in the container`);
}

/** A host tmpfs at a fresh dir, unmounted (with everything below it) when the case ends. */
function hostTmpfs(t: Ctx, shared = false): string {
  const dir = t.tmpdir('runtime-conformance-mnt-');
  hostMust(t, `mount -t tmpfs -o size=1m conf-src ${dir}`);
  t.defer(`umount ${dir}`, () => unmountAll(dir));
  if (shared) hostMust(t, `mount --make-shared ${dir}`);
  return dir;
}

const needMountTool = (env: { host: { tools: Set<string> } }) => (env.host.tools.has('mount') ? false : 'no mount(8) on this host');

export const cases: Case[] = [
  {
    name: 'config.md#root: root.path may be absolute',
    run(t) {
      const b = t.bundle(checker(['all']));
      b.spec.root!.path = b.rootfs;
      const r = t.run(b);
      t.eq(r.inv.status, 0, 'run with an absolute root.path succeeds', { stderr: r.inv.stderr.slice(-300) });
    },
  },
  {
    name: 'config.md#root: a root.path that is not a directory is an error',
    run(t) {
      const b = t.bundle(checker(['all']), (s) => {
        s.root!.path = 'no-such-rootfs';
      });
      t.expectRefused(b, 'missing root.path');
    },
  },
  {
    name: 'config.md#root: readonly true makes the root filesystem read-only',
    run(t) {
      const out = t.check([['all'], ['write', '/written']], (s) => {
        s.root!.readonly = true;
      });
      t.eq(out['write /written'].ok, false, 'writing a file in / fails');
      t.eq(out['write /written'].errno, 30, 'with EROFS');
      t.ok(mustMount(t, out.all.mounts, '/').options.includes('ro'), 'the root mount is ro');
    },
  },
  {
    name: 'config.md#root: readonly false leaves the root filesystem writable',
    run(t) {
      const out = t.check([['write', '/written']], (s) => {
        s.root!.readonly = false;
      });
      t.eq(out['write /written'].ok, true, 'writing a file in / works');
    },
  },
  {
    name: 'config.md#mounts: mounts are made in the listed order (a later mount covers an earlier one; nested ones stack)',
    run(t) {
      const out = t.check([['all']], (s) => {
        s.mounts!.push(tmpfs('/m', ['mode=700']), tmpfs('/m', ['mode=755']), tmpfs('/a'), tmpfs('/a/b'));
      });
      const atM = Array.isArray(out.all.mounts) ? out.all.mounts.filter((m) => m.mountPoint === '/m') : [];
      t.eq(atM.map((m) => m.superOptions.find((o) => o.startsWith('mode='))), ['mode=700', 'mode=755'], 'two mounts at /m, the mode=755 one last');
      if (atM.length === 2) t.eq(atM[1].parent, atM[0].id, 'the second /m mount is on top of the first');
      const a = mustMount(t, out.all.mounts, '/a');
      const ab = mustMount(t, out.all.mounts, '/a/b');
      t.eq(ab.parent, a.id, '/a/b is mounted on top of /a');
    },
  },
  {
    name: 'config.md#mounts: a relative destination is taken relative to "/"',
    run(t) {
      const out = t.check([['all']], (s) => {
        s.mounts!.push(tmpfs('reltmp'));
      });
      t.ok(mountAt(out.all.mounts, '/reltmp'), 'a mount at /reltmp');
    },
  },
  {
    name: 'config.md#mounts: a relative bind source is taken relative to the bundle',
    run(t) {
      const b = t.bundle(checker(['read', '/data/file']));
      fs.mkdirSync(path.join(b.dir, 'hostdata'));
      fs.writeFileSync(path.join(b.dir, 'hostdata', 'file'), 'from-the-bundle');
      b.spec.mounts!.push({ destination: '/data', type: 'none', source: 'hostdata', options: ['bind'] });
      const r = t.run(b);
      t.eq(r.out?.['read /data/file']?.content, 'from-the-bundle', 'the bundle directory is mounted', { stderr: r.inv.stderr.slice(-200) });
    },
  },
  {
    name: 'config.md#mounts: destinations resolve inside the container root, even through a symlink',
    run(t) {
      const hostDir = t.tmpdir('runtime-conformance-escape-');
      const b = t.bundle(checker(['all']));
      fs.symlinkSync(hostDir, path.join(b.rootfs, 'escape'));
      b.spec.mounts!.push(tmpfs('/escape'));
      const r = t.run(b);
      if (r.inv.status !== 0) {
        t.note(`refused: ${r.inv.stderr.trim().slice(-200)}`);
        return;
      }
      t.ok(mountAt(r.out?.all?.mounts, hostDir), `the tmpfs is at ${hostDir} inside the container root`, { mounts: (r.out?.all?.mounts as MountInfo[] | undefined)?.map((m) => m.mountPoint) });
      t.ok(fs.existsSync(path.join(b.rootfs, hostDir)), 'the symlink target was made inside the rootfs');
    },
  },
  {
    name: 'config.md#linux-mount-options: ro, nosuid, nodev, noexec, noatime and nodiratime are applied',
    run(t) {
      const flags = ['ro', 'nosuid', 'nodev', 'noexec', 'noatime', 'nodiratime'];
      const out = t.check([['all']], (s) => {
        s.mounts!.push(tmpfs('/flags', flags));
      });
      const m = mustMount(t, out.all.mounts, '/flags');
      for (const f of flags) t.ok(m.options.includes(f), `${f} is set`, { options: m.options });
    },
  },
  {
    name: 'config.md#linux-mount-options: relatime and strictatime select the atime mode',
    run(t) {
      const out = t.check([['all']], (s) => {
        s.mounts!.push(tmpfs('/rel', ['relatime']), tmpfs('/strict', ['strictatime']));
      });
      t.ok(mustMount(t, out.all.mounts, '/rel').options.includes('relatime'), 'relatime on /rel');
      const strict = mustMount(t, out.all.mounts, '/strict').options;
      t.ok(!strict.includes('relatime') && !strict.includes('noatime'), 'neither relatime nor noatime on /strict', { options: strict });
    },
  },
  {
    name: 'config.md#linux-mount-options: sync, dirsync and lazytime are applied',
    run(t) {
      const out = t.check([['all']], (s) => {
        s.mounts!.push(tmpfs('/sync', ['sync', 'dirsync', 'lazytime']));
      });
      const o = allOptions(mustMount(t, out.all.mounts, '/sync'));
      for (const f of ['sync', 'dirsync', 'lazytime']) t.ok(o.has(f), `${f} is set`, { options: [...o] });
    },
  },
  {
    name: 'config.md#linux-mount-options: rw, suid, dev, exec, atime, diratime, async, nolazytime, norelatime and nostrictatime clear what an earlier option set',
    run(t) {
      const out = t.check([['all']], (s) => {
        s.mounts!.push(
          tmpfs('/cleared', ['ro', 'rw', 'nosuid', 'suid', 'nodev', 'dev', 'noexec', 'exec', 'noatime', 'atime', 'nodiratime', 'diratime', 'sync', 'async', 'lazytime', 'nolazytime']),
          tmpfs('/atime', ['strictatime', 'nostrictatime']),
          tmpfs('/norel', ['relatime', 'norelatime', 'noiversion', 'iversion']),
        );
      });
      const o = allOptions(mustMount(t, out.all.mounts, '/cleared'));
      t.ok(o.has('rw'), 'rw after ro', { options: [...o] });
      for (const f of ['ro', 'nosuid', 'nodev', 'noexec', 'noatime', 'nodiratime', 'sync', 'lazytime']) t.ok(!o.has(f), `${f} is cleared`, { options: [...o] });
      const a = mustMount(t, out.all.mounts, '/atime').options;
      t.ok(a.includes('relatime'), 'nostrictatime after strictatime leaves the default relatime', { options: a });
      t.ok(mountAt(out.all.mounts, '/norel'), 'norelatime, iversion and noiversion are accepted');
    },
  },
  {
    name: 'config.md#linux-mount-options: defaults, silent and loud are accepted',
    run(t) {
      const out = t.check([['all'], ['write', '/defaults/x']], (s) => {
        s.mounts!.push(tmpfs('/defaults', ['defaults', 'silent', 'loud']));
      });
      t.ok(mountAt(out.all.mounts, '/defaults'), 'the mount exists');
      t.eq(out['write /defaults/x'].ok, true, 'and is writable');
    },
  },
  {
    name: 'config.md#linux-mount-options: remount changes the flags of an existing mount',
    run(t) {
      const out = t.check([['all'], ['write', '/re/x']], (s) => {
        s.mounts!.push(tmpfs('/re'), tmpfs('/re', ['remount', 'ro']));
      });
      t.eq(out['write /re/x'].errno, 30, 'the remounted tmpfs is read-only (EROFS)');
      const hits = Array.isArray(out.all.mounts) ? out.all.mounts.filter((m) => m.mountPoint === '/re') : [];
      t.eq(hits.length, 1, 'remount made no second mount');
    },
  },
  {
    name: 'config.md#linux-mount-options: fs-specific options go to the filesystem (mode=, size=)',
    run(t) {
      const out = t.check([['all'], ['stat', '/fsopt']], (s) => {
        s.mounts!.push(tmpfs('/fsopt', ['mode=710', 'size=1m']));
      });
      t.eq(out['stat /fsopt'].mode, '0710', 'mode=710 reached tmpfs');
      t.ok(mustMount(t, out.all.mounts, '/fsopt').superOptions.includes('size=1024k'), 'size=1m reached tmpfs');
    },
  },
  {
    name: 'config.md#linux-mount-options: bind mounts a directory without its submounts; rbind includes them',
    skip: needMountTool,
    run(t) {
      const src = t.tmpdir('runtime-conformance-bind-');
      fs.mkdirSync(path.join(src, 'sub'));
      fs.writeFileSync(path.join(src, 'top'), 'top');
      hostMust(t, `mount -t tmpfs -o size=1m conf-sub ${src}/sub && echo sub > ${src}/sub/marker`);
      t.defer(`umount ${src}/sub`, () => unmountAll(`${src}/sub`));
      const out = t.check([['read', '/b/top'], ['read', '/b/sub/marker'], ['read', '/rb/sub/marker']], (s) => {
        s.mounts!.push({ destination: '/b', type: 'none', source: src, options: ['bind'] });
        s.mounts!.push({ destination: '/rb', type: 'none', source: src, options: ['rbind'] });
      });
      t.eq(out['read /b/top'].content, 'top', 'bind shows the directory');
      t.eq(out['read /b/sub/marker'].ok, false, 'bind does not carry the submount');
      t.eq(out['read /rb/sub/marker'].content, 'sub\n', 'rbind carries the submount');
    },
  },
  {
    name: 'config.md#linux-mount-options: a bind mount with ro is read-only',
    run(t) {
      const src = t.tmpdir('runtime-conformance-robind-');
      const out = t.check([['write', '/robind/x'], ['all']], (s) => {
        s.mounts!.push({ destination: '/robind', type: 'bind', source: src, options: ['rbind', 'ro'] });
      });
      t.eq(out['write /robind/x'].errno, 30, 'writing fails with EROFS');
      t.ok(!fs.existsSync(path.join(src, 'x')), 'nothing was written to the source');
      t.ok(mustMount(t, out.all.mounts, '/robind').options.includes('ro'), 'the mount is ro');
    },
  },
  {
    name: 'config.md#mounts: a single file can be bind-mounted',
    run(t) {
      const src = path.join(t.tmpdir(), 'file');
      fs.writeFileSync(src, 'single-file');
      const out = t.check([['read', '/etc/bound-file']], (s) => {
        s.mounts!.push({ destination: '/etc/bound-file', type: 'none', source: src, options: ['bind', 'ro'] });
      });
      t.eq(out['read /etc/bound-file'].content, 'single-file', 'the file content');
    },
  },
  {
    name: 'config.md#mounts: a bind mount of a missing source is an error and creates nothing',
    run(t) {
      const b = t.bundle(checker(['all']), (s) => {
        s.mounts!.push({ destination: '/missing', type: 'none', source: '/nonexistent/conformance/source', options: ['bind'] });
      });
      t.expectRefused(b, 'missing bind source');
    },
  },
  {
    name: 'config.md#linux-mount-options: private, shared, unbindable (and r- forms) set the propagation of a mount',
    run(t) {
      const out = t.check([['all']], (s) => {
        s.mounts!.push(tmpfs('/p-private', ['private']), tmpfs('/p-rprivate', ['rprivate']), tmpfs('/p-shared', ['shared']), tmpfs('/p-rshared', ['rshared']), tmpfs('/p-unbindable', ['unbindable']), tmpfs('/p-runbindable', ['runbindable']));
      });
      const fields = (at: string) => mustMount(t, out.all.mounts, at).optionalFields;
      for (const p of ['/p-private', '/p-rprivate']) t.eq(fields(p), [], `${p} has no propagation peers`);
      for (const p of ['/p-shared', '/p-rshared']) t.ok(fields(p).some((f) => f.startsWith('shared:')), `${p} is shared`, { optionalFields: fields(p) });
      for (const p of ['/p-unbindable', '/p-runbindable']) t.ok(fields(p).includes('unbindable'), `${p} is unbindable`, { optionalFields: fields(p) });
    },
  },
  {
    name: 'config.md#linux-mount-options: slave/rslave bind mounts receive host mount events; private/rprivate ones do not',
    skip: needMountTool,
    run(t) {
      const src = hostTmpfs(t, true);
      fs.mkdirSync(path.join(src, 'late'));
      const b = t.bundle(checker(['all'], ['read', '/slave/late/marker'], ['read', '/rslave/late/marker'], ['read', '/private/late/marker'], ['read', '/rprivate/late/marker']), (s) => {
        for (const p of ['slave', 'rslave', 'private', 'rprivate']) s.mounts!.push({ destination: `/${p}`, type: 'none', source: src, options: ['rbind', p] });
      });
      const id = t.mustCreate(b);
      // Mounted on the host after create: only slave mounts of the shared source see it.
      hostMust(t, `mount -t tmpfs -o size=1m conf-late ${src}/late && echo late > ${src}/late/marker`);
      t.mustStart(id);
      t.need(t.waitStatus(id, 'stopped'), 'the container did not stop');
      const out = t.need(JSON.parse(t.output(b).trim() || 'null'), 'no checker output');
      for (const p of ['slave', 'rslave']) {
        t.ok(mustMount(t, out.all.mounts, `/${p}`).optionalFields.some((f: string) => f.startsWith('master:')), `/${p} is a slave`, { optionalFields: mustMount(t, out.all.mounts, `/${p}`).optionalFields });
        t.eq(out[`read /${p}/late/marker`].content, 'late\n', `/${p} sees the host mount made after create`);
      }
      for (const p of ['private', 'rprivate']) t.eq(out[`read /${p}/late/marker`].ok, false, `/${p} does not see the host mount made after create`);
    },
  },
  {
    name: 'config-linux.md#default-filesystems: /proc, /sys, /dev/pts and /dev/shm are proc, sysfs, devpts and tmpfs',
    run(t) {
      const out = t.check([['stat', '/proc'], ['stat', '/sys'], ['stat', '/dev/pts'], ['stat', '/dev/shm']]);
      t.eq(out['stat /proc'].fsName, 'proc', '/proc');
      t.eq(out['stat /sys'].fsName, 'sysfs', '/sys');
      t.eq(out['stat /dev/pts'].fsName, 'devpts', '/dev/pts');
      t.eq(out['stat /dev/shm'].fsName, 'tmpfs', '/dev/shm');
    },
  },
  {
    name: 'config-linux.md#default-filesystems: /proc shows the container pid namespace',
    run(t) {
      const out = t.check([['ls', '/proc'], ['read', '/proc/self/stat']]);
      const pids = (out['ls /proc'].entries ?? []).filter((e: string) => /^\d+$/.test(e)).map(Number);
      t.eq(pids, [1], 'the only process in /proc is the container init');
      t.ok(String(out['read /proc/self/stat'].content).startsWith('1 '), '/proc/self is pid 1');
    },
  },
];
