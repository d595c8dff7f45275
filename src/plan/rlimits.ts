// rlimit names -> resource numbers; values travel as decimal strings (they are 64-bit).
import type { Rlimit } from '../spec/types';
import { RuntimeError } from '../util/errors';
import type { RlimitStep } from './types';

export const RLIMITS: Record<string, number> = {
  RLIMIT_CPU: 0,
  RLIMIT_FSIZE: 1,
  RLIMIT_DATA: 2,
  RLIMIT_STACK: 3,
  RLIMIT_CORE: 4,
  RLIMIT_RSS: 5,
  RLIMIT_NPROC: 6,
  RLIMIT_NOFILE: 7,
  RLIMIT_MEMLOCK: 8,
  RLIMIT_AS: 9,
  RLIMIT_LOCKS: 10,
  RLIMIT_SIGPENDING: 11,
  RLIMIT_MSGQUEUE: 12,
  RLIMIT_NICE: 13,
  RLIMIT_RTPRIO: 14,
  RLIMIT_RTTIME: 15,
};

const RLIM_INFINITY = (1n << 64n) - 1n;

/**
 * A limit as the decimal string the helper parses. JSON.parse reads RLIM_INFINITY
 * (18446744073709551615, what other tools write for "unlimited") as 2^64 exactly, one past
 * the largest value; anything at or past 2^64 can only have meant unlimited.
 */
export function rlimitValue(v: number | string | bigint, field: string): string {
  let n: bigint;
  try {
    n = BigInt(v);
  } catch {
    throw new RuntimeError(`config.json: ${field}: ${v} is not a whole number`);
  }
  if (n < 0n) throw new RuntimeError(`config.json: ${field}: ${v} is negative`);
  return (n > RLIM_INFINITY ? RLIM_INFINITY : n).toString();
}

export function rlimitSteps(rlimits: Rlimit[] = [], field = 'process.rlimits'): RlimitStep[] {
  return rlimits.map((r, i) => {
    const resource = RLIMITS[r.type];
    if (resource === undefined) throw new RuntimeError(`config.json: ${field}[${i}].type: unknown rlimit ${r.type}`);
    return { resource, soft: rlimitValue(r.soft, `${field}[${i}].soft`), hard: rlimitValue(r.hard, `${field}[${i}].hard`), field: `${field}[${i}]` };
  });
}
