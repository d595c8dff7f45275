// The cgroup layer's one interface, and the choice of driver by what is mounted.
//
//   pure cgroup v2            -> V2Manager on the one tree
//   v1 or hybrid (this host)  -> V1Manager: v1 hierarchies for every resource, plus, on a
//                                hybrid host, the same path in the unified tree (joined too;
//                                used for cgroup.kill), as runc does.
//
// Lifecycle: create() makes the directories, apply() writes limits, join(pid) moves the
// container's init in before it runs user code, destroy() removes the container's
// directories on delete or a failed create. toState() is what state.json keeps so that
// later commands (kill, pause, update, events, ps, delete) rebuild the manager with
// cgroupManagerFromState() without resolving paths again.

import type { CgroupSelfJoin } from '../plan/types';
import type { LinuxResources } from '../spec/types';
import { CgroupError } from './errors';
import * as fs from 'node:fs';
import { layoutFromDirectory, layoutFromMountinfo, parseProcCgroup, type CgroupLayout } from './hierarchies';
import { cgroupDir, resolveCgroupsPath } from './paths';
import type { WriteObserver } from './fsutil';
import type { RuncStats } from './stats';
import { V1Manager } from './v1-driver';
import { V2Manager } from './v2-driver';

export { CgroupError } from './errors';
export type { RuncStats } from './stats';

export interface CgroupManager {
  /** mkdir the container's directories; remembers which ones it created. */
  create(): void;
  /** Write the limits; returns warnings ("field: message"); throws CgroupError naming the field. */
  apply(resources: LinuxResources | undefined): string[];
  /** Move `pid` into the container's cgroup in every hierarchy. */
  join(pid: number): void;
  /** What a single-threaded helper writes or clones into to join every hierarchy itself. */
  selfJoin(): CgroupSelfJoin;
  /** The container cgroup's pids.max ("max" or a number), or undefined without a pids controller. */
  pidsMax(): string | undefined;
  freeze(): void;
  thaw(): void;
  state(): 'frozen' | 'thawed';
  /** Every process in the cgroup and its descendants. */
  pids(): number[];
  /** The `data` of runc's `events --stats` (print it with statsJSON from stats.ts). */
  stats(): RuncStats;
  /** OOM kills so far in the container's memory cgroup (for `events` oom notices). */
  oomKillCount(): number;
  /** Signal every process (cgroup.kill for SIGKILL where available). */
  kill(signal: number): void;
  /** Remove the container's directories (retrying while processes exit); never their parents. */
  destroy(): void;
  toState(): SavedCgroups;
}

/** What state.json keeps about a container's cgroups. Plain JSON. */
export interface SavedCgroups {
  version: 1;
  driver: 'v1' | 'v2';
  id: string;
  /** linux.cgroupsPath after resolution: "/runtime/<id>", "/a/b", or relative "a/b" */
  cgroupsPath: string;
  /** v1 hierarchies and the container's directory in each (empty for v2) */
  hierarchies: { name: string; controllers: string[]; mountpoint: string; dir: string }[];
  /** the container's directory in the cgroup2 tree: the whole story on v2, the unified part on hybrid */
  unified: { mountpoint: string; dir: string } | null;
  /** directories create() made, outermost first */
  created: string[];
}

/**
 * Loads a cgroup v2 device program (see device-filter.ts) and attaches it to `dir`,
 * replacing any program attached before. Provided by the addon; absent in this build.
 */
export type DeviceProgramLoader = (dir: string, bytecode: Buffer, license: string) => void;

export interface DriverHooks {
  /** Sees every control-file write (debug logging, tests). */
  onWrite?: WriteObserver;
  loadDeviceProgram?: DeviceProgramLoader;
}

export interface CgroupManagerOptions extends DriverHooks {
  id: string;
  cgroupsPath?: string;
  /** The cgroup root; /sys/fs/cgroup by default. A fake tree in tests is read by its layout. */
  root?: string;
  /** Text of /proc/self/mountinfo and /proc/self/cgroup (tests); read from /proc when absent. */
  mountinfo?: string;
  procSelfCgroup?: string;
}

export const DEFAULT_CGROUP_ROOT = '/sys/fs/cgroup';

export function detectLayout(root: string, mountinfo?: string): CgroupLayout {
  const text = mountinfo ?? readOr('/proc/self/mountinfo');
  const layout = layoutFromMountinfo(text, root) ?? layoutFromDirectory(root);
  if (!layout) throw new CgroupError('cgroups', `no cgroup filesystem is mounted at ${root}`);
  return layout;
}

export function cgroupManagerFor(opts: CgroupManagerOptions): CgroupManager {
  const root = opts.root ?? DEFAULT_CGROUP_ROOT;
  const layout = detectLayout(root, opts.mountinfo);
  const resolved = resolveCgroupsPath(opts.cgroupsPath, opts.id);
  const needOwn = resolved.relative;
  const procCgroup = parseProcCgroup(needOwn ? opts.procSelfCgroup ?? readOr('/proc/self/cgroup') : '');
  const pureV2 = layout.mode === 'v2';
  const saved: SavedCgroups = {
    version: 1,
    driver: pureV2 ? 'v2' : 'v1',
    id: opts.id,
    cgroupsPath: resolved.inner,
    hierarchies: layout.v1.map((h) => ({
      name: h.name, controllers: h.controllers, mountpoint: h.mountpoint, dir: cgroupDir(h, resolved, procCgroup, false),
    })),
    unified: layout.unified
      ? { mountpoint: layout.unified.mountpoint, dir: cgroupDir(layout.unified, resolved, procCgroup, pureV2) }
      : null,
    created: [],
  };
  return cgroupManagerFromState(saved, opts);
}

export function cgroupManagerFromState(saved: SavedCgroups, hooks: DriverHooks = {}): CgroupManager {
  if (saved.version !== 1) throw new CgroupError('state.cgroups', `unknown saved cgroup format ${String(saved.version)}`);
  return saved.driver === 'v2' ? new V2Manager(saved, hooks) : new V1Manager(saved, hooks);
}

function readOr(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
