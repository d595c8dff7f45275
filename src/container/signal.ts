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

/** Polls until the process is gone (or a zombie): processes we did not parent cannot be waited for. */
export function waitGone(pid: number, startTime: string | undefined, timeoutMs: number): boolean {
  const deadline = Date.now() + timeoutMs;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  let delay = 1;
  while (isAlive(pid, startTime)) {
    if (Date.now() > deadline) return false;
    Atomics.wait(sleeper, 0, 0, delay);
    delay = Math.min(delay * 2, 50);
  }
  return true;
}
