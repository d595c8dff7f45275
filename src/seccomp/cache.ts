// A cache of compiled filters. libseccomp needs ~20 ms for podman's or
// docker's profile on three architectures, on every create and exec, while
// the result depends only on the plan and the library: so it is kept,
// content-addressed, under the runtime's state root (a tmpfs, gone at boot).
// Any problem reading or writing it just means compiling again.
//
// A cached filter is loaded into containers unchecked, so whoever can write
// the directory decides what the containers' filters are. The cache is used
// only while the directory is ours alone: a real directory (not a symlink)
// owned by our euid with no group or other permissions. Anything else is
// left alone and the filter compiled afresh.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { LIBSECCOMP_VERSION } from './constants';

/** Bump when the stub, the plan or the entry format changes meaning. */
const CACHE_FORMAT = 1;

export interface CachedFilter {
  bpf: Buffer;
  skipped: string[];
}

/** A key over everything the compiled bytes depend on. */
export function cacheKey(parts: unknown): string {
  const json = JSON.stringify([CACHE_FORMAT, LIBSECCOMP_VERSION, process.arch, parts], (_k, v) =>
    typeof v === 'bigint' ? `${v}n` : v,
  );
  return createHash('sha256').update(json).digest('hex');
}

/** True when dir is a directory only we can change (see the note at the top). */
export function privateDir(dir: string): boolean {
  try {
    const st = fs.lstatSync(dir);
    const euid = process.geteuid?.() ?? -1;
    return st.isDirectory() && st.uid === euid && (st.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

export function readCached(dir: string, key: string): CachedFilter | undefined {
  if (!privateDir(dir)) return undefined;
  try {
    const entry = JSON.parse(fs.readFileSync(path.join(dir, `${key}.json`), 'utf8'));
    const bpf = Buffer.from(String(entry.bpf), 'base64');
    if (bpf.length === 0 || bpf.length % 8 !== 0 || !Array.isArray(entry.skipped)) return undefined;
    return { bpf, skipped: entry.skipped.map(String) };
  } catch {
    return undefined;
  }
}

export function writeCached(dir: string, key: string, value: CachedFilter): void {
  const file = path.join(dir, `${key}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!privateDir(dir)) return;
    fs.writeFileSync(tmp, JSON.stringify({ skipped: value.skipped, bpf: value.bpf.toString('base64') }), {
      mode: 0o600,
    });
    fs.renameSync(tmp, file);
  } catch {
    fs.rmSync(tmp, { force: true });
  }
}
