// Rootless containers and cgroups. An unprivileged user may create cgroups only where the
// tree was delegated to them (chowned); elsewhere the container runs in the caller's own
// cgroup, which is fine until the config asks for limits: then say which field cannot be
// honoured instead of silently running without it.
import * as fs from 'fs';
import * as path from 'path';

import { detectLayout, DEFAULT_CGROUP_ROOT, type CgroupManager } from '../cgroups/manager';
import { ownCgroup, parseProcCgroup } from '../cgroups/hierarchies';
import type { LinuxResources } from '../spec/types';
import { RuntimeError } from '../util/errors';
import { log } from '../util/log';

/** Whether the runtime is in a user namespace other than the host's (rootlesskit, nested). */
function inUserNamespace(): boolean {
  try {
    return !/^\s*0\s+0\s+4294967295\s*$/.test(fs.readFileSync('/proc/self/uid_map', 'utf8'));
  } catch {
    return false;
  }
}

/** `--rootless true|false|auto`, as runc: auto means "not root of the host". */
export function isRootless(flag: string | undefined): boolean {
  if (flag === 'true') return true;
  if (flag === 'false') return false;
  return process.geteuid?.() !== 0 || inUserNamespace();
}

/** Anything but zero, -1 (runc's "unlimited"), false, "" or empty: a limit was asked for. */
function meaningful(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === 'number') return v !== 0 && v !== -1;
  if (typeof v === 'bigint') return v !== 0n && v !== -1n;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return v !== '';
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.values(v as Record<string, unknown>).some(meaningful);
  return true;
}

/**
 * The linux.resources fields that ask for a limit. Device rules are left out: a rootless
 * container cannot create device nodes, and runc ignores the rules there too.
 */
export function requestedLimits(resources: LinuxResources | undefined): string[] {
  if (!resources) return [];
  const out: string[] = [];
  for (const [key, value] of Object.entries(resources)) {
    if (key === 'devices' || !meaningful(value)) continue;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [sub, v] of Object.entries(value as Record<string, unknown>)) if (meaningful(v)) out.push(`${key}.${sub}`);
    } else {
      out.push(key);
    }
  }
  return out;
}

function isPermissionError(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException)?.code;
  return code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || /\b(EACCES|EPERM|EROFS)\b/.test(String((e as Error)?.message ?? e));
}

function cannotApply(spec: { linux?: { resources?: LinuxResources } }, why: string): void {
  const asked = requestedLimits(spec.linux?.resources);
  if (asked.length === 0) return;
  throw new RuntimeError(
    `config.json: linux.resources.${asked[0]}: a rootless container cannot apply cgroup limits here (${why}); delegate a cgroup to the user and point linux.cgroupsPath at it, or remove linux.resources`,
  );
}

/** The resources a rootless container applies: device rules need privileges it lacks. */
export function rootlessResources(resources: LinuxResources | undefined): LinuxResources | undefined {
  if (!resources?.devices) return resources;
  const { devices: _devices, ...rest } = resources;
  return rest;
}

/**
 * Creates the container's cgroups; for a rootless container without the right to, leaves
 * them out (false) unless limits were asked for.
 */
export function createCgroups(cg: CgroupManager, spec: { linux?: { resources?: LinuxResources } }, rootless: boolean): boolean {
  try {
    cg.create();
    return true;
  } catch (e) {
    if (!rootless || !isPermissionError(e)) throw e;
    cannotApply(spec, `no permission to create ${cg.toState().cgroupsPath}`);
    log.debug(`rootless: running in the caller's cgroup (${(e as Error).message})`);
    return false;
  }
}

/** Moves the init into the container's cgroups; rootless without the right to, stays put (false). */
export function joinCgroups(cg: CgroupManager, pid: number, spec: { linux?: { resources?: LinuxResources } }, rootless: boolean): boolean {
  try {
    cg.join(pid);
    return true;
  } catch (e) {
    if (!rootless || !isPermissionError(e)) throw e;
    cannotApply(spec, `no permission to join ${cg.toState().cgroupsPath}`);
    log.debug(`rootless: running in the caller's cgroup (${(e as Error).message})`);
    try {
      cg.destroy();
    } catch {
      // the directories stay; delete has nothing to find
    }
    return false;
  }
}

/**
 * Where the caller's own cgroup is in each v1 hierarchy (plus the unified tree on a hybrid
 * host): what a `cgroup` mount shows a container that has no cgroup of its own.
 */
export function ownCgroupHierarchies(): { name: string; hostPath: string }[] {
  try {
    const layout = detectLayout(DEFAULT_CGROUP_ROOT);
    const procCgroup = parseProcCgroup(fs.readFileSync('/proc/self/cgroup', 'utf8'));
    const out: { name: string; hostPath: string }[] = [];
    for (const h of layout.v1) out.push({ name: h.name, hostPath: path.join(h.mountpoint, ownCgroup(h, procCgroup) ?? '/') });
    if (layout.unified && layout.mode === 'hybrid')
      out.push({ name: 'unified', hostPath: path.join(layout.unified.mountpoint, ownCgroup(layout.unified, procCgroup) ?? '/') });
    return out;
  } catch {
    return [];
  }
}

/** Whether the host runs cgroup v2 only (a `cgroup` mount is then a real cgroup2 mount). */
export function hostCgroupV2(): boolean {
  try {
    return detectLayout(DEFAULT_CGROUP_ROOT).mode === 'v2';
  } catch {
    return false;
  }
}
