// A container's status is derived from facts, never stored: the init process (alive, same
// start time, not a zombie), the exec fifo (present until start) and the freezer.
import * as fs from 'fs';
import * as path from 'path';

import type { State, Status } from '../spec/types';
import { isAlive } from '../util/proc';
import type { ContainerRecord } from './record';

export function deriveStatus(rec: ContainerRecord, dir: string, frozen: () => boolean): Status {
  if (rec.creating) return rec.pid && isAlive(rec.pid, rec.initStartTime) ? 'creating' : 'stopped';
  if (!rec.pid || !isAlive(rec.pid, rec.initStartTime)) return 'stopped';
  // The freezer first, as runc does: a created container can be paused too, and resume
  // must then see it as paused.
  if (frozen()) return 'paused';
  return fs.existsSync(path.join(dir, 'exec.fifo')) ? 'created' : 'running';
}

/** The JSON the `state` command prints: the spec's fields plus runc's rootfs, created, owner. */
export function stateJson(rec: ContainerRecord, status: Status): State & Record<string, unknown> {
  const out: State & Record<string, unknown> = {
    ociVersion: rec.spec.ociVersion,
    id: rec.id,
    pid: status === 'stopped' ? 0 : rec.pid ?? 0,
    status,
    bundle: rec.bundle,
    rootfs: rec.rootfs,
    created: rec.created,
    owner: rec.owner,
  };
  if (rec.spec.annotations) out.annotations = rec.spec.annotations;
  return out;
}
