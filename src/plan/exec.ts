// `exec`: which process to run and how to enter the container, decided without I/O.
//
// The process comes either from a process JSON (`--process`, as containerd and conmon
// write it) or from config.json's process with the command-line flags applied, the way
// runc's getProcess does. Whatever the exec'd process leaves unset (capabilities, rlimits,
// noNewPrivileges, AppArmor, SELinux label, oomScoreAdj) it inherits from the container's
// own process, as libcontainer's setns init does.
import type { SeccompPlan } from '../seccomp/listener';
import type { Linux, Process } from '../spec/types';
import { RuntimeError } from '../util/errors';
import { CAPS, type HostCaps } from './capabilities';
import { checkLsm, type LsmHost } from './lsm';
import { memoryPolicyStep } from './mempolicy';
import { CLONE_FLAGS, PROC_NS_NAME } from './namespaces';
import { personalityValue } from './personality';
import { processPlan } from './process';
import type { JoinStep, LaunchPlan } from './types';

/** What the command line says about the process (runc exec's flags). */
export interface ExecFlags {
  args: string[];
  cwd?: string;
  env?: string[];
  /** uid[:gid], numbers only, as runc takes it. */
  user?: string;
  additionalGids?: string[];
  caps?: string[];
  noNewPrivs?: boolean;
  tty?: boolean;
  apparmor?: string;
  processLabel?: string;
}

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

function parseId(v: string, flag: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 0xfffffffe) throw new RuntimeError(`${flag}: ${JSON.stringify(v)} is not a numeric id`);
  return Number(v);
}

export function capName(name: string): string {
  const up = name.trim().toUpperCase();
  const full = up.startsWith('CAP_') ? up : `CAP_${up}`;
  if (!CAPS.includes(full)) throw new RuntimeError(`--cap: unknown capability ${name}`);
  return full;
}

/** runc's getProcess: the process JSON as given, or config.json's process plus the flags. */
export function execProcess(container: Process | undefined, fromFile: Process | undefined, flags: ExecFlags): Process {
  if (fromFile) {
    const p = clone(fromFile);
    // conmon passes --tty next to --process; a flag can only ask for more, never less.
    if (flags.tty) p.terminal = true;
    return p;
  }
  if (!container) throw new RuntimeError('exec: the container has no process in its config.json to take defaults from; use --process');
  const p = clone(container);
  p.args = flags.args;
  if (flags.cwd) p.cwd = flags.cwd;
  if (flags.apparmor) p.apparmorProfile = flags.apparmor;
  if (flags.processLabel) p.selinuxLabel = flags.processLabel;
  if (flags.caps?.length) {
    const caps = (p.capabilities ??= {});
    for (const c of flags.caps.map(capName)) {
      for (const set of ['bounding', 'effective', 'permitted'] as const) (caps[set] ??= []).push(c);
      // Ambient needs the capability inheritable too, which --cap does not add; runc only
      // raises ambient when the config already has an inheritable set.
      if (caps.inheritable) (caps.ambient ??= []).push(c);
    }
  }
  p.env = [...(p.env ?? []), ...(flags.env ?? [])];
  p.terminal = !!flags.tty;
  delete p.consoleSize;
  if (flags.noNewPrivs) p.noNewPrivileges = true;
  if (flags.user) {
    const [uid, gid, extra] = flags.user.split(':');
    if (extra !== undefined) throw new RuntimeError(`--user: ${JSON.stringify(flags.user)} is not uid[:gid]`);
    p.user = { ...p.user, uid: parseId(uid, '--user') };
    if (gid !== undefined) p.user.gid = parseId(gid, '--user');
  }
  if (flags.additionalGids?.length) {
    p.user = { ...p.user, additionalGids: [...(p.user.additionalGids ?? []), ...flags.additionalGids.map((g) => parseId(g, '--additional-gids'))] };
  }
  return p;
}

/** Fills what the exec'd process leaves unset from the container's process. */
export function withContainerDefaults(p: Process, container: Process | undefined, present: (key: string) => boolean): Process {
  const out = clone(p);
  if (!container) return out;
  if (!out.capabilities && container.capabilities) out.capabilities = clone(container.capabilities);
  if (!out.rlimits?.length && container.rlimits?.length) out.rlimits = clone(container.rlimits);
  if (!present('noNewPrivileges') && container.noNewPrivileges !== undefined) out.noNewPrivileges = container.noNewPrivileges;
  if (!out.apparmorProfile && container.apparmorProfile) out.apparmorProfile = container.apparmorProfile;
  if (!out.selinuxLabel && container.selinuxLabel) out.selinuxLabel = container.selinuxLabel;
  if (out.oomScoreAdj === undefined && container.oomScoreAdj !== undefined) out.oomScoreAdj = container.oomScoreAdj;
  return out;
}

