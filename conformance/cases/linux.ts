// config-linux.md: sysctl, masked and readonly paths, rootfsPropagation, personality,
// memoryPolicy, intelRdt, netDevices, mountLabel.
import * as fs from 'fs';
import * as path from 'path';

import type { MountInfo } from '../checker/protocol';
import { checker, parseCheckerOutput, type Case, type Ctx } from '../lib/harness';
import { hostMust, mountAt, sh, unmountAll } from '../lib/util';

interface PropagationResult {
  fields: string[];
  late: boolean;
  hostPeer: string | null;
  [k: string]: unknown;
}

/**
 * rootfsPropagation with the rootfs on a shared host mount (so that slave has a master to
 * follow): the root mount's propagation fields, and whether a host mount made after
 * create shows up inside.
 */
function propagationCase(mode: string, what: string, check: (t: Ctx, r: PropagationResult) => void): Case {
  return {
    name: `config-linux.md#rootfs-mount-propagation: ${mode}: ${what}`,
    skip: (env) => (env.host.tools.has('mount') ? false : 'no mount(8) on this host'),
    run(t) {
      const b = t.bundle(checker(['all'], ['read', '/late/marker']), (s) => {
        s.linux!.rootfsPropagation = mode;
      });
      fs.mkdirSync(path.join(b.rootfs, 'late'));
      hostMust(t, `mount --bind ${b.rootfs} ${b.rootfs} && mount --make-shared ${b.rootfs}`);
      t.defer(`umount ${b.rootfs}`, () => unmountAll(b.rootfs));
      const hostLine = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.split(' ')[4] === b.rootfs).pop() ?? '';
      const hostPeer = /shared:(\d+)/.exec(hostLine)?.[1] ?? null;
      const id = t.mustCreate(b);
      hostMust(t, `mount -t tmpfs -o size=1m conf-late ${b.rootfs}/late && echo late > ${b.rootfs}/late/marker`);
      t.mustStart(id);
      t.need(t.waitStatus(id, 'stopped'), 'the container did not stop');
      const out = t.need(parseCheckerOutput(t.output(b)), 'no checker output');
      const root = mountAt(out.all?.mounts as MountInfo[], '/');
      check(t, { fields: root?.optionalFields ?? ['<no root mount>'], late: out['read /late/marker']?.content === 'late\n', hostPeer });
    },
  };
}

