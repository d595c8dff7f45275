// process.scheduler (sched_setattr(2)), process.ioPriority (ioprio_set(2)) and
// process.execCPUAffinity (sched_setaffinity(2)) -> numbers the init passes to the kernel.
import type { Process, Scheduler } from '../spec/types';
import { RuntimeError } from '../util/errors';
import { parseIdList } from './cpulist';

export const SCHED_POLICIES: Record<string, number> = {
  SCHED_OTHER: 0,
  SCHED_FIFO: 1,
  SCHED_RR: 2,
  SCHED_BATCH: 3,
  // Not in mainline Linux: the kernel answers EINVAL, which the init reports for the field.
  SCHED_ISO: 4,
  SCHED_IDLE: 5,
  SCHED_DEADLINE: 6,
};

export const SCHED_FLAGS: Record<string, number> = {
  SCHED_FLAG_RESET_ON_FORK: 0x01,
  SCHED_FLAG_RECLAIM: 0x02,
  SCHED_FLAG_DL_OVERRUN: 0x04,
  SCHED_FLAG_KEEP_POLICY: 0x08,
  SCHED_FLAG_KEEP_PARAMS: 0x10,
  SCHED_FLAG_UTIL_CLAMP_MIN: 0x20,
  SCHED_FLAG_UTIL_CLAMP_MAX: 0x40,
};

export const IOPRIO_CLASSES: Record<string, number> = {
  IOPRIO_CLASS_RT: 1,
  IOPRIO_CLASS_BE: 2,
  IOPRIO_CLASS_IDLE: 3,
};

/** struct sched_attr's fields; the 64-bit times as decimal strings (they may pass 2^53). */
export interface SchedulerStep {
  policy: number;
  flags: number;
  nice: number;
  priority: number;
  runtime: string;
  deadline: string;
  period: string;
}

const field = (name: string) => `process.scheduler.${name}`;

function fail(where: string, cause: string): never {
  throw new RuntimeError(`config.json: ${where}: ${cause}`);
}

function u64(v: number | undefined, name: string): string {
  if (v === undefined) return '0';
  if (!Number.isInteger(v) || v < 0) fail(field(name), `${v} is not an unsigned number of nanoseconds`);
  return BigInt(v).toString();
}

export function schedulerStep(s: Scheduler | undefined): SchedulerStep | undefined {
  if (!s) return undefined;
  const policy = SCHED_POLICIES[s.policy];
  if (policy === undefined) fail(field('policy'), `unknown policy ${JSON.stringify(s.policy)} (known: ${Object.keys(SCHED_POLICIES).join(', ')})`);
  let flags = 0;
  (s.flags ?? []).forEach((name, i) => {
    const bit = SCHED_FLAGS[name];
    if (bit === undefined) fail(`${field('flags')}[${i}]`, `unknown flag ${JSON.stringify(name)} (known: ${Object.keys(SCHED_FLAGS).join(', ')})`);
    flags |= bit;
  });
  const nice = s.nice ?? 0;
  if (!Number.isInteger(nice) || nice < -20 || nice > 19) fail(field('nice'), `${nice} is outside -20..19`);
  const priority = s.priority ?? 0;
  if (!Number.isInteger(priority)) fail(field('priority'), `${priority} is not an integer`);
  // runc's rules (libcontainer/configs/validate): priority only for the real-time policies,
  // the three times only for SCHED_DEADLINE.
  if (priority !== 0 && policy !== SCHED_POLICIES.SCHED_FIFO && policy !== SCHED_POLICIES.SCHED_RR)
    fail(field('priority'), `only SCHED_FIFO and SCHED_RR take a priority, not ${s.policy}`);
  if (policy !== SCHED_POLICIES.SCHED_DEADLINE) {
    for (const name of ['runtime', 'deadline', 'period'] as const)
      if (s[name]) fail(field(name), `only SCHED_DEADLINE takes ${name}, not ${s.policy}`);
  }
  return { policy, flags, nice, priority, runtime: u64(s.runtime, 'runtime'), deadline: u64(s.deadline, 'deadline'), period: u64(s.period, 'period') };
}

/** ioprio_set's value: class << 13 | level. */
export function ioPriorityValue(io: Process['ioPriority']): number | undefined {
  if (!io) return undefined;
  const cls = IOPRIO_CLASSES[io.class];
  if (cls === undefined) fail('process.ioPriority.class', `unknown class ${JSON.stringify(io.class)} (known: ${Object.keys(IOPRIO_CLASSES).join(', ')})`);
  const level = io.priority ?? 0;
  if (!Number.isInteger(level) || level < 0 || level > 7) fail('process.ioPriority.priority', `${level} is outside 0..7`);
  return (cls << 13) | level;
}

export interface AffinityStep {
  initial?: number[];
  final?: number[];
}

/** Empty strings mean "leave the affinity alone", as the spec says of final. */
export function affinityStep(a: Process['execCPUAffinity']): AffinityStep | undefined {
  if (!a) return undefined;
  const out: AffinityStep = {};
  if (a.initial) out.initial = parseIdList(a.initial, 'process.execCPUAffinity.initial');
  if (a.final) out.final = parseIdList(a.final, 'process.execCPUAffinity.final');
  return out.initial || out.final ? out : undefined;
}
