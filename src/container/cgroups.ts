// How container commands reach the cgroup layer (src/cgroups), kept in one place.
import { cgroupManagerFor, cgroupManagerFromState, type CgroupManager } from '../cgroups/manager';
import type { ContainerRecord } from '../state/record';

export function managerForNew(id: string, cgroupsPath: string | undefined): CgroupManager {
  return cgroupManagerFor({ id, cgroupsPath });
}

export function managerOf(rec: ContainerRecord): CgroupManager | null {
  return rec.cgroups ? cgroupManagerFromState(rec.cgroups as Parameters<typeof cgroupManagerFromState>[0]) : null;
}
