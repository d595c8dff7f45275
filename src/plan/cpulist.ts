// "0-3,7" lists (cpus for execCPUAffinity, memory nodes for memoryPolicy) -> sorted numbers.
import { RuntimeError } from '../util/errors';

/** Far above any real machine; keeps a typo like "0-4000000000" from building a huge mask. */
export const MAX_LIST_ID = 65535;

export function parseIdList(text: string, field: string): number[] {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new RuntimeError(`config.json: ${field}: ${JSON.stringify(text)} is not a list like "0-3,7" (bad part ${JSON.stringify(part)})`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) throw new RuntimeError(`config.json: ${field}: range ${part.trim()} runs backwards`);
    if (to > MAX_LIST_ID) throw new RuntimeError(`config.json: ${field}: ${to} is above ${MAX_LIST_ID}`);
    for (let i = from; i <= to; i++) out.add(i);
  }
  return [...out].sort((a, b) => a - b);
}
