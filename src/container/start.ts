// `start`: release the init blocked on the exec fifo, see it exec, then poststart.
import * as fs from 'fs';

import { settleHookFrame } from '../hooks/init-report';
import { HookError, runHooks } from '../hooks/run';
import { hookState } from '../hooks/state';
import { native } from '../native';
import type { ContainerRecord } from '../state/record';
import { deriveStatus } from '../state/status';
import type { ContainerDir } from '../state/store';
import { RuntimeError } from '../util/errors';
import { isAlive } from '../util/proc';
import { destroyContainer } from './destroy';
import { describeInitError, type InitMessage } from './channel';
import { frozenCheck } from './cgroups';

/** Reads frames (addon/init/channel.h) written to the fifo after the start byte. */
function parseFrames(buf: Buffer): InitMessage[] {
  const out: InitMessage[] = [];
  let off = 0;
  while (off + 4 <= buf.length) {
    const n = buf.readUInt32LE(off);
    if (off + 4 + n > buf.length) break;
    out.push(JSON.parse(buf.subarray(off + 4, off + 4 + n).toString('utf8')) as InitMessage);
    off += 4 + n;
  }
  return out;
}

// Lives with the cgroup helpers so read-only commands need not load this module.
export { frozenCheck };

/** Called with the container's lock held and its status `created`. */
export function startCreated(rec: ContainerRecord, dir: ContainerDir): void {
  const status = deriveStatus(rec, dir.dir, frozenCheck(rec));
  if (status !== 'created') throw new RuntimeError(`cannot start a container that is ${status}: ${rec.id}`);
  // Non-blocking open never waits for a writer; it releases the init's blocked open.
  const probe = fs.openSync(dir.fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  // Readable once the init has exited: poll wakes on the start byte, on EOF, or on its death.
  const pidfd = native().pidfdOpen(rec.pid!);
  let started = false;
  const one = Buffer.alloc(1);
  try {
    const deadline = Date.now() + 10000;
    const readStartByte = (): boolean => {
      try {
        return fs.readSync(probe, one, 0, 1, null) === 1;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        return false;
      }
    };
    while (!started) {
      if (readStartByte()) started = true;
      // Between that read and this check a fast program may have been released, exec'd and
      // exited: the byte it wrote is still in the fifo, so look once more before giving up.
      else if (pidfd < 0 || !isAlive(rec.pid!, rec.initStartTime)) {
        started = readStartByte();
        break;
      }
      else if (Date.now() > deadline) throw new RuntimeError(`start ${rec.id}: the container's init did not respond`);
      else native().pollIn([probe, pidfd], Math.max(1, deadline - Date.now()));
    }
    if (!started) {
      throw new RuntimeError(`cannot start container ${rec.id}: its init process has exited`);
    }
    fs.unlinkSync(dir.fifo);
    // EOF comes exactly when the init execs (its end of the fifo is close-on-exec) or dies.
    const chunks: Buffer[] = [];
    const buf = Buffer.alloc(65536);
    for (;;) {
      let n: number;
      try {
        n = fs.readSync(probe, buf, 0, buf.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        native().pollIn([probe], -1);
        continue;
      }
      if (n <= 0) break;
      chunks.push(Buffer.from(buf.subarray(0, n)));
    }
    // startContainer hook runs (logged; a failed one is followed by the init's exit) and errors.
    let failure: RuntimeError | null = null;
    for (const m of parseFrames(Buffer.concat(chunks))) {
      if (m.type === 'hook') failure = failure ?? settleHookFrame(m);
      else if (m.type === 'error') failure = failure ?? new RuntimeError(describeInitError(m));
    }
    if (failure) {
      destroyContainer(rec, dir, true);
      throw failure;
    }
  } finally {
    fs.closeSync(probe);
    if (pidfd >= 0) fs.closeSync(pidfd);
  }
  try {
    runHooks('poststart', rec.spec.hooks?.poststart, hookState(rec, 'poststart'));
  } catch (e) {
    if (!(e instanceof HookError)) throw e;
    // Lifecycle step 9 failing: the runtime stops and destroys the container itself, then poststop.
    destroyContainer(rec, dir, true);
    throw e;
  }
}
