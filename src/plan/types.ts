// The launch plan: the contract between TypeScript and the init helper (addon/init/).
// Plain data, fully decided here; the helper executes it without interpretation.
import type { SeccompPlan } from '../seccomp/listener';
import type { MemoryPolicyStep } from './mempolicy';
import type { NetDeviceMove } from './netdevices';
import type { AffinityStep, SchedulerStep } from './scheduler';
import type { IdMapPlan } from './idmap';

export interface JoinStep {
  path: string;
  nstype: number;
  field: string;
}

export interface MountStep {
  field: string;
  source: string;
  destination: string;
  type: string;
  flags: number;
  data: string;
  bind: boolean;
  /** Only change the flags of what is already mounted at destination. */
  remount?: boolean;
  propagation: number[];
  /** mount_setattr(AT_RECURSIVE) after the mount: MOUNT_ATTR_* bits to set and to clear. */
  recursiveAttrs?: { set: number; clear: number };
  /** An id-mapped bind: uid_map/gid_map text of the mapping, applied to the whole tree when recursive. */
  idmap?: { uidMap: string; gidMap: string; recursive: boolean };
  /** The helper clones the source (open_tree) before entering namespaces; the init attaches it. */
  detached?: boolean;
  /** When the mount is refused (EPERM), recursively bind this host path instead. */
  fallbackBind?: string;
}

export interface DeviceStep {
  field: string;
  path: string;
  mode: number;
  major: number;
  minor: number;
  uid: number;
  gid: number;
  hostPath?: string;
}

export interface RlimitStep {
  resource: number;
  soft: string;
  hard: string;
  field: string;
}

export interface CapabilitySets {
  bounding: number[];
  effective: number[];
  inheritable: number[];
  permitted: number[];
  ambient: number[];
  lastCap: number;
}

export interface ProcessPlan {
  args: string[];
  env: string[];
  cwd: string;
  uid: number;
  gid: number;
  additionalGids: number[];
  umask?: number;
  rlimits: RlimitStep[];
  noNewPrivileges: boolean;
  oomScoreAdj?: number;
  capabilities: CapabilitySets | null;
  /** sched_setattr(2) arguments (src/plan/scheduler.ts). */
  scheduler?: SchedulerStep;
  /** ioprio_set(2) value: class << 13 | level. */
  ioPriority?: number;
  /** CPU lists; applied to exec'd processes only (the spec excludes the init). */
  execCPUAffinity?: AffinityStep;
  apparmorProfile?: string;
  selinuxLabel?: string;
}

export interface HookStep {
  path: string;
  args: string[];
  env: string[];
  timeout?: number;
}

export interface LaunchPlan {
  mode: 'init' | 'exec';
  join: JoinStep[];
  cloneFlags: number;
  newUserNamespace: boolean;
  /** A user namespace joined by path: the init becomes its root as with a new one. */
  joinUserNamespace?: boolean;
  /** Keep the container's first process dumpable until go (an unprivileged runtime writes its id maps). */
  dumpableForIdMaps?: boolean;
  /** The id maps the runtime writes for a new user namespace (not read by the helper). */
  idMaps?: IdMapPlan | null;
  unshareCgroup: boolean;
  newTimeNamespace: boolean;
  timeOffsets: string;
  setsid: boolean;
  hostname?: string;
  domainname?: string;
  rootfs?: { path: string; readonly: boolean; propagation: number; propagationAfterPivot: boolean; noPivot: boolean };
  mounts: MountStep[];
  devices: DeviceStep[];
  symlinks: { path: string; target: string }[];
  maskedPaths: string[];
  readonlyPaths: string[];
  sysctl: { key: string; value: string }[];
  console: { socket?: string; width?: number; height?: number } | null;
  fifo?: string;
  process: ProcessPlan;
  seccomp: SeccompPlan | null;
  /** personality(2) argument. */
  personality?: number;
  /** set_mempolicy(2) mode (with flags) and nodes. */
  memoryPolicy?: MemoryPolicyStep;
  /** Interfaces the runtime moves into the container's network namespace (not read by the helper). */
  netDevices?: NetDeviceMove[];
  hooks: { createContainer: HookStep[]; startContainer: HookStep[] };
  preserveFds: number;
  /**
   * The cgroups the helper moves itself into before the clone, so the container's first
   * process is born in them (see CgroupSelfJoin); absent when the runtime moves it instead.
   */
  cgroupJoin?: CgroupSelfJoin;
}

/**
 * How a single-threaded process puts itself and its next child into a container's cgroups
 * without the kernel's global threadgroup lock (and the RCU grace period its first taker
 * waits for): writing "0" to a v1 hierarchy's `tasks` file moves only the writing thread,
 * which needs no such lock, and clone3(CLONE_INTO_CGROUP) starts the child in a cgroup2
 * directory, also without it.
 */
export interface CgroupSelfJoin {
  /** v1 `tasks` files to write "0" to. */
  tasks: string[];
  /** The cgroup2 directory to clone into (the unified part of a hybrid host), or null. */
  cloneInto: string | null;
}
