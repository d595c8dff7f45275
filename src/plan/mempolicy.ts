// linux.memoryPolicy -> set_mempolicy(2)'s mode (with its flag bits) and node list.
import type { Linux } from '../spec/types';
import { RuntimeError } from '../util/errors';
import { parseIdList } from './cpulist';

export const MPOL_MODES: Record<string, number> = {
  MPOL_DEFAULT: 0,
  MPOL_PREFERRED: 1,
  MPOL_BIND: 2,
  MPOL_INTERLEAVE: 3,
  MPOL_LOCAL: 4,
  MPOL_PREFERRED_MANY: 5,
  MPOL_WEIGHTED_INTERLEAVE: 6,
};

export const MPOL_FLAGS: Record<string, number> = {
  MPOL_F_NUMA_BALANCING: 1 << 13,
  MPOL_F_RELATIVE_NODES: 1 << 14,
  MPOL_F_STATIC_NODES: 1 << 15,
};

export interface MemoryPolicyStep {
  /** mode | flags, as set_mempolicy takes it. */
  mode: number;
  nodes: number[];
}

export function memoryPolicyStep(m: Linux['memoryPolicy']): MemoryPolicyStep | undefined {
  if (!m) return undefined;
  const mode = MPOL_MODES[m.mode];
  if (mode === undefined)
    throw new RuntimeError(`config.json: linux.memoryPolicy.mode: unknown mode ${JSON.stringify(m.mode)} (known: ${Object.keys(MPOL_MODES).join(', ')})`);
  let flags = 0;
  (m.flags ?? []).forEach((name, i) => {
    const bit = MPOL_FLAGS[name];
    if (bit === undefined)
      throw new RuntimeError(`config.json: linux.memoryPolicy.flags[${i}]: unknown flag ${JSON.stringify(name)} (known: ${Object.keys(MPOL_FLAGS).join(', ')})`);
    flags |= bit;
  });
  const nodes = m.nodes ? parseIdList(m.nodes, 'linux.memoryPolicy.nodes') : [];
  return { mode: mode | flags, nodes };
}
