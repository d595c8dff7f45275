// config-linux.md#devices, #default-devices, #allowed-device-list and
// runtime-linux.md#dev-symbolic-links.
import * as fs from 'fs';
import * as path from 'path';

import type { DeviceEntry } from '../checker/protocol';
import { checker, type Case } from '../lib/harness';
import { mountAt } from '../lib/util';

const DEFAULTS: [string, number, number][] = [
  ['null', 1, 3],
  ['zero', 1, 5],
  ['full', 1, 7],
  ['random', 1, 8],
  ['urandom', 1, 9],
  ['tty', 5, 0],
];

/** /dev/kmsg's numbers: a device no runtime allows by default, harmless to write to. */
const KMSG = { type: 'c' as const, major: 1, minor: 11 };

export const cases: Case[] = [
  {
    name: 'config-linux.md#default-devices: /dev/null, zero, full, random, urandom and tty are supplied as the right character devices',
    run(t) {
      const out = t.check([['all']]);
      const byName = new Map<string, DeviceEntry>(out.all.devices.map((d) => [d.name, d]));
      for (const [name, major, minor] of DEFAULTS) {
        const d = byName.get(name);
        t.eq(d ? { type: d.type, major: d.major, minor: d.minor } : null, { type: 'c', major, minor }, `/dev/${name}`);
      }
    },
  },
  {
    name: 'config-linux.md#default-devices: the default devices work (null, zero, full, urandom)',
    run(t) {
      const out = t.check([['write', '/dev/null'], ['read', '/dev/zero'], ['write', '/dev/full'], ['read', '/dev/urandom']]);
      t.eq(out['write /dev/null'].ok, true, 'writing /dev/null works');
      t.ok(out['read /dev/zero'].ok && /^\u0000+$/.test(out['read /dev/zero'].content ?? ''), 'reading /dev/zero gives zero bytes');
      t.eq(out['write /dev/full'].errno, 28, 'writing /dev/full fails with ENOSPC');
      t.ok(out['read /dev/urandom'].ok && (out['read /dev/urandom'].content ?? '').length > 0, 'reading /dev/urandom works');
    },
  },
  {
    name: 'config-linux.md#default-devices: /dev/ptmx is a symlink to or bind mount of /dev/pts/ptmx',
    run(t) {
      const out = t.check([['all'], ['stat', '/dev/ptmx'], ['stat', '/dev/pts/ptmx']]);
      const ptmx = out['stat /dev/ptmx'];
      if (ptmx.type === 'l') t.ok(['pts/ptmx', '/dev/pts/ptmx'].includes(ptmx.target), 'the symlink points at pts/ptmx', { target: ptmx.target });
      else {
        t.ok(mountAt(out.all.mounts, '/dev/ptmx'), '/dev/ptmx is a mount', { type: ptmx.type });
        t.eq([ptmx.major, ptmx.minor, ptmx.ino], [out['stat /dev/pts/ptmx'].major, out['stat /dev/pts/ptmx'].minor, out['stat /dev/pts/ptmx'].ino], 'of /dev/pts/ptmx');
      }
    },
  },
  {
    name: 'runtime-linux.md#dev-symbolic-links: /dev/fd, /dev/stdin, /dev/stdout and /dev/stderr link to /proc/self/fd',
    run(t) {
      const out = t.check([['all']]);
      const byName = new Map<string, DeviceEntry>(out.all.devices.map((d) => [d.name, d]));
      const want: Record<string, string> = { fd: '/proc/self/fd', stdin: '/proc/self/fd/0', stdout: '/proc/self/fd/1', stderr: '/proc/self/fd/2' };
      for (const [name, target] of Object.entries(want)) {
        const d = byName.get(name);
        t.eq(d ? { type: d.type, target: d.target } : null, { type: 'l', target }, `/dev/${name}`);
      }
    },
  },
  {
    name: 'config-linux.md#devices: configured devices (c, b, u, p, inside and outside /dev) exist with their numbers, fileMode, uid and gid',
    run(t) {
      const out = t.check([['stat', '/dev/fuse'], ['stat', '/dev/conf-loop'], ['stat', '/dev/conf-u'], ['stat', '/dev/conf-fifo'], ['stat', '/opt/tun']], (s) => {
        s.linux!.devices = [
          { path: '/dev/fuse', type: 'c', major: 10, minor: 229, fileMode: 0o640, uid: 1000, gid: 1001 },
          { path: '/dev/conf-loop', type: 'b', major: 7, minor: 0, fileMode: 0o660, uid: 0, gid: 6 },
          { path: '/dev/conf-u', type: 'u', major: 1, minor: 11, fileMode: 0o600 },
          { path: '/dev/conf-fifo', type: 'p', fileMode: 0o644 },
          { path: '/opt/tun', type: 'c', major: 10, minor: 200, fileMode: 0o666 },
        ];
      });
      const pick = (k: string) => {
        const s = out[`stat ${k}`];
        return s.exists ? { type: s.type, major: s.major, minor: s.minor, mode: s.mode, uid: s.uid, gid: s.gid } : null;
      };
      t.eq(pick('/dev/fuse'), { type: 'c', major: 10, minor: 229, mode: '0640', uid: 1000, gid: 1001 }, '/dev/fuse');
      t.eq(pick('/dev/conf-loop'), { type: 'b', major: 7, minor: 0, mode: '0660', uid: 0, gid: 6 }, '/dev/conf-loop');
      t.eq(pick('/dev/conf-u'), { type: 'c', major: 1, minor: 11, mode: '0600', uid: 0, gid: 0 }, '/dev/conf-u (type u)');
      t.eq(pick('/dev/conf-fifo') && { type: pick('/dev/conf-fifo')!.type, mode: pick('/dev/conf-fifo')!.mode }, { type: 'p', mode: '0644' }, '/dev/conf-fifo');
      t.eq(pick('/opt/tun'), { type: 'c', major: 10, minor: 200, mode: '0666', uid: 0, gid: 0 }, '/opt/tun (outside /dev)');
    },
  },
  {
    name: 'config-linux.md#devices: a file already at path that is not the requested device is an error',
    run(t) {
      const b = t.bundle(checker(['all']), (s) => {
        s.linux!.devices = [{ path: '/etc/conflict', type: 'c', major: 1, minor: 3 }];
      });
      fs.writeFileSync(path.join(b.rootfs, 'etc', 'conflict'), 'a regular file');
      t.expectRefused(b, 'regular file at a device path');
    },
  },
  {
    name: 'config-linux.md#allowed-device-list: with all devices denied, a configured device node cannot be opened',
    run(t) {
      const out = t.check([['write', '/dev/conf-kmsg', 'oci-conformance-denied']], (s) => {
        s.linux!.devices = [{ path: '/dev/conf-kmsg', ...KMSG, fileMode: 0o666 }];
        s.linux!.resources = { devices: [{ allow: false, access: 'rwm' }] };
      });
      t.eq(out['write /dev/conf-kmsg oci-conformance-denied'].errno, 1, 'opening it fails with EPERM');
    },
  },
  {
    name: 'config-linux.md#allowed-device-list: an allow entry grants access, and entries apply in the listed order',
    run(t) {
      const allowed = t.check([['write', '/dev/conf-kmsg', 'oci-conformance-allowed']], (s) => {
        s.linux!.devices = [{ path: '/dev/conf-kmsg', ...KMSG, fileMode: 0o666 }];
        s.linux!.resources = { devices: [{ allow: false, access: 'rwm' }, { allow: true, ...KMSG, access: 'w' }] };
      });
      t.eq(allowed['write /dev/conf-kmsg oci-conformance-allowed'].ok, true, 'deny all, then allow c 1:11 w: writing works');
      const denied = t.check([['write', '/dev/conf-kmsg', 'oci-conformance-denied']], (s) => {
        s.linux!.devices = [{ path: '/dev/conf-kmsg', ...KMSG, fileMode: 0o666 }];
        s.linux!.resources = { devices: [{ allow: false, access: 'rwm' }, { allow: true, ...KMSG, access: 'w' }, { allow: false, ...KMSG, access: 'w' }] };
      });
      t.eq(denied['write /dev/conf-kmsg oci-conformance-denied'].errno, 1, 'then deny c 1:11 w again: EPERM');
    },
  },
];
