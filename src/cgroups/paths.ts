// Where a container's cgroup lives: linux.cgroupsPath resolved against each hierarchy.
//
// - Absolute ("/a/b"): below each hierarchy's mount point (the spec's rule).
// - Relative ("a/b"): below the runtime's own cgroup, as runc does: in each v1 hierarchy
//   the cgroup this process is in; on pure cgroup v2 the parent of that cgroup, because a
//   v2 cgroup holding processes (ours) cannot hand controllers to children.
// - Absent: "/runtime/<id>". runc uses "<own cgroup>/<id>"; a fixed absolute default keeps
//   containers out of whatever (often systemd-managed, process-holding) cgroup the caller
//   runs in, and gives the same place for the same id wherever the runtime is started from.
// ".." never climbs above the hierarchy root: the path is cleaned as if absolute.

import * as path from 'node:path';
import { CgroupError } from './errors';
import { ownCgroup, type Hierarchy } from './hierarchies';

export const DEFAULT_CGROUP_PARENT = '/runtime';

export interface ResolvedPath {
  relative: boolean;
  /** cleaned path; starts with "/" when absolute */
  inner: string;
}

export function resolveCgroupsPath(cgroupsPath: string | undefined, id: string): ResolvedPath {
  const field = 'linux.cgroupsPath';
  if (cgroupsPath === undefined || cgroupsPath === '') {
    if (!id || id.includes('/') || id === '.' || id === '..') throw new CgroupError('id', `"${id}" cannot name a cgroup`);
    return { relative: false, inner: `${DEFAULT_CGROUP_PARENT}/${id}` };
  }
  if (cgroupsPath.includes('\0')) throw new CgroupError(field, 'contains a NUL byte');
  const relative = !cgroupsPath.startsWith('/');
  const cleaned = path.posix.resolve('/', cgroupsPath);
  if (cleaned === '/') {
    throw new CgroupError(field, relative
      ? `"${cgroupsPath}" resolves to the runtime's own cgroup`
      : 'the root cgroup cannot be a container\'s cgroup');
  }
  return { relative, inner: relative ? cleaned.slice(1) : cleaned };
}

/** The container's directory in one hierarchy. `pureV2` selects the parent-of-own-cgroup rule. */
export function cgroupDir(h: Hierarchy, p: ResolvedPath, procCgroup: Map<string, string>, pureV2: boolean): string {
  if (!p.relative) return path.join(h.mountpoint, p.inner);
  let own = ownCgroup(h, procCgroup) ?? '/';
  if (pureV2) own = path.posix.dirname(own);
  return path.join(h.mountpoint, own, p.inner);
}
