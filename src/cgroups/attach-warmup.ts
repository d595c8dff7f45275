// Moving a process into a cgroup (a write to cgroup.procs) takes the kernel's global
// threadgroup lock for writing. When nobody has taken it lately, that waits for an RCU
// grace period: 5-15 ms of idle waiting on a small VM. Once released, the lock stays cheap
// to take again for about one more grace period.
//
// Usually the container's init is born in its cgroups and nobody waits (CgroupSelfJoin in
// src/plan/types.ts). When `create` must move the init itself instead (rootless, a pids
// limit below 2), it first starts, on a libuv pool thread, a write that moves this process
// into the cgroup it is already in (a no-op move, which takes the lock all the same). The
// grace period then passes while the main thread prepares the container, and the real move
// that follows is cheap. Nothing waits for this write and its result is ignored: at worst
// the real move pays as before.
import * as fs from 'node:fs';

import { parseProcCgroup } from './hierarchies';

/** Where this process's own cgroup.procs is, from /proc/self/cgroup: v2 first, else pids. */
export function ownProcsFile(procSelfCgroup: string, exists: (p: string) => boolean): string | undefined {
  const own = parseProcCgroup(procSelfCgroup);
  const below = (mount: string, p: string) => `${mount}${p === '/' ? '' : p}/cgroup.procs`;
  const unified = own.get('');
  if (unified !== undefined) {
    for (const mount of ['/sys/fs/cgroup/unified', '/sys/fs/cgroup']) {
      if (exists(below(mount, unified))) return below(mount, unified);
    }
  }
  const pids = [...own].find(([names]) => names.split(',').includes('pids'))?.[1];
  if (pids !== undefined && exists(below('/sys/fs/cgroup/pids', pids))) return below('/sys/fs/cgroup/pids', pids);
  return undefined;
}

export function warmUpCgroupAttach(): void {
  let file: string | undefined;
  try {
    file = ownProcsFile(fs.readFileSync('/proc/self/cgroup', 'utf8'), fs.existsSync);
  } catch {
    return;
  }
  if (!file) return;
  // Opened here (cheap; O_WRONLY alone, so a cgroup file is never created or truncated) so
  // that the pool thread's one job is the write itself, which runs while this thread works.
  // A callback chain (open, then write) would wait for this thread to reach the event loop.
  // "0" is the writer's own process.
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_WRONLY);
  } catch {
    return;
  }
  fs.write(fd, '0', () => fs.close(fd, () => {}));
}
