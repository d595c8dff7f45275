// The launch plan: the contract between TypeScript and the init helper (addon/init/).
// Plain data, fully decided here; the helper executes it without interpretation.

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
  seccomp: { bpf: string; flags: number } | null;
  hooks: { createContainer: HookStep[]; startContainer: HookStep[] };
  preserveFds: number;
}
