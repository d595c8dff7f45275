// Spec + command options -> the launch plan for `create`. Pure: every fact about the host
// it needs comes in through `host`, so it is unit-tested without root.
import * as path from 'path';

import type { SeccompPlan } from '../seccomp/listener';
import type { Hook, Spec } from '../spec/types';
import { RuntimeError } from '../util/errors';
import type { HostCaps } from './capabilities';
import { deviceSteps, devSymlinks } from './devices';
import { planUserNamespace, type Caller } from './idmap';
import { cgroupV1MountSteps, mountStep, PROPAGATION } from './mounts';
import { planNamespaces, timeOffsetsText } from './namespaces';
import { checkIntelRdt } from './intelrdt';
import { checkLsm, labelMountData, mountLabel, type LsmHost } from './lsm';
import { memoryPolicyStep } from './mempolicy';
import { netDeviceMoves } from './netdevices';
import { personalityValue } from './personality';
import { processPlan } from './process';
import { sysctlSteps } from './sysctl';
import type { HookStep, LaunchPlan, MountStep } from './types';

export interface InitOptions {
  bundle: string;
  fifo: string;
  consoleSocket?: string;
  noPivot?: boolean;
  preserveFds?: number;
  host: HostCaps;
  /** Where the container's cgroup lives in each v1 hierarchy, for `type: cgroup` mounts. */
  cgroupHierarchies: { name: string; hostPath: string }[];
  cgroupV2: boolean;
  seccomp: SeccompPlan | null;
  /** Which LSMs the host has enabled (lsm.ts readLsmHost); none when absent. */
  lsm?: LsmHost;
  /** /sys/fs/resctrl is mounted. */
  resctrl?: boolean;
  warn: (msg: string) => void;
  /** Who runs the runtime (euid/egid): decides how user namespace maps are written. Root when absent. */
  caller?: Caller;
}

export function hookSteps(hooks: Hook[] | undefined): HookStep[] {
  return (hooks ?? []).map((h) => ({ path: h.path, args: h.args ?? [h.path], env: h.env ?? [], timeout: h.timeout }));
}

export function rootfsPath(spec: Spec, bundle: string): string {
  if (!spec.root?.path) throw new RuntimeError('config.json: root.path: required to create a container');
  return path.resolve(bundle, spec.root.path);
}

export function buildInitPlan(spec: Spec, opts: InitOptions): LaunchPlan {
  const proc = spec.process;
  if (!proc) throw new RuntimeError('config.json: process: required to create a container (the spec needs it for start)');
  const linux = spec.linux ?? {};
  const ns = planNamespaces(linux.namespaces);
  if (!ns.has('mount')) throw new RuntimeError('config.json: linux.namespaces: a mount namespace is required to set up the root filesystem');
  if (spec.hostname !== undefined && spec.hostname !== '' && !ns.has('uts'))
    throw new RuntimeError('config.json: hostname: setting a hostname needs a uts namespace in linux.namespaces');
  if (spec.domainname !== undefined && spec.domainname !== '' && !ns.has('uts'))
    throw new RuntimeError('config.json: domainname: setting a domainname needs a uts namespace in linux.namespaces');
  if (proc.terminal && !opts.consoleSocket && opts.consoleSocket !== '')
    throw new RuntimeError('process.terminal is true: --console-socket is required (or use run in the foreground)');
  if (!proc.terminal && opts.consoleSocket) throw new RuntimeError('--console-socket given but process.terminal is false in config.json');

  let propagation = PROPAGATION.rslave;
  let propagationAfterPivot = false;
  if (linux.rootfsPropagation) {
    propagation = PROPAGATION[linux.rootfsPropagation];
    if (propagation === undefined)
      throw new RuntimeError(`config.json: linux.rootfsPropagation: unknown value ${linux.rootfsPropagation} (shared, slave, private, unbindable, or their r- forms)`);
    propagationAfterPivot = true;
  }

  const mounts: MountStep[] = [];
  (spec.mounts ?? []).forEach((m, i) => {
    if (m.type === 'cgroup' && !opts.cgroupV2) mounts.push(...cgroupV1MountSteps(m, i, opts.cgroupHierarchies));
    else mounts.push(mountStep(m, i, opts.bundle, opts.warn));
  });
  const lsm = opts.lsm ?? { apparmor: false, selinux: false };
  checkLsm(proc, lsm);
  checkIntelRdt(linux, !!opts.resctrl);
  const label = mountLabel(linux, lsm, opts.warn);
  if (label) for (const m of mounts) m.data = labelMountData(m.type, m.data, label, m.bind);
  // /dev bound in from elsewhere already has its nodes; runc creates devices only on its own /dev.
  const devBound = mounts.some((m) => m.destination === '/dev' && m.bind);
  const userns = planUserNamespace(spec, ns, opts.caller ?? { uid: 0, gid: 0 }, mounts);

  return {
    mode: 'init',
    join: ns.join,
    cloneFlags: ns.cloneFlags,
    newUserNamespace: ns.newUserNamespace,
    joinUserNamespace: userns.joined,
    dumpableForIdMaps: userns.dumpable,
    idMaps: userns.idMaps,
    unshareCgroup: ns.unshareCgroup,
    newTimeNamespace: ns.newTimeNamespace,
    timeOffsets: timeOffsetsText(linux.timeOffsets),
    setsid: true,
    hostname: spec.hostname,
    domainname: spec.domainname,
    rootfs: {
      path: rootfsPath(spec, opts.bundle),
      readonly: !!spec.root?.readonly,
      propagation,
      propagationAfterPivot,
      noPivot: !!opts.noPivot,
    },
    mounts,
    devices: devBound ? [] : deviceSteps(linux.devices, true),
    symlinks: devBound ? [] : devSymlinks(linux.devices),
    maskedPaths: linux.maskedPaths ?? [],
    readonlyPaths: linux.readonlyPaths ?? [],
    sysctl: sysctlSteps(linux.sysctl, ns.has),
    console: proc.terminal ? { socket: opts.consoleSocket || undefined, width: proc.consoleSize?.width, height: proc.consoleSize?.height } : null,
    fifo: opts.fifo,
    process: processPlan(proc, opts.host, opts.warn),
    seccomp: opts.seccomp,
    personality: personalityValue(linux.personality),
    memoryPolicy: memoryPolicyStep(linux.memoryPolicy),
    netDevices: netDeviceMoves(linux, ns.has('network')),
    hooks: { createContainer: hookSteps(spec.hooks?.createContainer), startContainer: hookSteps(spec.hooks?.startContainer) },
    preserveFds: opts.preserveFds ?? 0,
  };
}
