// config.json mounts -> mount steps: option strings become mount(2) flags and data here,
// so the init helper only performs syscalls.
import * as path from 'path';

import type { Mount } from '../spec/types';
import { RuntimeError } from '../util/errors';
import { idMapText } from './idmap';
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
  I_VERSION: 1 << 23,
  STRICTATIME: 1 << 24,
  LAZYTIME: 1 << 25,
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
  // Flags too, not data: the kernel refuses iversion as filesystem data (EINVAL).
  iversion: [MS.I_VERSION, 0],
  noiversion: [0, MS.I_VERSION],
  lazytime: [MS.LAZYTIME, 0],
  nolazytime: [0, MS.LAZYTIME],
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

/** mount_setattr(2) attribute bits. */
export const MOUNT_ATTR = {
  RDONLY: 0x1,
  NOSUID: 0x2,
  NODEV: 0x4,
  NOEXEC: 0x8,
  ATIME: 0x70,
  RELATIME: 0x0,
  NOATIME: 0x10,
  STRICTATIME: 0x20,
  NODIRATIME: 0x80,
  NOSYMFOLLOW: 0x200000,
} as const;

const A = MOUNT_ATTR;
/**
 * Recursive options (mount_setattr with AT_RECURSIVE): option -> [attributes to set, to clear].
 * Access time is one field of three modes: the kernel wants the whole field cleared and one
 * mode set, so ratime/rnostrictatime mean the default (relatime) and rnorelatime strictatime,
 * as their non-recursive namesakes do in mount(8).
 */
const RECURSIVE: Record<string, [number, number]> = {
  rro: [A.RDONLY, 0],
  rrw: [0, A.RDONLY],
  rnosuid: [A.NOSUID, 0],
  rsuid: [0, A.NOSUID],
  rnodev: [A.NODEV, 0],
  rdev: [0, A.NODEV],
  rnoexec: [A.NOEXEC, 0],
  rexec: [0, A.NOEXEC],
  rnodiratime: [A.NODIRATIME, 0],
  rdiratime: [0, A.NODIRATIME],
  rnosymfollow: [A.NOSYMFOLLOW, 0],
  rsymfollow: [0, A.NOSYMFOLLOW],
  rrelatime: [A.RELATIME, A.ATIME],
  ratime: [A.RELATIME, A.ATIME],
  rnostrictatime: [A.RELATIME, A.ATIME],
  rnoatime: [A.NOATIME, A.ATIME],
  rstrictatime: [A.STRICTATIME, A.ATIME],
  rnorelatime: [A.STRICTATIME, A.ATIME],
};

/** Options some engines add for their own use; runc passes them on as data, which breaks bind mounts. */
const IGNORED = new Set(['tmpcopyup', 'notmpcopyup', 'copy-symlink', 'x-mount.mkdir']);

export interface ParsedOptions {
  flags: number;
  propagation: number[];
  data: string[];
  bind: boolean;
  /** Recursive attributes, when any r* option was given. */
  recursive?: { set: number; clear: number };
  idmap?: 'idmap' | 'ridmap';
}

export function parseMountOptions(options: string[] = [], field: string): ParsedOptions {
  let flags = 0;
  const propagation: number[] = [];
  const data: string[] = [];
  let recursive: { set: number; clear: number } | undefined;
  let idmap: 'idmap' | 'ridmap' | undefined;
  options.forEach((opt) => {
    const f = FLAG_OPTIONS[opt];
    const r = RECURSIVE[opt];
    if (f) {
      flags = (flags | f[0]) & ~f[1];
    } else if (PROPAGATION[opt] !== undefined) {
      propagation.push(PROPAGATION[opt]);
    } else if (r) {
      // Later options win, as with the flags above.
      const cur = recursive ?? { set: 0, clear: 0 };
      recursive = { set: (cur.set & ~r[1]) | r[0], clear: (cur.clear & ~r[0]) | r[1] };
    } else if (opt === 'idmap' || opt === 'ridmap') {
      idmap = opt;
    } else if (!IGNORED.has(opt)) {
      data.push(opt);
    }
  });
  const out: ParsedOptions = { flags, propagation, data, bind: (flags & MS.BIND) !== 0 };
  if (recursive) out.recursive = recursive;
  if (idmap) out.idmap = idmap;
  return out;
}

/**
 * The entries under /proc a mount may cover: those lxcfs emulates, as runc allows. Anything
 * else under /proc (a tmpfs over /proc/sys, a bind over /proc/self/...) would undo what
 * masking and read-only /proc/sys protect, so runc refuses it and so do we.
 */
export const PROC_MOUNTS_ALLOWED = [
  '/proc/cpuinfo', '/proc/diskstats', '/proc/meminfo', '/proc/stat', '/proc/swaps', '/proc/uptime',
  '/proc/loadavg', '/proc/slabinfo', '/proc/net/dev', '/proc/sys/kernel/ns_last_pid', '/proc/sys/crypto/fips_enabled',
];

function checkProcDestination(destination: string, type: string, bind: boolean, field: string): void {
  if (destination === '/proc') {
    if (type !== 'proc' && !bind) throw new RuntimeError(`config.json: ${field}: only a proc filesystem may be mounted on /proc, not ${type || 'this mount'}`);
    return;
  }
  if (!destination.startsWith('/proc/') || PROC_MOUNTS_ALLOWED.includes(destination)) return;
  throw new RuntimeError(
    `config.json: ${field}.destination: ${destination} is inside /proc; only ${PROC_MOUNTS_ALLOWED.join(', ')} may be mounted over (as in runc)`,
  );
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
  checkProcDestination(path.posix.normalize(destination).replace(/(.)\/+$/, '$1'), m.type ?? '', bind, field);
  let source = m.source ?? m.type ?? 'none';
  if (bind && !path.isAbsolute(source)) source = path.resolve(bundle, source);
  const step: MountStep = {
    field,
    source,
    destination: path.posix.normalize(destination),
    type: bind ? '' : m.type ?? '',
    flags: bind ? opts.flags | MS.BIND : opts.flags,
    data: opts.data.join(','),
    bind,
    propagation: opts.propagation,
  };
  if (opts.recursive) step.recursiveAttrs = opts.recursive;
  const idmap = idmapOf(m, field, opts, bind);
  if (idmap) step.idmap = idmap;
  return step;
}

/**
 * idmap/ridmap, or mount uidMappings/gidMappings without either option (runc's reading).
 * Empty map texts mean "the container's user namespace mappings", filled in by planUserNamespace.
 */
function idmapOf(m: Mount, field: string, opts: ParsedOptions, bind: boolean): MountStep['idmap'] {
  const hasMaps = !!(m.uidMappings?.length || m.gidMappings?.length);
  if (!opts.idmap && !hasMaps) return undefined;
  if (!bind) throw new RuntimeError(`config.json: ${field}.options: id-mapped mounts are supported for bind mounts only`);
  if (hasMaps && !m.uidMappings?.length) throw new RuntimeError(`config.json: ${field}.uidMappings: required together with gidMappings`);
  if (hasMaps && !m.gidMappings?.length) throw new RuntimeError(`config.json: ${field}.gidMappings: required together with uidMappings`);
  return {
    uidMap: hasMaps ? idMapText(m.uidMappings!) : '',
    gidMap: hasMaps ? idMapText(m.gidMappings!) : '',
    recursive: opts.idmap === 'ridmap',
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
