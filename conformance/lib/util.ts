// Small helpers shared by cases: host-side views of a container process, cgroup paths,
// mount table lookups, and the state JSON shape.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { isAlive as alive } from '../../src/util/proc';
import type { AllResult, MountInfo } from '../checker/protocol';
import { rootEntries as containerEntries, type Ctx } from './harness';

export function readFile(p: string): string | null {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return null;
  }
}

export function nsInode(pid: number, name: string): number | null {
  try {
    return fs.statSync(`/proc/${pid}/ns/${name}`).ino;
  } catch {
    return null;
  }
}

/** Alive and not a zombie: the runtime's own check. */
export { alive };

export function cmdline(pid: number): string[] | null {
  const s = readFile(`/proc/${pid}/cmdline`);
  if (s === null) return null;
  return s.split('\0').slice(0, -1);
}

/** /proc/PID/cgroup as a map: controller list (or '' for v2) -> path. */
export function procCgroups(pid: number): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of (readFile(`/proc/${pid}/cgroup`) ?? '').split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (m) out.set(m[1], m[2]);
  }
  return out;
}

/** A cgroupsPath unique to this run, under a parent the suite owns. */
export function uniqueCgroupPath(t: Ctx, name: string): string {
  const p = `/runtime-test-conformance-${process.pid}/${name}`;
  t.defer(`remove cgroup dirs under /runtime-test-conformance-${process.pid}`, () => removeCgroupTree(t));
  return p;
}

/** Every host directory a container at cgroupsPath `p` may own (v1 hierarchies and unified). */
export function cgroupDirs(t: Ctx, p: string): string[] {
  return [...new Set(t.host.cgroupMounts.values())].map((m) => path.join(m, p));
}

/** Removes cgroup dirs the suite's parent cgroup left (deepest first); rmdir only, never files. */
export function removeCgroupTree(t: Ctx): void {
  for (const m of new Set(t.host.cgroupMounts.values())) {
    const top = path.join(m, `runtime-test-conformance-${process.pid}`);
    if (!fs.existsSync(top)) continue;
    const dirs: string[] = [];
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) walk(path.join(d, e.name));
      dirs.push(d);
    };
    walk(top);
    for (const d of dirs) {
      try {
        fs.rmdirSync(d);
      } catch {
        // busy: a leftover process; the case that made it reports that
      }
    }
  }
}

/** The topmost mount at a path in a mountinfo table (the last one listed there). */
export function mountAt(mounts: AllResult['mounts'] | undefined, mountPoint: string): MountInfo | undefined {
  if (!Array.isArray(mounts)) return undefined;
  const hits = mounts.filter((m) => m.mountPoint === mountPoint);
  return hits[hits.length - 1];
}

/** Per-mount and superblock options together, as mount(8) shows them. */
export function allOptions(m: MountInfo): Set<string> {
  return new Set([...m.options, ...m.superOptions]);
}

export function sh(cmd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('/bin/sh', ['-c', cmd], { encoding: 'utf8', timeout: 20000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Runs a host command that must succeed (setup steps); aborts the case otherwise. */
export function hostMust(t: Ctx, cmd: string): string {
  const r = sh(cmd);
  if (r.status !== 0) t.abort(`host setup failed: ${cmd}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Problems with a state object against the spec's state schema, for a given status. */
export function stateProblems(s: Record<string, unknown>, expect: { id: string; status?: string; bundle?: string }): string[] {
  const p: string[] = [];
  if (typeof s.ociVersion !== 'string' || !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(s.ociVersion)) p.push(`ociVersion is not a SemVer string: ${JSON.stringify(s.ociVersion)}`);
  if (s.id !== expect.id) p.push(`id is ${JSON.stringify(s.id)}, expected ${expect.id}`);
  if (typeof s.status !== 'string' || !s.status) p.push(`status is not a non-empty string: ${JSON.stringify(s.status)}`);
  if (expect.status && s.status !== expect.status) p.push(`status is ${JSON.stringify(s.status)}, expected ${expect.status}`);
  if (s.status === 'created' || s.status === 'running') {
    if (!Number.isInteger(s.pid) || (s.pid as number) <= 0) p.push(`pid is required and positive when ${s.status}: ${JSON.stringify(s.pid)}`);
  } else if (s.pid !== undefined && !Number.isInteger(s.pid)) p.push(`pid is not an integer: ${JSON.stringify(s.pid)}`);
  if (typeof s.bundle !== 'string' || !path.isAbsolute(s.bundle)) p.push(`bundle is not an absolute path: ${JSON.stringify(s.bundle)}`);
  else if (expect.bundle && fs.realpathSync(s.bundle) !== fs.realpathSync(expect.bundle)) p.push(`bundle is ${s.bundle}, expected ${expect.bundle}`);
  if (s.annotations !== undefined) {
    if (typeof s.annotations !== 'object' || s.annotations === null || Array.isArray(s.annotations)) p.push('annotations is not a map');
    else for (const [k, v] of Object.entries(s.annotations)) if (typeof v !== 'string') p.push(`annotations.${k} is not a string`);
  }
  return p;
}

/** The ids under the state root right now. */
export function rootEntries(t: Ctx): string[] {
  return containerEntries(t.rt.root);
}

/** Unmounts everything at or below dir (stacked mounts included), deepest first. */
export function unmountAll(dir: string): void {
  for (let i = 0; i < 50; i++) {
    const points = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
      .map((l) => l.split(' ')[4])
      .filter((p) => p && (p === dir || p.startsWith(dir + '/')))
      .map((p) => p.replace(/\\(\d{3})/g, (_m, o) => String.fromCharCode(parseInt(o, 8))));
    if (!points.length) return;
    points.sort((a, b) => b.length - a.length);
    const r = sh(`umount -l '${points[0]}'`);
    if (r.status !== 0) throw new Error(`umount ${points[0]}: ${r.stderr.trim()}`);
  }
  throw new Error(`${dir}: still mounted after 50 unmounts`);
}
