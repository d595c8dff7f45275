// How container commands reach the cgroup layer (src/cgroups), kept in one place.
import { freezerState } from '../cgroups/freezer-state';
import type { CgroupManager, SavedCgroups } from '../cgroups/manager';
import { native } from '../native';
import type { ContainerRecord } from '../state/record';

/** Loaded on first use: `state` and `list` of a created or stopped container never need it. */
function manager(): typeof import('../cgroups/manager') {
  return require('../cgroups/manager');
}

/** cgroup v2 device rules are a BPF program the addon loads; the addon loads only when one is needed. */
const hooks = {
  loadDeviceProgram: (dir: string, bytecode: Buffer, license: string) => native().loadDeviceProgram(dir, bytecode, license),
};

export function managerForNew(id: string, cgroupsPath: string | undefined): CgroupManager {
  return manager().cgroupManagerFor({ id, cgroupsPath, ...hooks });
}

export function managerOf(rec: ContainerRecord): CgroupManager | null {
  const { cgroupManagerFromState } = manager();
  return rec.cgroups ? cgroupManagerFromState(rec.cgroups as Parameters<typeof cgroupManagerFromState>[0], hooks) : null;
}

/** For deriveStatus: whether the container's freezer says frozen (read only when it matters). */
export function frozenCheck(rec: ContainerRecord): () => boolean {
  return () => {
    try {
      return rec.cgroups ? freezerState(rec.cgroups as SavedCgroups) === 'frozen' : false;
    } catch {
      return false;
    }
  };
}
