// linux.personality -> the personality(2) argument.
import type { Linux } from '../spec/types';
import { RuntimeError } from '../util/errors';

export const PERSONALITY_DOMAINS: Record<string, number> = {
  LINUX: 0x0000,
  LINUX32: 0x0008,
};

export function personalityValue(p: Linux['personality']): number | undefined {
  if (!p) return undefined;
  const domain = PERSONALITY_DOMAINS[p.domain];
  if (domain === undefined)
    throw new RuntimeError(`config.json: linux.personality.domain: unknown domain ${JSON.stringify(p.domain)} (LINUX or LINUX32)`);
  // The spec defines no flags yet; taking one we do not know would apply something unasked.
  if (p.flags?.length) throw new RuntimeError(`config.json: linux.personality.flags[0]: ${JSON.stringify(p.flags[0])} is not a supported flag (the spec defines none)`);
  return domain;
}
