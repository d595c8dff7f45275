// `exec`: run another process inside a running container. The init helper joins every
// namespace of the container's init that differs from ours, forks (CLONE_PARENT, so the
// new process is our child and its exit status is ours to collect), and waits while we
// place it in the container's cgroups; then it applies the process's credentials and the
// container's seccomp filter and execs. The sync socket closing on exec is the success
// signal; an error frame names what failed.
import * as fs from 'fs';
import * as path from 'path';

import { initHelperPath, native } from '../native';
import { readHostCaps } from '../plan/capabilities';
import { readLsmHost } from '../plan/lsm';
import { buildExecPlan, checkExecProcess, execJoins, execProcess, withContainerDefaults, type ExecFlags, type NamespaceIdentity } from '../plan/exec';
import { PROC_NS_NAME } from '../plan/namespaces';
import { compileSeccomp, seccompCacheDir } from '../seccomp/compile';
import { listenerGoFields, seccompPlan } from '../seccomp/listener';
import type { Process } from '../spec/types';
import type { ContainerRecord } from '../state/record';
import { deriveStatus, stateJson } from '../state/status';
import { StateStore } from '../state/store';
import { notExist, RuntimeError } from '../util/errors';
import { writeFileAtomic } from '../util/fsx';
import { log } from '../util/log';
import { isAlive } from '../util/proc';
import { managerOf } from './cgroups';
import { Channel, describeInitError } from './channel';
import { extraFds } from './extra-fds';
import { proxyConsole, type ConsoleProxy } from './run';
import { sendPidfd } from './pidfd-socket';
import { frozenCheck } from './start';

export interface ExecOptions extends ExecFlags {
  root: string;
  id: string;
  processFile?: string;
  consoleSocket?: string;
  detach?: boolean;
  pidFile?: string;
  preserveFds?: number;
  ignorePaused?: boolean;
  /** `[controllers:]path` below the container's cgroup, as runc's exec --cgroup. */
  cgroups?: string[];
  pidfdSocket?: string;
}

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH', 'SIGCONT', 'SIGTSTP'];

function readProcessFile(file: string): { process: Process; present: (k: string) => boolean } {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file === '-' ? 0 : file, 'utf8'));
  } catch (e) {
    throw new RuntimeError(`--process ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new RuntimeError(`--process ${file}: not a JSON object`);
  return { process: raw as Process, present: (k) => Object.prototype.hasOwnProperty.call(raw, k) };
}

/** dev:inode of a namespace link, or null when it cannot be read (process gone, kernel without it). */
function nsIdentity(file: string): string | null {
  try {
    const st = fs.statSync(file);
    return `${st.dev}:${st.ino}`;
  } catch {
    return null;
  }
}

function namespacesOf(pid: number): NamespaceIdentity[] {
  return (Object.keys(PROC_NS_NAME) as (keyof typeof PROC_NS_NAME)[]).map((type) => ({
    type,
    container: nsIdentity(`/proc/${pid}/ns/${PROC_NS_NAME[type]}`),
    self: nsIdentity(`/proc/self/ns/${PROC_NS_NAME[type]}`),
  }));
}

/** runc's exec --cgroup: `path` (every hierarchy) or `ctrl[,ctrl]:path`, below the container's cgroup. */
function joinSubCgroups(rec: ContainerRecord, pid: number, specs: string[]): void {
  const saved = rec.cgroups as { hierarchies: { controllers: string[]; dir: string }[]; unified: { dir: string } | null; driver: string } | undefined;
  if (!saved) throw new RuntimeError('--cgroup: the container has no cgroup');
  for (const spec of specs) {
    const colon = spec.lastIndexOf(':');
    const controllers = colon >= 0 ? spec.slice(0, colon).split(',').filter(Boolean) : [];
    const sub = colon >= 0 ? spec.slice(colon + 1) : spec;
    const rel = path.posix.normalize('/' + sub);
    if (sub === '' || rel === '/' || sub.split('/').includes('..')) throw new RuntimeError(`--cgroup ${spec}: the path must name a cgroup below the container's`);
    const dirs: string[] = [];
    for (const h of saved.hierarchies) {
      if (controllers.length === 0 || h.controllers.some((c) => controllers.includes(c) || controllers.includes(c.replace(/^name=/, '')))) dirs.push(h.dir);
    }
    if (saved.unified && (controllers.length === 0 || saved.driver === 'v2')) dirs.push(saved.unified.dir);
    if (dirs.length === 0) throw new RuntimeError(`--cgroup ${spec}: no cgroup hierarchy has the controller ${controllers.join(',')}`);
    for (const d of dirs) {
      const target = path.join(d, rel, 'cgroup.procs');
      try {
        fs.writeFileSync(target, String(pid));
      } catch (e) {
        throw new RuntimeError(`--cgroup ${spec}: joining ${path.dirname(target)}: ${(e as NodeJS.ErrnoException).code}`);
      }
    }
  }
}

function killChild(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
  try {
    native().waitPid(pid);
  } catch {
    // not ours to reap after all
  }
}

