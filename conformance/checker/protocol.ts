// The checker's command line and output, as the harness sees them (README.md
// in this directory is the prose version). Only shapes and pure helpers here:
// running the binary inside a container is the harness's business.

/** One probe: its name, then its arguments, e.g. ['read', '/proc/kcore']. */
export type Probe = readonly [name: string, ...args: string[]];

/** argv after the binary for a list of probes: groups joined by '--'. */
export function checkerArgs(probes: readonly Probe[]): string[] {
  const out: string[] = [];
  probes.forEach((probe, i) => {
    if (i > 0) out.push('--');
    out.push(...probe);
  });
  return out;
}

/**
 * The output key of each probe, in order: name and arguments joined by single
 * spaces ('all' alone for `all`), with ' #2', ' #3'... on repeats.
 */
export function probeKeys(probes: readonly Probe[]): string[] {
  const seen = new Map<string, number>();
  return probes.map((probe) => {
    const base = probe[0] === 'all' ? 'all' : probe.join(' ');
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base} #${n}`;
  });
}

/** Every failing call is reported as the errno number plus strerror text. */
export interface ErrnoFields {
  errno: number;
  error: string | null;
}

/** An rlimit value: a number, "unlimited" for RLIM_INFINITY, or a decimal string past 2^53. */
export type RlimitValue = number | string;

export interface MountInfo {
  id: number;
  parent: number;
  majorMinor: string;
  root: string;
  mountPoint: string;
  options: string[];
  optionalFields: string[];
  fsType: string;
  source: string;
  superOptions: string[];
}

export interface DeviceEntry {
  name: string;
  type: 'c' | 'b' | 'p' | 's' | 'd' | 'l' | 'f';
  mode: string;
  uid: number;
  gid: number;
  major: number | null;
  minor: number | null;
  target: string | null;
}

export interface StatResult extends ErrnoFields {
  path: string;
  exists: boolean;
  // Present only when exists is true:
  type?: DeviceEntry['type'];
  mode?: string;
  uid?: number;
  gid?: number;
  major?: number | null;
  minor?: number | null;
  target?: string | null;
  size?: number;
  ino?: number;
  fsType?: string | null;
  fsName?: string | null;
  mountFlags?: string[] | null;
}

export interface IdMapEntry {
  containerID: number;
  hostID: number;
  size: number;
}

export interface AllResult {
  args: string[];
  env: string[];
  pid: number;
  ppid: number;
  uid: number;
  gid: number;
  euid: number;
  egid: number;
  suid: number;
  sgid: number;
  groups: number[];
  umask: string;
  cwd: string | null;
  hostname: string | null;
  domainname: string | null;
  status: {
    CapInh: string | null;
    CapPrm: string | null;
    CapEff: string | null;
    CapBnd: string | null;
    CapAmb: string | null;
    SigBlk: string | null;
    SigIgn: string | null;
    SigCgt: string | null;
    Umask: string | null;
    NoNewPrivs: number | null;
    Seccomp: number | null;
    Seccomp_filters: number | null;
  } | null;
  capabilities: Record<'bounding' | 'effective' | 'inheritable' | 'permitted' | 'ambient', string[] | null> | null;
  rlimits: Record<string, { soft: RlimitValue; hard: RlimitValue } | null>;
  oomScoreAdj: number | null;
  personality: { value: number; domain: string | number; flags: number } | null;
  scheduler: {
    policy: string | number | null;
    resetOnFork: boolean;
    priority: number | null;
    nice: number | null;
    flags?: number;
    runtime?: number;
    deadline?: number;
    period?: number;
  };
  ioPriority: { class: string | number; priority: number; raw: number } | null;
  namespaces: Record<string, number | null>;
  uidMap: IdMapEntry[] | null;
  gidMap: IdMapEntry[] | null;
  setgroups: string | null;
  cgroups: { hierarchy: number; controllers: string; path: string }[] | ErrnoFields;
  mounts: MountInfo[] | ErrnoFields;
  devices: DeviceEntry[];
  devDirs: Record<'/dev/pts' | '/dev/shm' | '/dev/mqueue', StatResult>;
  timensOffsets: Record<string, { secs: number; nanosecs: number }> | null;
  uptime: number | null;
  fds: { fd: number; target: string | null }[] | null;
  tty: { stdin: boolean; stdout: boolean; stderr: boolean };
  securityLabel: string | null;
}

export interface ReadResult extends ErrnoFields {
  path: string;
  ok: boolean;
  content: string | null;
  truncated: boolean;
}

export interface WriteResult extends ErrnoFields {
  path: string;
  ok: boolean;
  step: 'open' | 'write' | 'close' | null;
}

export interface SysctlResult extends ErrnoFields {
  name: string;
  path: string;
  ok: boolean;
  value: string | null;
}

export interface MkdirResult extends ErrnoFields {
  path: string;
  ok: boolean;
}

export interface LsResult extends ErrnoFields {
  path: string;
  ok: boolean;
  entries: string[] | null;
}

export interface CgroupResult extends ErrnoFields {
  file: string;
  controller?: string;
  version?: 1 | 2;
  cgroupPath?: string;
  path?: string;
  ok: boolean;
  content: string | null;
}

export interface SleepResult {
  seconds: number;
}

export interface ExitResult {
  code: number;
}

/** What a usage error prints (exit status 2) instead of probe results. */
export interface UsageError {
  error: string;
  usage: string;
}
