// Writing a new user namespace's id maps while its first process waits.
import * as fs from 'fs';

import type { IdMapping } from '../spec/types';
import { RuntimeError } from '../util/errors';

function mapText(maps: IdMapping[]): string {
  return maps.map((m) => `${m.containerID} ${m.hostID} ${m.size}\n`).join('');
}

export function writeIdMaps(pid: number, uid: IdMapping[] | undefined, gid: IdMapping[] | undefined): void {
  if (!uid?.length || !gid?.length)
    throw new RuntimeError('config.json: linux.uidMappings: a new user namespace needs uidMappings and gidMappings when the runtime runs as root');
  try {
    fs.writeFileSync(`/proc/${pid}/uid_map`, mapText(uid));
  } catch (e) {
    throw new RuntimeError(`config.json: linux.uidMappings: writing uid_map failed: ${(e as NodeJS.ErrnoException).code}`);
  }
  try {
    fs.writeFileSync(`/proc/${pid}/gid_map`, mapText(gid));
  } catch (e) {
    throw new RuntimeError(`config.json: linux.gidMappings: writing gid_map failed: ${(e as NodeJS.ErrnoException).code}`);
  }
}
