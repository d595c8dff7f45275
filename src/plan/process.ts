// config.json process -> the process part of the plan (shared by create and exec).
import type { Process } from '../spec/types';
import { capabilitySets, type HostCaps } from './capabilities';
import { rlimitSteps } from './rlimits';
import { affinityStep, ioPriorityValue, schedulerStep } from './scheduler';
import type { ProcessPlan } from './types';

export function processPlan(p: Process, host: HostCaps, warn: (msg: string) => void): ProcessPlan {
  return {
    args: p.args ?? [],
    env: p.env ?? [],
    cwd: p.cwd,
    uid: p.user.uid,
    gid: p.user.gid,
    additionalGids: p.user.additionalGids ?? [],
    umask: p.user.umask,
    rlimits: rlimitSteps(p.rlimits),
    noNewPrivileges: !!p.noNewPrivileges,
    oomScoreAdj: p.oomScoreAdj,
    capabilities: capabilitySets(p.capabilities, host, warn),
    scheduler: schedulerStep(p.scheduler),
    ioPriority: ioPriorityValue(p.ioPriority),
    execCPUAffinity: affinityStep(p.execCPUAffinity),
    // Whether the host can apply these is checked by the caller (lsm.ts checkLsm).
    apparmorProfile: p.apparmorProfile || undefined,
    selinuxLabel: p.selinuxLabel || undefined,
  };
}
