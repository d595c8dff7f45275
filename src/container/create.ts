// `create`: everything up to the point where the container's program would run. The init
// helper performs the plan; this file decides the order and undoes it all on failure.
import * as fs from 'fs';
import * as path from 'path';

import { settleHookFrame } from '../hooks/init-report';
import { HookError, runHooks } from '../hooks/run';
import { hookState } from '../hooks/state';
import { initHelperPath, native } from '../native';
import { buildInitPlan, rootfsPath } from '../plan/build';
import { readHostCaps } from '../plan/capabilities';
import { compileSeccomp, seccompCacheDir } from '../seccomp/compile';
import { listenerGoFields, seccompPlan } from '../seccomp/listener';
import { stateJson as containerState } from '../state/status';
import { resctrlMounted } from '../plan/intelrdt';
import { readLsmHost } from '../plan/lsm';
import { checkNetDevices, moveNetDevices } from './netdevices';
import { loadSpec } from '../spec/load';
import type { Spec } from '../spec/types';
import type { ContainerRecord } from '../state/record';
import { StateStore, type ContainerDir } from '../state/store';
import { RuntimeError } from '../util/errors';
import { writeFileAtomic } from '../util/fsx';
import { log } from '../util/log';
import { readProcStat } from '../util/proc';
import { warmUpCgroupAttach } from '../cgroups/attach-warmup';
import { containerDeviceRules } from '../cgroups/default-devices';
import type { SavedCgroups } from '../cgroups/manager';
import { managerForNew } from './cgroups';
import { Channel, describeInitError } from './channel';
import { destroyContainer } from './destroy';
import { extraFds, listenEnv, listenFds } from './extra-fds';
import { sendPidfd } from './pidfd-socket';
import { writeIdMaps } from './idmap';
import { createCgroups, hostCgroupV2, isRootless, joinCgroups, ownCgroupHierarchies, rootlessResources } from './rootless';

export interface CreateOptions {
  root: string;
  id: string;
  bundle: string;
  pidFile?: string;
  consoleSocket?: string;
  noPivot?: boolean;
  preserveFds?: number;
  /**
   * `run` in the foreground: when process.terminal is set, the pty master comes back to us
   * (the config says whether, and it is read once, here).
   */
  takeConsoleIfTerminal?: boolean;
  /** `run --detach`: with process.terminal set it needs --console-socket, said before anything is made. */
  detachedRun?: boolean;
  /** runc's --pidfd-socket: a pidfd of the container's init is sent there. */
  pidfdSocket?: string;
  /** The global --rootless flag: true, false or auto (the default). */
  rootless?: string;
}

export interface Created {
  rec: ContainerRecord;
  dir: ContainerDir;
  consoleMaster?: number;
}

function hierarchies(saved: SavedCgroups): { name: string; hostPath: string }[] {
  const out = saved.hierarchies.map((h) => ({ name: h.name, hostPath: h.dir }));
  if (saved.unified && saved.driver === 'v1') out.push({ name: 'unified', hostPath: saved.unified.dir });
  return out;
}

