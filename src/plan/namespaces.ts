// config.json namespaces -> clone flags and setns steps.
import type { Namespace, NamespaceType } from '../spec/types';
import { RuntimeError } from '../util/errors';
import type { JoinStep } from './types';

export const CLONE_FLAGS: Record<NamespaceType, number> = {
  mount: 0x00020000,
  cgroup: 0x02000000,
  uts: 0x04000000,
  ipc: 0x08000000,
  user: 0x10000000,
  pid: 0x20000000,
  network: 0x40000000,
  time: 0x00000080,
};

/** The names /proc/PID/ns uses. */
export const PROC_NS_NAME: Record<NamespaceType, string> = {
  mount: 'mnt',
  cgroup: 'cgroup',
  uts: 'uts',
  ipc: 'ipc',
  user: 'user',
  pid: 'pid',
  network: 'net',
  time: 'time',
};

export interface NamespacePlan {
  join: JoinStep[];
  cloneFlags: number;
  newUserNamespace: boolean;
  unshareCgroup: boolean;
  newTimeNamespace: boolean;
  has: (t: NamespaceType) => boolean;
  isNew: (t: NamespaceType) => boolean;
}

export function planNamespaces(namespaces: Namespace[] = []): NamespacePlan {
  const join: JoinStep[] = [];
  let userJoin: JoinStep | undefined;
  let cloneFlags = 0;
  const present = new Set<NamespaceType>();
  const fresh = new Set<NamespaceType>();
  namespaces.forEach((ns, i) => {
    const flag = CLONE_FLAGS[ns.type];
    if (flag === undefined) throw new RuntimeError(`config.json: linux.namespaces[${i}].type: unknown namespace type ${ns.type}`);
    present.add(ns.type);
    if (ns.path) {
      const step = { path: ns.path, nstype: flag, field: `linux.namespaces[${i}].path` };
      // As host root we may enter every other namespace first; after entering a user
      // namespace, host-owned ones would be out of reach.
      if (ns.type === 'user') userJoin = step;
      else join.push(step);
    } else {
      fresh.add(ns.type);
      // cgroup: unshared by the init after it joined its cgroup; time: unshared by the helper.
      if (ns.type !== 'cgroup' && ns.type !== 'time') cloneFlags |= flag;
    }
  });
  if (userJoin) join.push(userJoin);
  return {
    join,
    cloneFlags,
    newUserNamespace: fresh.has('user'),
    unshareCgroup: fresh.has('cgroup'),
    newTimeNamespace: fresh.has('time'),
    has: (t) => present.has(t),
    isNew: (t) => fresh.has(t),
  };
}

/** /proc/PID/timens_offsets lines for linux.timeOffsets. */
export function timeOffsetsText(offsets: Record<string, { secs?: number; nanosecs?: number }> | undefined): string {
  if (!offsets) return '';
  return Object.entries(offsets)
    .map(([clock, o]) => `${clock} ${o.secs ?? 0} ${o.nanosecs ?? 0}\n`)
    .join('');
}
