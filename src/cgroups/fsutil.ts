// Small synchronous file helpers for cgroupfs. Cgroup control files are written with one
// write(2) on a descriptor opened without O_CREAT, so a missing file is ENOENT and never
// a stray regular file.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { errnoCode } from './errors';

export type WriteObserver = (file: string, value: string) => void;

export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function exists(p: string): boolean {
  return fs.existsSync(p);
}

export function readText(p: string): string {
  return fs.readFileSync(p, 'utf8').trim();
}

export function readOptional(p: string): string | undefined {
  try {
    return readText(p);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw err;
  }
}

export function writeFile(p: string, value: string, observe?: WriteObserver): void {
  observe?.(p, value);
  const fd = fs.openSync(p, fs.constants.O_WRONLY | fs.constants.O_TRUNC);
  try {
    fs.writeSync(fd, value);
  } finally {
    fs.closeSync(fd);
  }
}

/** Move a process into a cgroup; EINVAL can mean the task is still being forked (TASK_NEW): retry. */
export function writeProcs(dir: string, pid: number, observe?: WriteObserver): void {
  for (let attempt = 0; ; attempt++) {
    try {
      writeFile(path.join(dir, 'cgroup.procs'), String(pid), observe);
      return;
    } catch (err) {
      if (errnoCode(err) !== 'EINVAL' || attempt >= 4) throw err;
      sleepSync(30);
    }
  }
}

export function readPids(file: string): number[] {
  const text = readOptional(file);
  if (!text) return [];
  return text.split('\n').filter(Boolean).map(Number);
}

/** Pids in a cgroup and all its descendants. */
export function allPids(dir: string): number[] {
  const out: number[] = [];
  const walk = (d: string) => {
    out.push(...readPids(path.join(d, 'cgroup.procs')));
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return;
      throw err;
    }
    for (const e of entries) if (e.isDirectory()) walk(path.join(d, e.name));
  };
  walk(dir);
  return [...new Set(out)];
}

/**
 * Remove a cgroup directory and any child cgroups below it (deepest first). A cgroup
 * whose last processes are still exiting answers EBUSY for a moment: retry for up to
 * `timeoutMs`. A missing directory is fine.
 */
export function removeCgroupDir(dir: string, timeoutMs = 2000): void {
  const deadline = Date.now() + timeoutMs;
  const remove = (d: string): void => {
    // Mostly a leaf with nothing left in it: one rmdir, no listing.
    try {
      fs.rmdirSync(d);
      return;
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return;
      // child cgroups, exiting processes, or a fake tree's files: the walk below
    }
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return;
      throw err;
    }
    for (const e of entries) if (e.isDirectory()) remove(path.join(d, e.name));
    for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
      try {
        fs.rmdirSync(d);
        return;
      } catch (err) {
        const code = errnoCode(err);
        if (code === 'ENOENT') return;
        if (code === 'ENOTEMPTY' && !isCgroupfsDir(d)) {
          // A fake tree in tests holds regular files; a real cgroup dir never does.
          fs.rmSync(d, { recursive: true, force: true });
          return;
        }
        if ((code !== 'EBUSY' && code !== 'ENOTEMPTY') || Date.now() >= deadline) throw err;
        sleepSync(delay);
      }
    }
  };
  remove(dir);
}

const CGROUP_SUPER_MAGIC = 0x27e0eb;
const CGROUP2_SUPER_MAGIC = 0x63677270;

function isCgroupfsDir(d: string): boolean {
  try {
    const t = Number(fs.statfsSync(d).type);
    return t === CGROUP_SUPER_MAGIC || t === CGROUP2_SUPER_MAGIC;
  } catch {
    return true;
  }
}

/** "0-3,6" -> [0,1,2,3,6] */
export function parseCpuList(list: string): number[] {
  const out: number[] = [];
  for (const part of list.split(',')) {
    if (!part.trim()) continue;
    const [a, b] = part.split('-').map((x) => Number(x.trim()));
    if (b === undefined) out.push(a!);
    else for (let i = a!; i <= b; i++) out.push(i);
  }
  return out;
}