export function createContainer(opts: CreateOptions): Created {
  const bundle = path.resolve(opts.bundle);
  const spec: Spec = loadSpec(bundle);
  const takeConsole = !!opts.takeConsoleIfTerminal && !!spec.process?.terminal;
  if (opts.detachedRun && spec.process?.terminal && !opts.consoleSocket) throw new RuntimeError('process.terminal is true: run --detach needs --console-socket');
  const store = new StateStore(opts.root);
  const dir = store.claim(opts.id);
  const rec: ContainerRecord = {
    id: opts.id,
    bundle,
    rootfs: spec.root?.path ? path.resolve(bundle, spec.root.path) : '',
    created: new Date().toISOString(),
    owner: '',
    creating: true,
    spec,
  };
  let sync: Channel | undefined;
  let helperPid = 0;
  try {
    rootfsPath(spec, bundle);
    const cg = managerForNew(opts.id, spec.linux?.cgroupsPath);
    rec.cgroups = cg.toState();
    // Written before anything exists, so an interrupted create can always be deleted.
    dir.write(rec);
    const rootless = isRootless(opts.rootless);
    // Rootless without a delegated cgroup: the container stays in the caller's cgroup.
    let ownCgroups = createCgroups(cg, spec, rootless);
    const selfJoin = ownCgroups && helperMayJoin(spec, rootless);
    // When we move the init ourselves: from here to that move, nothing else needs the cgroup
    // lock that the warm-up holds while the kernel's wait passes; the move is then cheap.
    if (ownCgroups && !selfJoin) warmUpCgroupAttach();
    const saved = ownCgroups ? cg.toState() : undefined;
    rec.cgroups = saved;
    // With cgroups of our own, the record already names them (what create() made is only
    // needed in this process); the next write, with the pid, brings it up to date.
    if (!ownCgroups) dir.write(rec);
    // runc's default device rules (/dev/null, /dev/pts/*...) follow the config's own rules.
    const resources = rootless
      ? rootlessResources(spec.linux?.resources)
      : { ...spec.linux?.resources, devices: containerDeviceRules(spec.linux?.resources?.devices, spec.linux?.devices) };
    if (ownCgroups) for (const w of cg.apply(resources)) log.warn(w);

    native().mkfifo(dir.fifo, 0o622);
    // Our umask took the write bit for others; the container's user must be able to open it.
    fs.chmodSync(dir.fifo, 0o622);
    const seccomp = spec.linux?.seccomp ? compileSeccomp(native(), spec.linux.seccomp, { cacheDir: seccompCacheDir(opts.root) }) : null;
    if (seccomp?.skipped.length) log.debug(`linux.seccomp: syscalls unknown to libseccomp, skipped: ${seccomp.skipped.join(', ')}`);
    // Socket-activation fds (LISTEN_FDS) come first from fd 3, then --preserve-fds, as in runc.
    const listen = listenFds();
    const fds = [0, 1, 2, ...extraFds(listen, opts.preserveFds ?? 0)];
    const plan = buildInitPlan(spec, {
      bundle,
      fifo: dir.fifo,
      consoleSocket: takeConsole ? '' : opts.consoleSocket,
      noPivot: opts.noPivot,
      preserveFds: fds.length - 3,
      host: readHostCaps(),
      cgroupHierarchies: saved ? hierarchies(saved) : ownCgroupHierarchies(),
      cgroupV2: saved ? saved.driver === 'v2' : hostCgroupV2(),
      seccomp: seccomp ? seccompPlan(seccomp, spec.linux!.seccomp!) : null,
      lsm: readLsmHost(),
      // Reading mountinfo costs a few ms: only when the config asks for RDT.
      resctrl: spec.linux?.intelRdt ? resctrlMounted() : false,
      warn: (m) => log.warn(m),
      caller: { uid: process.geteuid?.() ?? 0, gid: process.getegid?.() ?? 0 },
    });

    if (selfJoin) plan.cgroupJoin = cg.selfJoin();
    plan.process.env.push(...listenEnv(listen));
    checkNetDevices(plan.netDevices ?? []);
    const spawned = native().spawnInit(initHelperPath(), fds);
    helperPid = spawned.pid;
    sync = new Channel(spawned.sync);
    sync.send(plan);
    const first = sync.receive();
    native().waitPid(helperPid);
    helperPid = 0;
    if (!first) throw new RuntimeError('container init helper exited before creating the container');
    if (first.type === 'error') throw new RuntimeError(describeInitError(first));
    rec.pid = first.pid as number;
    rec.initStartTime = readProcStat(rec.pid)?.startTime;
    dir.write(rec);

    if (plan.idMaps) writeIdMaps(rec.pid, plan.idMaps);
    // Born in its cgroups when the helper could join them; otherwise we move it now.
    if (ownCgroups && first.cgroups !== 'joined' && !joinCgroups(cg, rec.pid, spec, rootless)) {
      ownCgroups = false;
      rec.cgroups = undefined;
      dir.write(rec);
    }
    moveNetDevices(rec.pid, plan.netDevices ?? []);
    // With a notifying filter the init hands the agent this state along with the fd.
    sync.send({ type: 'go', ...listenerGoFields(plan.seccomp, spec.linux?.seccomp, rec.pid, (s) => containerState(rec, s)) });

    let consoleMaster: number | undefined;
    for (;;) {
      const msg = sync.receive();
      if (!msg) throw new RuntimeError('container init exited during create');
      if (msg.type === 'error') throw new RuntimeError(describeInitError(msg));
      if (msg.type === 'hook') {
        // A createContainer hook's run; a failed one ends the init right after.
        const failed = settleHookFrame(msg);
        if (failed) throw failed;
      } else if (msg.type === 'console') consoleMaster = native().recvFd(sync.fd);
      else if (msg.type === 'mounted') {
        // Mounts done, pivot_root not yet: the moment prestart and createRuntime run (then
        // the init runs createContainer); each kind gets its own state (src/hooks/state.ts).
        runHooks('prestart', spec.hooks?.prestart, hookState(rec, 'prestart'));
        runHooks('createRuntime', spec.hooks?.createRuntime, hookState(rec, 'createRuntime'));
        sync.send({
          type: 'go',
          state: JSON.stringify(hookState(rec, 'createContainer')),
          startState: JSON.stringify(hookState(rec, 'startContainer')),
          hookDir: bundle,
        });
      } else if (msg.type === 'ready') break;
    }
    sync.close();
    sync = undefined;
    rec.creating = false;
    dir.write(rec);
    if (opts.pidFile) writeFileAtomic(path.resolve(opts.pidFile), String(rec.pid), 0o644);
    if (opts.pidfdSocket) sendPidfd(opts.pidfdSocket, rec.pid);
    return { rec, dir, consoleMaster };
  } catch (e) {
    sync?.close();
    if (helperPid) native().waitPid(helperPid);
    // Reaps our child when it is one (run); otherwise destroy polls until it is gone.
    // A failed hook is lifecycle step 3-5 failing: destroy, then poststop (runtime.md#lifecycle).
    // Any other failure leaves things as if create had never been attempted, without poststop.
    destroyContainer(rec, dir, e instanceof HookError);
    if (rec.pid) reapIfChild(rec.pid);
    throw e;
  }
}

/**
 * Whether the helper joins the cgroups itself before the clone (CgroupSelfJoin). Not when
 * rootless: a refused join there leaves the container in the caller's cgroup, which we
 * decide after the clone. Not under a pids limit of 0 or 1: the clone into the cgroup
 * counts against it (the helper is there too for a moment), while moving a process in,
 * as we then do, is always allowed.
 */
function helperMayJoin(spec: Spec, rootless: boolean): boolean {
  const pids = spec.linux?.resources?.pids?.limit;
  return !rootless && !(typeof pids === 'number' && pids >= 0 && pids < 2);
}

function reapIfChild(pid: number): void {
  try {
    const st = readProcStat(pid);
    if (st && st.ppid === process.pid) native().waitPid(pid);
  } catch {
    // not ours, or already reaped
  }
}

