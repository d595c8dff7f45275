// Moving a process into a cgroup (a write to cgroup.procs) takes the kernel's global
// threadgroup lock for writing. When nobody has taken it lately, that waits for an RCU
// grace period: 5-15 ms of idle waiting on a small VM, the largest single cost of `run`.
// Once released, the lock stays cheap to take again for about one more grace period.
//
// So `create` and `exec` start, on a libuv pool thread, a write that moves this process
// into the cgroup it is already in (a no-op move, which takes the lock all the same) before
// anything else. The grace period then passes while the main thread reads and validates
// the config and prepares the container, and the real move that follows is cheap. Nothing
// waits for this write and its result is ignored: at worst the real move pays as before.
import * as fs from 'node:fs';

/** Where this process's own cgroup.procs is, from /proc/self/cgroup: v2 first, else pids. */
export function ownProcsFile(procSelfCgroup: string, exists: (p: string) => boolean): string | undefined {
  const lines = procSelfCgroup.split('\n');
  const unified = lines.find((l) => l.startsWith('0::'))?.slice(3);
  if (unified !== undefined) {
    for (const mount of ['/sys/fs/cgroup/unified', '/sys/fs/cgroup']) {
      const file = `${mount}${unified === '/' ? '' : unified}/cgroup.procs`;
      if (exists(file)) return file;
    }
  }
  const pids = lines.map((l) => /^\d+:([^:]*):(.*)$/.exec(l)).find((m) => m && m[1].split(',').includes('pids'));
  if (pids) {
    const file = `/sys/fs/cgroup/pids${pids[2] === '/' ? '' : pids[2]}/cgroup.procs`;
    if (exists(file)) return file;
  }
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