export const cases: Case[] = [
  {
    name: 'config-linux.md#sysctl: sysctl values are set in the container (net and ipc namespaced keys)',
    run(t) {
      const out = t.check([['sysctl', 'net.ipv4.ip_forward'], ['sysctl', 'net.core.somaxconn'], ['sysctl', 'kernel.msgmax']], (s) => {
        s.linux!.sysctl = { 'net.ipv4.ip_forward': '1', 'net.core.somaxconn': '256', 'kernel.msgmax': '12345' };
      });
      t.eq(out['sysctl net.ipv4.ip_forward'].value, '1', 'net.ipv4.ip_forward');
      t.eq(out['sysctl net.core.somaxconn'].value, '256', 'net.core.somaxconn');
      t.eq(out['sysctl kernel.msgmax'].value, '12345', 'kernel.msgmax');
    },
  },
  {
    name: 'config-linux.md#sysctl: a sysctl that does not exist is an error',
    run(t) {
      const b = t.bundle(checker(['all']), (s) => {
        s.linux!.sysctl = { 'net.ipv4.no_such_sysctl_conformance': '1' };
      });
      t.expectRefused(b, 'unknown sysctl');
    },
  },
  {
    name: 'config-linux.md#masked-paths: masked files and directories cannot be read',
    run(t) {
      const b = t.bundle(checker(['read', '/proc/kcore'], ['ls', '/sys/firmware'], ['read', '/etc/secret'], ['ls', '/var/secretdir']), (s) => {
        s.linux!.maskedPaths = ['/proc/kcore', '/sys/firmware', '/etc/secret', '/var/secretdir', '/does/not/exist'];
      });
      fs.writeFileSync(path.join(b.rootfs, 'etc', 'secret'), 'secret');
      fs.mkdirSync(path.join(b.rootfs, 'var', 'secretdir'), { recursive: true });
      fs.writeFileSync(path.join(b.rootfs, 'var', 'secretdir', 'inside'), 'secret');
      const r = t.run(b);
      const out = t.need(r.out, `the container did not report: ${r.inv.stderr.trim().slice(-300)}`);
      const unreadable = (x: { ok: boolean; content: string | null }) => !x.ok || x.content === '';
      t.ok(unreadable(out['read /proc/kcore']), '/proc/kcore is masked', { result: out['read /proc/kcore'] });
      t.ok(unreadable(out['read /etc/secret']), '/etc/secret is masked', { result: out['read /etc/secret'] });
      t.ok(!out['ls /sys/firmware'].ok || out['ls /sys/firmware'].entries.length === 0, '/sys/firmware is masked', { result: out['ls /sys/firmware'] });
      t.ok(!out['ls /var/secretdir'].ok || out['ls /var/secretdir'].entries.length === 0, '/var/secretdir is masked', { result: out['ls /var/secretdir'] });
    },
  },
  {
    name: 'config-linux.md#readonly-paths: readonly paths cannot be written; the rest stays writable',
    run(t) {
      const b = t.bundle(checker(['write', '/proc/sys/kernel/domainname', 'x'], ['write', '/var/rodir/x'], ['write', '/var/rwdir/x']), (s) => {
        s.linux!.readonlyPaths = ['/proc/sys', '/var/rodir', '/does/not/exist'];
      });
      fs.mkdirSync(path.join(b.rootfs, 'var', 'rodir'), { recursive: true });
      fs.mkdirSync(path.join(b.rootfs, 'var', 'rwdir'), { recursive: true });
      const r = t.run(b);
      const out = t.need(r.out, `the container did not report: ${r.inv.stderr.trim().slice(-300)}`);
      t.eq(out['write /proc/sys/kernel/domainname x'].errno, 30, '/proc/sys is read-only (EROFS)');
      t.eq(out['write /var/rodir/x'].errno, 30, '/var/rodir is read-only (EROFS)');
      t.eq(out['write /var/rwdir/x'].ok, true, '/var/rwdir is still writable');
    },
  },
  propagationCase('shared', 'the root mount is in a new peer group (not the host\'s)', (t, r) => {
    t.ok(r.fields.some((f) => f.startsWith('shared:')), 'the root mount is shared', r);
    t.ok(!r.fields.includes(`shared:${r.hostPeer}`), 'in a peer group of its own, not the host source\'s', r);
  }),
  propagationCase('slave', 'the root mount receives host mount events, and sends none back', (t, r) => {
    t.ok(r.fields.some((f) => f.startsWith('master:')) && !r.fields.some((f) => f.startsWith('shared:')), 'the root mount is a slave', r);
    t.ok(r.late, 'a host mount made after create propagates into the container', r);
  }),
  propagationCase('private', 'the root mount neither receives nor sends mount events', (t, r) => {
    t.eq(r.fields, [], 'no propagation fields on the root mount');
    t.ok(!r.late, 'a host mount made after create does not propagate', r);
  }),
  propagationCase('unbindable', 'the root mount is private and unbindable', (t, r) => {
    t.eq(r.fields, ['unbindable'], 'the root mount is unbindable (and has no peers)');
    t.ok(!r.late, 'a host mount made after create does not propagate', r);
  }),
  {
    name: 'config-linux.md#personality: domain LINUX32 is applied (or refused as unsupported), never ignored',
    run(t) {
      const b = t.bundle(checker(['all']), (s) => {
        s.linux!.personality = { domain: 'LINUX32' };
      });
      const r = t.run(b);
      if (r.inv.status !== 0) {
        t.note(`refused: ${r.inv.stderr.trim().slice(-200)}`);
        return;
      }
      t.eq(r.out?.all?.personality?.domain, 'LINUX32', 'personality domain in the container');
    },
  },
  {
    name: 'config-linux.md#memory-policy: memoryPolicy is applied (or refused as unsupported), never ignored',
    skip: (env) => (env.host.numa ? false : 'no NUMA support (/proc/self/numa_maps) on this host'),
    run(t) {
      const b = t.bundle(checker(['read', '/proc/self/numa_maps']), (s) => {
        s.linux!.memoryPolicy = { mode: 'MPOL_INTERLEAVE', nodes: '0' };
      });
      const r = t.run(b);
      if (r.inv.status !== 0) {
        t.note(`refused: ${r.inv.stderr.trim().slice(-200)}`);
        return;
      }
      const maps = String(r.out?.['read /proc/self/numa_maps']?.content ?? '');
      t.ok(/ interleave:0[ \n]/.test(maps), 'the process memory policy is interleave:0', { numa_maps: maps.split('\n').slice(0, 2) });
    },
  },
  {
    name: 'config-linux.md#intelrdt: intelRdt without a mounted resctrl filesystem is an error',
    skip: (env) => (env.host.resctrl ? 'resctrl is mounted on this host (the error case cannot be made)' : false),
    run(t) {
      const b = t.bundle(checker(['all']), (s) => {
        s.linux!.intelRdt = { closID: 'conformance' };
      });
      t.expectRefused(b, 'intelRdt without resctrl');
    },
  },
  {
    name: 'config-linux.md#network-devices: a host network device is moved in, renamed, up, with its addresses',
    skip: (env) => (env.host.tools.has('ip') ? false : 'no ip(8) on this host'),
    run(t) {
      const dev = `confd${process.pid % 100000}`;
      // A veth pair (dummy needs a module this kernel may lack); the peer stays on the host.
      hostMust(t, `ip link add ${dev} type veth peer name confp${process.pid % 100000} && ip addr add 10.199.77.1/24 dev ${dev}`);
      t.defer(`ip link del ${dev}`, () => void sh(`ip link del ${dev} 2>/dev/null`));
      const b = t.bundle(checker(['ls', '/sys/class/net'], ['read', '/sys/class/net/ctr0/flags'], ['read', '/proc/net/fib_trie']), (s) => {
        s.linux!.netDevices = { [dev]: { name: 'ctr0' } };
      });
      const r = t.run(b);
      const out = t.need(r.out, `the container did not report: ${r.inv.stderr.trim().slice(-300)}`);
      const names: string[] = out['ls /sys/class/net'].entries ?? [];
      t.ok(names.includes('ctr0') && !names.includes(dev), 'the device is in the container as ctr0', { names });
      const flags = parseInt(String(out['read /sys/class/net/ctr0/flags']?.content ?? '0'), 16);
      t.ok((flags & 1) === 1, 'the device is up (IFF_UP)', { flags: out['read /sys/class/net/ctr0/flags']?.content });
      t.ok(String(out['read /proc/net/fib_trie']?.content ?? '').includes('10.199.77.1'), 'its address came along');
    },
  },
  {
    name: 'config-linux.md#network-devices: a name that already exists in the container namespace is an error; a %d template is not',
    skip: (env) => (env.host.tools.has('ip') ? false : 'no ip(8) on this host'),
    run(t) {
      const n = process.pid % 100000;
      hostMust(t, `ip link add confe${n} type veth peer name confq${n}`);
      t.defer(`ip link del confe${n}`, () => void sh(`ip link del confe${n} 2>/dev/null`));
      const clash = t.bundle(checker(['all']), (s) => {
        s.linux!.netDevices = { [`confe${n}`]: { name: 'lo' } };
      });
      t.expectRefused(clash, 'netDevices renamed to lo');
      t.ok(sh(`ip link show confe${n}`).status === 0, 'the device is still on the host after the refusal');
      hostMust(t, `ip link add confg${n} type veth peer name confh${n}`);
      t.defer(`ip link del confg${n}`, () => void sh(`ip link del confg${n} 2>/dev/null`));
      const template = t.bundle(checker(['ls', '/sys/class/net']), (s) => {
        s.linux!.netDevices = { [`confg${n}`]: { name: 'lo%d' } };
      });
      const r = t.run(template);
      const names: string[] = r.out?.['ls /sys/class/net']?.entries ?? [];
      t.ok(names.some((x) => /^lo\d+$/.test(x)), 'with the %d template the kernel picks a free name', { names, stderr: r.inv.stderr.slice(-200) });
    },
  },
  {
    name: 'config-linux.md#mount-label: mountLabel labels the container mounts',
    skip: (env) => (env.host.selinux ? false : 'no SELinux on this host'),
    run(t) {
      const out = t.check([['all']], (s) => {
        s.linux!.mountLabel = 'system_u:object_r:container_file_t:s0:c1,c2';
      });
      const shm = mountAt(out.all.mounts, '/dev/shm');
      t.ok(shm?.superOptions.some((o) => o.startsWith('context=')), '/dev/shm carries a context= option');
    },
  },
];
