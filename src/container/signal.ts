// Signalling the container's init through a pidfd, after checking its start time, so a
// pid the kernel has since given to another process is never signalled.
import { native } from '../native';
import type { ContainerRecord } from '../state/record';
import { isAlive } from '../util/proc';

/** True when delivered; false when the container's init no longer exists. */
export function signalInit(rec: ContainerRecord, signal: number): boolean {
  if (!rec.pid) return false;
  const n = native();
  const fd = n.pidfdOpen(rec.pid);
  if (fd < 0) return false;
  try {
    // The pidfd pins the process: if the start time matches now, it is ours.
    if (!isAlive(rec.pid, rec.initStartTime)) return false;
    return n.pidfdSignal(fd, signal) === 0;
  } finally {
    require('fs').closeSync(fd);
  }
}

/**
 * Waits until the process is gone (or a zombie): processes we did not parent cannot be
 * waited for, but their pidfd turns readable the moment they exit.
 */
export function waitGone(pid: number, startTime: string | undefined, timeoutMs: number): boolean {
  const n = native();
  const fd = n.pidfdOpen(pid);
  if (fd < 0) return true;
  try {
    if (!isAlive(pid, startTime)) return true;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) return !isAlive(pid, startTime);
      // 0 is a timeout or an interrupted poll: look again.
      if (n.pollIn([fd], left)[0] !== 0) return true;
    }
  } finally {
    require('fs').closeSync(fd);
  }
}
