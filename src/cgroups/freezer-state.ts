// Whether a container's cgroup is frozen, read from its saved cgroup state alone. `state`
// and `list` ask this of every live container; answering it without a driver keeps the
// drivers, their resource tables and stats out of those commands.
import * as path from 'node:path';

import { readOptional } from './fsutil';
import type { SavedCgroups } from './manager';

export function freezerState(saved: SavedCgroups): 'frozen' | 'thawed' {
  if (saved.driver === 'v1') {
    // The v1 freezer when mounted; on a host without it, the unified hierarchy's cgroup.freeze.
    const freezer = saved.hierarchies.find((h) => h.controllers.includes('freezer'))?.dir;
    if (freezer) return readOptional(path.join(freezer, 'freezer.state')) === 'FROZEN' ? 'frozen' : 'thawed';
  }
  const unified = saved.unified?.dir;
  return unified && readOptional(path.join(unified, 'cgroup.freeze')) === '1' ? 'frozen' : 'thawed';
}
