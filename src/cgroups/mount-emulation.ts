// A `type: cgroup` mount when the host runs cgroup v1 (or hybrid): there is no single
// cgroup filesystem to mount, so runc builds one: a tmpfs at the destination and, inside
// it, one directory per host hierarchy, named as the host names it (cpu, cpuacct, memory,
// systemd, unified, ...). Without a cgroup namespace each is a bind of the container's own
// cgroup directory in that hierarchy, so the container sees its cgroup as the top; with
// one, each is a fresh cgroup mount of that hierarchy (the namespace roots it for us).
// Co-mounted hierarchies ("cpu,cpuacct") also get one symlink per controller.
//
// This file only plans; the container setup performs the steps in order, resolving each
// destination inside the rootfs. As with any bind, the flags beyond MS_BIND|MS_REC (ro,
// nosuid, ...) take effect through a following MS_BIND|MS_REMOUNT of the same target. The unified tree of a hybrid host is included (runc leaves
// it out; systemd inside the container wants it).

import * as path from 'node:path';
import type { SavedCgroups } from './manager';

export const MS_RDONLY = 0x1;
export const MS_NOSUID = 0x2;
export const MS_NODEV = 0x4;
export const MS_NOEXEC = 0x8;
export const MS_REMOUNT = 0x20;
export const MS_BIND = 0x1000;
export const MS_REC = 0x4000;

export interface EmulatedMountStep {
  /** "tmpfs", "bind", "cgroup" or "cgroup2" */
  fstype: string;
  source: string;
  /** path inside the container */
  destination: string;
  flags: number;
  data: string;
  /** propagation flags to apply after the mount (MS_PRIVATE, MS_SLAVE, ... ), from the config's mount */
  propagation: number[];
}

export interface EmulatedSymlink {
  /** link text, relative: "cpu,cpuacct" */
  target: string;
  /** path inside the container: "/sys/fs/cgroup/cpu" */
  path: string;
}

export interface CgroupMountPlan {
  mounts: EmulatedMountStep[];
  symlinks: EmulatedSymlink[];
  /** true when the config asked for ro: remount the tmpfs read-only after the symlinks exist */
  remountTmpfsReadonly: boolean;
}

export interface CgroupMountRequest {
  /** the config mount's destination, usually /sys/fs/cgroup */
  destination: string;
  /** MS_* flags parsed from the config mount's options (ro, nosuid, nodev, noexec, ...) */
  flags: number;
  propagation?: number[];
  /** the container has its own cgroup namespace */
  cgroupns: boolean;
}

const DEFAULT_FLAGS = MS_NOSUID | MS_NODEV | MS_NOEXEC;

export function cgroupV1MountPlan(req: CgroupMountRequest, cgroups: Pick<SavedCgroups, 'hierarchies' | 'unified'>): CgroupMountPlan {
  const propagation = req.propagation ?? [];
  const dest = path.posix.normalize(req.destination).replace(/(.)\/+$/, '$1');
  const mounts: EmulatedMountStep[] = [
    { fstype: 'tmpfs', source: 'tmpfs', destination: dest, flags: DEFAULT_FLAGS, data: 'mode=755', propagation },
  ];
  const symlinks: EmulatedSymlink[] = [];
  const ro = req.flags & MS_RDONLY;

  for (const h of cgroups.hierarchies) {
    const at = path.posix.join(dest, h.name);
    if (req.cgroupns) {
      const named = h.controllers.find((c) => c.startsWith('name='));
      mounts.push({
        fstype: 'cgroup',
        source: named ? named.slice('name='.length) : 'cgroup',
        destination: at,
        flags: DEFAULT_FLAGS | ro,
        data: h.controllers.join(','),
        propagation: [],
      });
    } else {
      mounts.push({ fstype: 'bind', source: h.dir, destination: at, flags: MS_BIND | MS_REC | req.flags, data: '', propagation });
    }
    if (h.name.includes(',')) {
      for (const c of h.name.split(',')) symlinks.push({ target: h.name, path: path.posix.join(dest, c) });
    }
  }
  if (cgroups.unified) {
    const at = path.posix.join(dest, path.basename(cgroups.unified.mountpoint));
    mounts.push(req.cgroupns
      ? { fstype: 'cgroup2', source: 'cgroup2', destination: at, flags: DEFAULT_FLAGS | ro, data: '', propagation: [] }
      : { fstype: 'bind', source: cgroups.unified.dir, destination: at, flags: MS_BIND | MS_REC | req.flags, data: '', propagation });
  }
  return { mounts, symlinks, remountTmpfsReadonly: ro !== 0 };
}
