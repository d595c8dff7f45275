// What both drivers do the same way: making directories, performing a list of writes,
// signalling every process of a cgroup.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { CgroupError, errnoCode, errnoText } from './errors';
import { exists, readOptional, writeFile, type WriteObserver } from './fsutil';
import type { CgroupWrite } from './types';

/** "linux.resources.hugepageLimits[0]" -> "linux.resources.hugepageLimits": the field a whole controller serves. */
export function fieldGroup(field: string): string {
  const i = field.indexOf('[');
  return i < 0 ? field : field.slice(0, i);
}

/**
 * mkdir -p `dir` below `mountpoint`, returning the directories this call created (outermost
 * first). `onEach` runs for every level below the mount point, new or not (cpuset needs it).
 */
export function makeCgroupDirs(mountpoint: string, dir: string, onEach?: (d: string) => void): string[] {
  const rel = path.relative(mountpoint, dir);
  if (rel.startsWith('..') || path.isAbsolute(rel)) throw new Error(`${dir} is outside ${mountpoint}`);
  const created: string[] = [];
  let cur = mountpoint;
  for (const part of rel.split(path.sep).filter(Boolean)) {
    cur = path.join(cur, part);
    try {
      fs.mkdirSync(cur);
      created.push(cur);
    } catch (err) {
      if (errnoCode(err) !== 'EEXIST') throw err;
    }
    onEach?.(cur);
  }
  return created;
}

const UNSUPPORTED = new Set(['EINVAL', 'EOPNOTSUPP', 'ENOTSUP', 'ENOENT', 'EPERM', 'EACCES']);

/**
 * Perform the writes in order. `dirFor` names the directory of a write's controller (and
 * throws when the host lacks it). Returns warnings as "field: message" lines.
 */
export function performWrites(
  writes: CgroupWrite[],
  dirFor: (w: CgroupWrite) => string,
  observe?: WriteObserver,
): string[] {
  const warnings: string[] = [];
  const retry: { w: CgroupWrite; file: string; value: string; dir: string }[] = [];
  for (const w of writes) {
    const dir = dirFor(w);
    let { file, value } = w;
    if (!exists(path.join(dir, file))) {
      if (w.fallback && exists(path.join(dir, w.fallback.file))) {
        ({ file, value } = w.fallback);
      } else if (w.optional === 'skip') {
        continue;
      } else if (w.optional === 'warn') {
        warnings.push(`${w.field}: ignored: this kernel has no ${w.file}`);
        continue;
      } else {
        const alt = w.fallback ? ` (nor ${w.fallback.file})` : '';
        throw new CgroupError(w.field, `this host has no ${w.file}${alt} in ${dir}`);
      }
    }
    try {
      writeFile(path.join(dir, file), value, observe);
    } catch (err) {
      const code = errnoCode(err);
      if (w.retryAfterEinval && code === 'EINVAL') {
        retry.push({ w, file, value, dir });
      } else if (w.optional && code && UNSUPPORTED.has(code)) {
        if (w.optional === 'warn') warnings.push(`${w.field}: ignored: the kernel refused ${file}=${value}: ${errnoText(err)}`);
      } else {
        throw writeError(w, dir, file, value, err);
      }
    }
  }
  for (const r of retry) {
    try {
      writeFile(path.join(r.dir, r.file), r.value, observe);
    } catch (err) {
      throw writeError(r.w, r.dir, r.file, r.value, err);
    }
  }
  return warnings;
}

function writeError(w: CgroupWrite, dir: string, file: string, value: string, err: unknown): CgroupError {
  if (errnoCode(err) === 'EBUSY' && file === 'memory.limit_in_bytes') {
    // The kernel refuses a limit below current usage; say so with numbers, as runc does.
    const usage = readOptional(path.join(dir, 'memory.usage_in_bytes')) ?? '?';
    const peak = readOptional(path.join(dir, 'memory.max_usage_in_bytes')) ?? '?';
    return new CgroupError(w.field, `cannot set memory limit to ${value} (current usage: ${usage}, peak usage: ${peak})`);
  }
  return new CgroupError(w.field, `writing "${value}" to ${path.join(dir, file)}: ${errnoText(err)}`);
}

/** Send `signal` to each pid, ignoring processes that are already gone. */
export function signalEach(pids: number[], signal: number): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch (err) {
      if (errnoCode(err) !== 'ESRCH') throw err;
    }
  }
}
