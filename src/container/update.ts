// `update`: new limits for a live container. The request (a LinuxResources JSON, or runc's
// individual flags) is merged into the stored spec, checked with the same rules as
// config.json, applied to the cgroups, and only then saved, so later commands see it.
import * as fs from 'fs';

import type { LinuxResources, Spec } from '../spec/types';
import type { ContainerRecord } from '../state/record';
import { RuntimeError } from '../util/errors';

/** runc's update flags, as commander hands them over (strings, absent when not given). */
export interface UpdateFlags {
  resources?: string;
  memory?: string;
  memoryReservation?: string;
  memorySwap?: string;
  kernelMemory?: string;
  kernelMemoryTcp?: string;
  cpuShare?: string;
  cpuShares?: string;
  cpuQuota?: string;
  cpuPeriod?: string;
  cpuBurst?: string;
  cpuRtRuntime?: string;
  cpuRtPeriod?: string;
  cpusetCpus?: string;
  cpusetMems?: string;
  cpuIdle?: string;
  pidsLimit?: string;
  blkioWeight?: string;
  l3CacheSchema?: string;
  memBwSchema?: string;
}

const UNITS: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40, p: 2 ** 50 };

/**
 * A byte size as runc (docker/go-units RAMInBytes) reads it: "64m", "1.5g", "512MiB",
 * "100 kb", "4096"; binary multiples whatever the case. -1 means unlimited.
 */
export function parseBytes(flag: string, text: string): number {
  if (text.trim() === '-1') return -1;
  const m = /^(\d+(?:\.\d+)?) ?([kmgtp])?i?b?$/i.exec(text.trim());
  if (!m) throw new RuntimeError(`invalid value for --${flag}: ${JSON.stringify(text)} (a size like 1024, 64m or 1.5g, or -1)`);
  return Math.floor(Number(m[1]) * UNITS[(m[2] ?? '').toLowerCase()]!);
}

function parseInteger(flag: string, text: string, signed: boolean): number {
  const ok = signed ? /^[+-]?\d+$/ : /^\+?\d+$/;
  const n = Number(text.trim());
  if (!ok.test(text.trim()) || !Number.isSafeInteger(n)) {
    throw new RuntimeError(`invalid value for --${flag}: ${JSON.stringify(text)} (${signed ? 'an integer' : 'a non-negative integer'})`);
  }
  return n;
}

/** The LinuxResources the individual flags ask for (runc's update.go, flag by flag). */
export function resourcesFromFlags(o: UpdateFlags, warn: (msg: string) => void): LinuxResources {
  const r: LinuxResources = {};
  const memory = (): NonNullable<LinuxResources['memory']> => (r.memory ??= {});
  const cpu = (): NonNullable<LinuxResources['cpu']> => (r.cpu ??= {});

  if (o.memory !== undefined) memory().limit = parseBytes('memory', o.memory);
  if (o.memoryReservation !== undefined) memory().reservation = parseBytes('memory-reservation', o.memoryReservation);
  if (o.memorySwap !== undefined) memory().swap = parseBytes('memory-swap', o.memorySwap);
  // runc 1.2+ ignores kernel memory with a warning; the kernel here may still have the
  // kmem files, but the limits are deprecated upstream, so we do as runc does.
  if (o.kernelMemory !== undefined) warn('--kernel-memory is ignored: kernel memory limits are deprecated (as in runc)');
  if (o.kernelMemoryTcp !== undefined) warn('--kernel-memory-tcp is ignored: kernel memory limits are deprecated (as in runc)');

  const shares = o.cpuShare ?? o.cpuShares;
  if (shares !== undefined) cpu().shares = parseInteger('cpu-share', shares, false);
  if (o.cpuPeriod !== undefined) cpu().period = parseInteger('cpu-period', o.cpuPeriod, false);
  if (o.cpuQuota !== undefined) cpu().quota = parseInteger('cpu-quota', o.cpuQuota, true);
  if (o.cpuBurst !== undefined) cpu().burst = parseInteger('cpu-burst', o.cpuBurst, false);
  if (o.cpuRtPeriod !== undefined) cpu().realtimePeriod = parseInteger('cpu-rt-period', o.cpuRtPeriod, false);
  if (o.cpuRtRuntime !== undefined) cpu().realtimeRuntime = parseInteger('cpu-rt-runtime', o.cpuRtRuntime, true);
  if (o.cpusetCpus) cpu().cpus = o.cpusetCpus;
  if (o.cpusetMems) cpu().mems = o.cpusetMems;
  if (o.cpuIdle !== undefined) cpu().idle = parseInteger('cpu-idle', o.cpuIdle, true);

  if (o.pidsLimit !== undefined) r.pids = { limit: parseInteger('pids-limit', o.pidsLimit, true) };
  if (o.blkioWeight !== undefined) {
    const w = parseInteger('blkio-weight', o.blkioWeight, false);
    if (w !== 0) r.blockIO = { weight: w };
  }
  return r;
}

/** `-r FILE` or `-r -` (stdin): a LinuxResources object. */
export function readResourcesFile(file: string): LinuxResources {
  let text: string;
  try {
    text = fs.readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw new RuntimeError(`--resources ${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new RuntimeError(`--resources ${file}: not valid JSON: ${(e as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new RuntimeError(`--resources ${file}: expected a JSON object of linux.resources fields`);
  }
  return value as LinuxResources;
}

const isPlain = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The update laid over the stored resources: objects merge field by field, arrays and
 * scalars replace, null removes. Device rules are left out, as runc's update leaves them:
 * the container's device list (with runc's default rules appended at create) stays as is.
 */
export function mergeResources(old: LinuxResources | undefined, update: LinuxResources, warn: (msg: string) => void): LinuxResources {
  const upd = { ...update } as Record<string, unknown>;
  if (upd.devices !== undefined) {
    warn('linux.resources.devices: update does not change device rules (ignored, as runc does)');
    delete upd.devices;
  }
  // runc: memory set to unlimited without a swap value means "both unlimited".
  const mem = upd.memory as LinuxResources['memory'] | undefined;
  if (mem && mem.limit === -1 && mem.swap === undefined) upd.memory = { ...mem, swap: -1 };
  return deepMerge(structuredClone(old ?? {}) as Record<string, unknown>, upd) as LinuxResources;
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(over)) {
    if (v === null) delete base[k];
    else if (isPlain(v) && isPlain(base[k])) base[k] = deepMerge(base[k] as Record<string, unknown>, v);
    else if (v !== undefined) base[k] = structuredClone(v);
  }
  return base;
}

/**
 * What to write now: the merged value of every top-level section the update touched (so a
 * new memory limit goes with the stored swap, a new quota with the stored period).
 */
export function touchedResources(merged: LinuxResources, update: LinuxResources): LinuxResources {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(update)) {
    if (k === 'devices') continue;
    const v = (merged as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = v;
  }
  return out as LinuxResources;
}

/** The stored spec with new resources, for validation and saving. */
export function specWithResources(spec: Spec, resources: LinuxResources): Spec {
  return { ...spec, linux: { ...spec.linux, resources } };
}

/** Only the lines about resources: the rest of the stored spec was accepted at create. */
export function resourceErrors(errors: string[]): string[] {
  return errors.filter((e) => e.includes('linux.resources')).map((e) => e.replace(/^config\.json: /, ''));
}

export function recordWithResources(rec: ContainerRecord, resources: LinuxResources): ContainerRecord {
  return { ...rec, spec: specWithResources(rec.spec, resources) };
}