/** The checks runc's validateProcessSpec makes, naming the field. */
export function checkExecProcess(p: Process, source: string): void {
  if (!p || typeof p !== 'object') throw new RuntimeError(`${source}: not a process object`);
  if (!Array.isArray(p.args) || p.args.length === 0) throw new RuntimeError(`${source}: args: must not be empty (nothing to run)`);
  if (typeof p.cwd !== 'string' || p.cwd === '') throw new RuntimeError(`${source}: cwd: must not be empty`);
  if (!p.cwd.startsWith('/')) throw new RuntimeError(`${source}: cwd: ${JSON.stringify(p.cwd)} is not an absolute path`);
  if (!p.user || typeof p.user.uid !== 'number' || typeof p.user.gid !== 'number') throw new RuntimeError(`${source}: user: uid and gid are required`);
}

/** One namespace as seen from /proc: the container init's and the runtime's own identity (dev:inode). */
export interface NamespaceIdentity {
  type: keyof typeof PROC_NS_NAME;
  container: string | null;
  self: string | null;
}

// Joined in this order; the user namespace last, because as host root we can enter every
// other namespace from outside, and once inside the container's user namespace the
// host-owned ones would be out of reach. The mount namespace goes after the others since
// it changes how paths resolve (the helper opens every path before joining any).
const JOIN_ORDER = ['ipc', 'uts', 'network', 'pid', 'cgroup', 'time', 'mount', 'user'] as const;

/** Every namespace of the container's init that differs from the runtime's own. */
export function execJoins(initPid: number, namespaces: NamespaceIdentity[]): JoinStep[] {
  const byType = new Map(namespaces.map((n) => [n.type, n]));
  const out: JoinStep[] = [];
  for (const type of JOIN_ORDER) {
    const n = byType.get(type);
    if (!n || n.container === null || n.container === n.self) continue;
    const name = PROC_NS_NAME[type];
    out.push({ path: `/proc/${initPid}/ns/${name}`, nstype: CLONE_FLAGS[type], field: `the container's ${name} namespace` });
  }
  return out;
}

export interface ExecPlanOptions {
  process: Process;
  /** How errors name where the process came from: "--process FILE" or "exec". */
  source: string;
  /** The container's linux section: personality and memory policy hold for its every process. */
  linux: Linux | undefined;
  joins: JoinStep[];
  host: HostCaps;
  lsm: LsmHost;
  seccomp: SeccompPlan | null;
  /** Where the pty master goes: a socket path, '' for the runtime itself, undefined for no terminal. */
  consoleSocket?: string;
  preserveFds: number;
  warn: (msg: string) => void;
}

export function buildExecPlan(opts: ExecPlanOptions): LaunchPlan {
  const p = opts.process;
  if (p.terminal && opts.consoleSocket === undefined) throw new RuntimeError('exec: the process has a terminal but nowhere to send it (--console-socket)');
  if (!p.terminal && opts.consoleSocket) throw new RuntimeError('--console-socket given but the process has no terminal (use -t/--tty or process.terminal)');
  // As for create: a profile or label the host cannot apply is an error, as runc makes it.
  checkLsm(p, opts.lsm, `${opts.source}: process`);
  return {
    mode: 'exec',
    join: opts.joins,
    cloneFlags: 0,
    newUserNamespace: false,
    unshareCgroup: false,
    newTimeNamespace: false,
    timeOffsets: '',
    setsid: true,
    mounts: [],
    devices: [],
    symlinks: [],
    maskedPaths: [],
    readonlyPaths: [],
    sysctl: [],
    console: p.terminal ? { socket: opts.consoleSocket || undefined, width: p.consoleSize?.width, height: p.consoleSize?.height } : null,
    process: processPlan(p, opts.host, opts.warn),
    seccomp: opts.seccomp,
    personality: personalityValue(opts.linux?.personality),
    memoryPolicy: memoryPolicyStep(opts.linux?.memoryPolicy),
    hooks: { createContainer: [], startContainer: [] },
    preserveFds: opts.preserveFds,
  };
}
