// Undoing create (lifecycle step 12) and running poststop (step 13): used by delete and by
// every failed create, so nothing is left behind either way.
import { runHooks } from '../hooks/run';
import type { ContainerRecord } from '../state/record';
import { hookState } from '../hooks/state';
import type { ContainerDir } from '../state/store';
import { log } from '../util/log';
import { managerOf } from './cgroups';
import { signalInit, waitGone } from './signal';

const SIGKILL = 9;

export function killAndWait(rec: ContainerRecord, cg = managerOf(rec)): void {
  if (rec.pid && signalInit(rec, SIGKILL)) {
    // A paused container's processes act on SIGKILL only once thawed (delete --force).
    try {
      if (cg?.state() === 'frozen') cg.thaw();
    } catch (e) {
      log.warn(`container ${rec.id}: thawing: ${(e as Error).message}`);
    }
    if (!waitGone(rec.pid, rec.initStartTime, 10000)) log.warn(`container ${rec.id}: init ${rec.pid} did not exit after SIGKILL`);
  }
  // Without its own pid namespace the init's death leaves the rest running: kill them all.
  if (cg) {
    try {
      if (cg.pids().length > 0) cg.kill(SIGKILL);
    } catch (e) {
      log.warn(`container ${rec.id}: killing remaining processes: ${(e as Error).message}`);
    }
  }
}

export function destroyContainer(rec: ContainerRecord | null, dir: ContainerDir, runPoststop: boolean): void {
  if (rec) {
    const cg = managerOf(rec);
    killAndWait(rec, cg);
    if (cg) {
      try {
        cg.destroy();
      } catch (e) {
        log.warn(`container ${rec.id}: removing cgroups: ${(e as Error).message}`);
      }
    }
  }
  dir.remove();
  // Step 13: after the container is gone. A failing poststop hook is a warning; the rest still run.
  if (rec && runPoststop) runHooks('poststop', rec.spec.hooks?.poststop, hookState(rec, 'poststop'), 'warn');
}
