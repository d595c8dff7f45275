// config.json mounts -> mount steps: option strings become mount(2) flags and data here,
// so the init helper only performs syscalls.
import * as path from 'path';

import type { Mount } from '../spec/types';
import { RuntimeError } from '../util/errors';
import type { MountStep } from './types';

export const MS = {
  RDONLY: 1,
  NOSUID: 2,
  NODEV: 4,
  NOEXEC: 8,
  SYNCHRONOUS: 16,
  REMOUNT: 32,
  MANDLOCK: 64,
  DIRSYNC: 128,
  NOSYMFOLLOW: 256,
  NOATIME: 1024,
  NODIRATIME: 2048,
  BIND: 4096,
  MOVE: 8192,
  REC: 16384,
  SILENT: 32768,
  UNBINDABLE: 1 << 17,
  PRIVATE: 1 << 18,
  SLAVE: 1 << 19,
  SHARED: 1 << 20,
  RELATIME: 1 << 21,
  STRICTATIME: 1 << 24,
} as const;

/** option -> [flags to set, flags to clear] */
const FLAG_OPTIONS: Record<string, [number, number]> = {
  defaults: [0, 0],
  ro: [MS.RDONLY, 0],
  rw: [0, MS.RDONLY],
  nosuid: [MS.NOSUID, 0],
  suid: [0, MS.NOSUID],
  nodev: [MS.NODEV, 0],
  dev: [0, MS.NODEV],
  noexec: [MS.NOEXEC, 0],
  exec: [0, MS.NOEXEC],
  sync: [MS.SYNCHRONOUS, 0],
  async: [0, MS.SYNCHRONOUS],
  dirsync: [MS.DIRSYNC, 0],
  remount: [MS.REMOUNT, 0],
  mand: [MS.MANDLOCK, 0],
  nomand: [0, MS.MANDLOCK],
  noatime: [MS.NOATIME, 0],
  atime: [0, MS.NOATIME],
  nodiratime: [MS.NODIRATIME, 0],
  diratime: [0, MS.NODIRATIME],
  relatime: [MS.RELATIME, 0],
  norelatime: [0, MS.RELATIME],
  strictatime: [MS.STRICTATIME, 0],
  nostrictatime: [0, MS.STRICTATIME],
  nosymfollow: [MS.NOSYMFOLLOW, 0],
  symfollow: [0, MS.NOSYMFOLLOW],
  bind: [MS.BIND, 0],
  rbind: [MS.BIND | MS.REC, 0],
  silent: [MS.SILENT, 0],
  loud: [0, MS.SILENT],
};

export const PROPAGATION: Record<string, number> = {
  private: MS.PRIVATE,
  rprivate: MS.PRIVATE | MS.REC,
  shared: MS.SHARED,
  rshared: MS.SHARED | MS.REC,
  slave: MS.SLAVE,
  rslave: MS.SLAVE | MS.REC,
  unbindable: MS.UNBINDABLE,
  runbindable: MS.UNBINDABLE | MS.REC,
};

/** Recursive mount attributes (mount_setattr) and id-mapping: not performed by this build yet. */
const UNSUPPORTED = /^(r(ro|rw|nosuid|suid|nodev|dev|noexec|exec|nodiratime|diratime|relatime|norelatime|noatime|atime|strictatime|nostrictatime|nosymfollow|symfollow)|idmap|ridmap)$/;

/** Options some engines add for their own use; runc passes them on as data, which breaks bind mounts. */
const IGNORED = new Set(['tmpcopyup', 'notmpcopyup', 'copy-symlink', 'x-mount.mkdir']);

export interface ParsedOptions {
  flags: number;
  propagation: number[];
  data: string[];
  bind: boolean;
}

export function parseMountOptions(options: string[] = [], field: string): ParsedOptions {
  let flags = 0;
  const propagation: number[] = [];
  const data: string[] = [];
  options.forEach((opt, i) => {
    const f = FLAG_OPTIONS[opt];
    if (f) {
      flags = (flags | f[0]) & ~f[1];
    } else if (PROPAGATION[opt] !== undefined) {
      propagation.push(PROPAGATION[opt]);
    } else if (UNSUPPORTED.test(opt)) {
      throw new RuntimeError(`config.json: ${field}.options[${i}]: mount option ${opt} is not supported by this runtime build`);
    } else if (!IGNORED.has(opt)) {
      data.push(opt);
    }
  });
  return { flags, propagation, data, bind: (flags & MS.BIND) !== 0 };
}

export function mountStep(m: Mount, index: number, bundle: string, warn: (msg: string) => void): MountStep {
  const field = `mounts[${index}]`;
  const opts = parseMountOptions(m.options, field);
  const bind = opts.bind || m.type === 'bind';
  let destination = m.destination;
  if (!path.isAbsolute(destination)) {
    warn(`config.json: ${field}.destination: ${destination} is relative; treating it as /${destination} (the spec requires an absolute path)`);
    destination = '/' + destination;
  }
  let source = m.source ?? m.type ?? 'none';
  if (bind && !path.isAbsolute(source)) source = path.resolve(bundle, source);
  return {
    field,
    source,
    destination: path.posix.normalize(destination),
    type: bind ? '' : m.type ?? '',
    flags: bind ? opts.flags | MS.BIND : opts.flags,
    data: opts.data.join(','),
    bind,
    propagation: opts.propagation,
  };
}

/**
 * A `cgroup` mount on a v1 host cannot be one mount: emulate it as runc does, with a tmpfs
 * and one bind per hierarchy of the container's own cgroup directory.
 */
export function cgroupV1MountSteps(
  m: Mount,
  index: number,
  hierarchies: { name: string; hostPath: string }[],
): MountStep[] {
  const field = `mounts[${index}]`;
  const opts = parseMountOptions(m.options, field);
  const dest = path.posix.normalize(m.destination);
  const steps: MountStep[] = [
    { field, source: 'tmpfs', destination: dest, type: 'tmpfs', flags: opts.flags & ~MS.RDONLY, data: 'mode=755', bind: false, propagation: [] },
  ];
  for (const h of hierarchies) {
    steps.push({
      field,
      source: h.hostPath,
      destination: path.posix.join(dest, h.name),
      type: '',
      flags: MS.BIND | MS.REC | (opts.flags & (MS.RDONLY | MS.NOSUID | MS.NODEV | MS.NOEXEC)),
      data: '',
      bind: true,
      propagation: [],
    });
  }
  // The tmpfs itself becomes read-only last, after its mount points exist.
  if (opts.flags & MS.RDONLY) {
    steps.push({ field, source: '', destination: dest, type: '', flags: MS.RDONLY | (opts.flags & (MS.NOSUID | MS.NODEV | MS.NOEXEC)), data: '', bind: false, remount: true, propagation: [] });
  }
  return steps;
}
