// The `linux.seccomp` object of the `features` command's output
// (features-linux.md), from what the addon reports about this build.

import { ACTION_BASE, ARCH_TOKENS, OPERATORS, SPEC_FLAGS } from './constants';

/** What the addon's seccompInfo() returns (addon/seccomp.h). */
export interface SeccompInfo {
  version: string;
  apiLevel: number;
  nativeArch: string | null;
  actions: string[];
  operators: string[];
  archs: string[];
  /** SECCOMP_FILTER_FLAG_* names this kernel accepts. */
  supportedFlags: string[];
  tokens: Record<string, number>;
}

export interface SeccompFeatures {
  enabled: boolean;
  actions?: string[];
  operators?: string[];
  archs?: string[];
  knownFlags?: string[];
  supportedFlags?: string[];
}

/**
 * Names are listed only where both the addon's libseccomp and our
 * translation know them, so everything listed is accepted in config.json.
 * TSYNC is supported whatever the kernel says: it is accepted as a no-op.
 */
export function seccompFeatures(info: SeccompInfo | undefined): SeccompFeatures {
  if (!info) return { enabled: false };
  const ours = (names: string[], table: object) =>
    names.filter((n) => Object.prototype.hasOwnProperty.call(table, n)).sort();
  const knownFlags = Object.keys(SPEC_FLAGS).sort();
  const kernel = new Set(info.supportedFlags);
  return {
    enabled: true,
    actions: ours(info.actions, ACTION_BASE),
    operators: ours(info.operators, OPERATORS),
    archs: ours(info.archs, ARCH_TOKENS),
    knownFlags,
    supportedFlags: knownFlags.filter((f) => SPEC_FLAGS[f] === 0 || kernel.has(f)),
  };
}