/** Resolves to exec's exit code: the process's own when attached (128+N when killed by signal N), else 0. */
export async function execInContainer(opts: ExecOptions): Promise<number> {
  const store = new StateStore(opts.root);
  const dir = store.open(opts.id);
  const rec = dir.read();
  dir.close();
  if (!rec) throw notExist(opts.id);
  const status = deriveStatus(rec, store.dirOf(opts.id), frozenCheck(rec));
  if (status === 'stopped' || status === 'creating') throw new RuntimeError(`cannot exec in a ${status} container ${opts.id}: container not running`);
  if (status === 'paused' && !opts.ignorePaused) throw new RuntimeError(`cannot exec in a paused container ${opts.id} (use --ignore-paused to override)`);

  const container = rec.spec.process;
  const file = opts.processFile ? readProcessFile(opts.processFile) : undefined;
  let proc = execProcess(container, file?.process, opts);
  // Built from config.json's process, everything is already the container's own.
  proc = withContainerDefaults(proc, container, file ? file.present : () => true);
  const source = opts.processFile ? `--process ${opts.processFile}` : 'exec';
  checkExecProcess(proc, source);

  if (proc.terminal && opts.detach && !opts.consoleSocket) throw new RuntimeError('exec: a terminal with --detach needs --console-socket to send the pty master to');
  if (!proc.terminal && opts.consoleSocket) throw new RuntimeError('exec: --console-socket given but the process has no terminal (use -t/--tty)');
  const consoleSocket = proc.terminal ? (opts.consoleSocket ? path.resolve(opts.consoleSocket) : '') : undefined;

  const fds = [0, 1, 2, ...extraFds(0, opts.preserveFds ?? 0)];
  const pid = rec.pid!;
  const joins = execJoins(pid, namespacesOf(pid));
  // The links were read by pid: make sure they were this container's init's.
  if (!isAlive(pid, rec.initStartTime)) throw new RuntimeError(`cannot exec in container ${opts.id}: container not running`);

  const seccompSpec = rec.spec.linux?.seccomp;
  const seccomp = seccompSpec ? compileSeccomp(native(), seccompSpec, { cacheDir: seccompCacheDir(opts.root) }) : null;
  const plan = buildExecPlan({
    process: proc,
    source,
    linux: rec.spec.linux,
    joins,
    host: readHostCaps(),
    lsm: readLsmHost(),
    seccomp: seccomp && seccompSpec ? seccompPlan(seccomp, seccompSpec) : null,
    consoleSocket,
    preserveFds: fds.length - 3,
    warn: (m) => log.warn(m),
  });

  // The helper places itself, and so the process, in the container's cgroups (as create's
  // does, see CgroupSelfJoin); when it cannot, we move the process after the clone. Under a
  // pids limit we move it: a container at its limit refuses a clone into it, while a move
  // in is always allowed (runc's exec gets in that way too).
  const cg = managerOf(rec);
  const pidsMax = cg?.pidsMax();
  if (cg && (pidsMax === undefined || pidsMax === 'max')) plan.cgroupJoin = cg.selfJoin();
  const spawned = native().spawnInit(initHelperPath(), fds);
  const sync = new Channel(spawned.sync);
  let child = 0;
  let master: number | undefined;
  try {
    sync.send(plan);
    const first = sync.receive();
    native().waitPid(spawned.pid);
    if (!first) throw new RuntimeError('exec: the init helper exited before starting the process');
    if (first.type === 'error') throw new RuntimeError(describeInitError(first));
    child = first.pid as number;
    if (cg && first.cgroups !== 'joined') cg.join(child);
    if (opts.cgroups?.length) joinSubCgroups(rec, child, opts.cgroups);
    // A filter with a listener: the agent gets this process's state with the notify fd.
    sync.send({ type: 'go', ...listenerGoFields(plan.seccomp, seccompSpec, child, () => stateJson(rec, 'running')) });
    for (;;) {
      const msg = sync.receive();
      if (!msg) break;
      if (msg.type === 'error') throw new RuntimeError(describeInitError(msg));
      if (msg.type === 'console') master = native().recvFd(sync.fd);
    }
  } catch (e) {
    sync.close();
    if (child) killChild(child);
    if (master !== undefined) fs.closeSync(master);
    throw e;
  }
  sync.close();

  // Forwarding starts before the pid file appears: whoever reads it may signal us at once.
  const forwarding = opts.detach ? undefined : forwardSignals(child, master);
  if (opts.pidFile) writeFileAtomic(path.resolve(opts.pidFile), String(child), 0o644);
  if (opts.pidfdSocket) sendPidfd(opts.pidfdSocket, child);
  if (!forwarding) return 0;
  return waitAttached(child, master, forwarding);
}

type Forwarding = (readonly [NodeJS.Signals, () => void])[];

/** Our signals go on to the process. It is our child: a zombie until we reap it, so its pid cannot be reused under us. */
function forwardSignals(pid: number, master: number | undefined): Forwarding {
  return FORWARDED.map((sig) => {
    const h = () => {
      if (sig === 'SIGWINCH' && master !== undefined) {
        if (process.stdout.isTTY) native().setWinsize(master, process.stdout.rows, process.stdout.columns);
        return;
      }
      try {
        process.kill(pid, sig);
      } catch {
        // exited meanwhile
      }
    };
    process.on(sig, h);
    return [sig, h] as const;
  });
}

async function waitAttached(pid: number, master: number | undefined, handlers: Forwarding): Promise<number> {
  const exited = native().waitExit(pid);
  let proxy: ConsoleProxy | undefined;
  if (master !== undefined) proxy = proxyConsole(master);
  const status = await exited;
  await proxy?.drain(1000);
  proxy?.restore();
  for (const [sig, h] of handlers) process.off(sig, h);
  return status.signal !== undefined ? 128 + status.signal : status.code ?? 0;
}
