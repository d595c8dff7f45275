// linux.seccomp -> loadable BPF, in the parent. The native module is passed
// in so tests can use the real addon directly or a fake.

import * as path from 'node:path';

import type { Seccomp } from '../spec/types';
import { CachedFilter, cacheKey, readCached, writeCached } from './cache';
import { buildEnosysStub, maxSyscalls, nativeArchToken } from './enosys';
import { SeccompCompilePlan, SeccompTranslation, translateSeccomp } from './translate';

/** The part of the addon this module needs (addon/seccomp.h). */
export interface SeccompNative {
  compileSeccomp(plan: SeccompCompilePlan): { bpf: Buffer; skipped: string[] };
  resolveSyscalls(names: string[], archs: number[]): number[][];
}

/** The kernel's limit on a classic BPF program (BPF_MAXINSNS). */
const MAX_INSNS = 4096;

export interface CompiledSeccomp {
  /** struct sock_filter[] in host byte order, 8 bytes per instruction. */
  bpf: Buffer;
  /** SECCOMP_FILTER_FLAG_* for seccomp(SECCOMP_SET_MODE_FILTER, flags, &prog). */
  flags: number;
  /** The load returns a listener fd to send to linux.seccomp.listenerPath. */
  notify: boolean;
  /** Syscall names this libseccomp does not know, left out as runc does; worth a debug line. */
  skipped: string[];
}

export interface CompileOptions {
  /** The JSON path error messages start with. */
  field?: string;
  /** Keep compiled filters here and reuse them (see cache.ts). */
  cacheDir?: string;
}

/**
 * Where create and exec keep compiled filters: inside the state root, under a
 * name that is not a valid container id, so no container can claim it and
 * `list` never shows it. cache.ts uses it only while it is private to us.
 */
export function seccompCacheDir(stateRoot: string): string {
  return path.join(stateRoot, '@seccomp-cache');
}

export function compileSeccomp(native: SeccompNative, seccomp: Seccomp, options: CompileOptions = {}): CompiledSeccomp {
  const field = options.field ?? 'linux.seccomp';
  const translation = translateSeccomp(seccomp, field);
  const { loadFlags, needsListener } = translation;
  const key = options.cacheDir ? cacheKey([translation.compile, translation.enosysNames ?? null]) : '';
  let out = options.cacheDir ? readCached(options.cacheDir, key) : undefined;
  if (!out) {
    out = build(native, translation, field);
    if (options.cacheDir) writeCached(options.cacheDir, key, out);
  }
  return { bpf: out.bpf, flags: loadFlags, notify: needsListener, skipped: out.skipped };
}

function build(native: SeccompNative, translation: SeccompTranslation, field: string): CachedFilter {
  const { compile, ruleSources, enosysNames } = translation;
  let out: { bpf: Buffer; skipped: string[] };
  try {
    out = native.compileSeccomp(compile);
  } catch (err) {
    throw describeNativeError(err, field, ruleSources);
  }
  let bpf = out.bpf;
  if (enosysNames) {
    // The native architecture is in every filter even when not listed.
    const nativeArch = nativeArchToken();
    const archs = [...new Set([...(nativeArch === undefined ? [] : [nativeArch]), ...compile.architectures])];
    const stub = buildEnosysStub(maxSyscalls(archs, native.resolveSyscalls(enosysNames, archs)));
    bpf = Buffer.concat([stub, bpf]);
  }
  if (bpf.length / 8 > MAX_INSNS) {
    throw new Error(`${field}: the filter needs ${bpf.length / 8} BPF instructions, the kernel takes at most ${MAX_INSNS}`);
  }
  return { bpf, skipped: [...new Set(out.skipped)] };
}

/** Names the config entry a rejected rule came from, when the addon says which rule it was. */
function describeNativeError(err: unknown, field: string, ruleSources: string[]): Error {
  const e = err as Error & { ruleIndex?: unknown };
  const message = String(e?.message ?? err);
  if (typeof e?.ruleIndex === 'number' && ruleSources[e.ruleIndex] !== undefined) {
    const cause = message.replace(/^compileSeccomp: rules\[\d+\]: /, '');
    return new Error(`${ruleSources[e.ruleIndex]}: libseccomp refused the rule: ${cause}`);
  }
  return new Error(`${field}: compiling the filter failed: ${message}`);
}
