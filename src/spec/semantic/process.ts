// process: rules over rlimits, capabilities and the scheduler that a schema cannot state.
import { CAPABILITIES, RLIMITS } from './known';
import { Findings, Obj, SPEC, arr, closest, num, obj, show, str } from './report';

const RLIMIT_SET = new Set(RLIMITS);
const CAP_SET = new Set(CAPABILITIES);
const CAP_SETS = ['bounding', 'effective', 'inheritable', 'permitted', 'ambient'] as const;

export function checkProcess(config: Obj, f: Findings): void {
  const process = obj(config.process);
  if (!process) return;
  checkRlimits(process, f);
  checkCapabilities(process, f);
  checkScheduler(process, f);
  checkEnv(process, f);
}

function checkRlimits(process: Obj, f: Findings): void {
  const firstAt = new Map<string, number>();
  arr(process.rlimits).forEach((entry, i) => {
    const rlimit = obj(entry);
    if (!rlimit) return;
    const at = ['process', 'rlimits', i];
    const type = str(rlimit.type);
    if (type !== undefined) {
      // "The runtime MUST generate an error for any values which cannot be mapped to a relevant kernel interface."
      if (!RLIMIT_SET.has(type)) {
        const guess = closest(type, RLIMITS);
        f.error(
          [...at, 'type'],
          `unknown resource ${show(type)}${guess ? `; did you mean ${guess}?` : ''}`,
          `expected one of ${[...RLIMITS].sort().join(', ')} from getrlimit(2); ${SPEC.posixProcess}`,
        );
      }
      // "If rlimits contains duplicated entries with same type, the runtime MUST generate an error."
      const first = firstAt.get(type);
      if (first !== undefined) {
        f.error(
          [...at, 'type'],
          `${type} is set again; first at process.rlimits[${first}]`,
          `each rlimit type may appear once; ${SPEC.posixProcess}`,
        );
      } else firstAt.set(type, i);
    }
    // The hard limit is the ceiling for the soft limit: setrlimit(2) refuses soft > hard.
    const soft = num(rlimit.soft);
    const hard = num(rlimit.hard);
    if (soft !== undefined && hard !== undefined && soft > hard) {
      f.error(
        [...at, 'soft'],
        `soft limit ${soft} is above the hard limit ${hard}`,
        `soft must be <= hard, the hard limit being the ceiling for the soft one; ${SPEC.posixProcess}`,
      );
    }
  });
}

// Unknown capability names are warnings: the spec says they MUST be logged and runtimes
// SHOULD NOT fail, e.g. for a capability newer than the kernel.
function checkCapabilities(process: Obj, f: Findings): void {
  const caps = obj(process.capabilities);
  if (!caps) return;
  for (const set of CAP_SETS) {
    arr(caps[set]).forEach((name, i) => {
      if (typeof name !== 'string' || CAP_SET.has(name)) return;
      const guess = CAP_SET.has(`CAP_${name.toUpperCase()}`) ? `CAP_${name.toUpperCase()}` : closest(name, CAPABILITIES);
      f.warn(
        ['process', 'capabilities', set, i],
        `unknown capability ${show(name)} is ignored${guess ? `; did you mean ${guess}?` : ''}`,
        `expected a name from capabilities(7) such as CAP_CHOWN; ${SPEC.linuxProcess}`,
      );
    });
  }
}

// sched_setattr(2) refuses these combinations with EINVAL; reporting them here names the field.
function checkScheduler(process: Obj, f: Findings): void {
  const sched = obj(process.scheduler);
  if (!sched) return;
  const policy = str(sched.policy);
  const priority = num(sched.priority) ?? 0;
  const at = ['process', 'scheduler'];
  if (policy === 'SCHED_FIFO' || policy === 'SCHED_RR') {
    if (priority < 1 || priority > 99) {
      f.error(
        [...at, 'priority'],
        `priority ${priority} is out of range for ${policy}`,
        `real-time policies need a priority from 1 to 99, see sched(7); ${SPEC.linuxProcess}`,
      );
    }
  } else if (policy !== undefined && priority !== 0) {
    f.error(
      [...at, 'priority'],
      `priority ${priority} is set for ${policy}`,
      `only SCHED_FIFO and SCHED_RR take a priority; others need 0 or none, see sched(7); ${SPEC.linuxProcess}`,
    );
  }
  if (policy === 'SCHED_DEADLINE') {
    const runtime = num(sched.runtime) ?? 0;
    const deadline = num(sched.deadline) ?? 0;
    const period = num(sched.period) || deadline;
    if (!(runtime > 0 && runtime <= deadline && deadline <= period)) {
      f.error(
        at,
        `SCHED_DEADLINE with runtime ${runtime}, deadline ${deadline}, period ${period} cannot be scheduled`,
        `SCHED_DEADLINE needs 0 < runtime <= deadline <= period, period defaulting to deadline; see sched(7); ${SPEC.linuxProcess}`,
      );
    }
  }
}

function checkEnv(process: Obj, f: Findings): void {
  arr(process.env).forEach((entry, i) => {
    if (typeof entry === 'string' && !entry.includes('=')) {
      f.warn(
        ['process', 'env', i],
        `${show(entry)} has no "="`,
        `environment entries are KEY=value, as in environ(7); ${SPEC.process}`,
      );
    }
  });
}
