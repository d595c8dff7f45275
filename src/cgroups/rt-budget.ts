// Real-time budget for cgroup v1 cpu (RT group scheduling kernels).
//
// The kernel keeps every cpu cgroup's rt_runtime/rt_period ratio within its parent's: the
// children's ratios together may not exceed the parent's own (kernel/sched/rt.c,
// tg_rt_schedulable). A new cgroup starts with rt_runtime_us 0, so a container at
// /runtime/<id> asking for realtimeRuntime gets EINVAL while /runtime has no budget of its
// own. runc leaves this to the user; we grow each intermediate cgroup's budget to exactly
// what the container needs (plus what that cgroup's other children already hold), taken
// from its parent and never from above the hierarchy's mount point (the root budget is
// the host's, not ours). Budgets are not shrunk back on delete: another container may be
// using them by then, and an unused budget only reserves host RT time that nobody runs.
//
// plan() is pure over a reader, so the arithmetic is unit-tested on a fake tree.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { CgroupError } from './errors';
import { readOptional, writeFile, type WriteObserver } from './fsutil';

/** The kernel's fixed-point unit for bandwidth ratios (BW_SHIFT). */
const BW_UNIT = 1n << 20n;
const RUNTIME = 'cpu.rt_runtime_us';
const PERIOD = 'cpu.rt_period_us';
const FIELD = 'linux.resources.cpu.realtimeRuntime';

/** The kernel's to_ratio(): runtime/period in 1/2^20 units, truncated; -1 (unlimited) is 1. */
export function rtRatio(periodUs: bigint, runtimeUs: bigint): bigint {
  if (runtimeUs < 0n) return BW_UNIT;
  if (periodUs <= 0n) return 0n;
  return (runtimeUs * 1000n * BW_UNIT) / (periodUs * 1000n);
}

/** A runtime (µs) whose ratio over `periodUs` reaches `ratio`: the ratio's value rounded up. */
export function runtimeFor(periodUs: bigint, ratio: bigint): bigint {
  let rt = (ratio * periodUs + BW_UNIT - 1n) / BW_UNIT;
  while (rtRatio(periodUs, rt) < ratio) rt++;
  return rt;
}

/** What plan() needs from a cpu hierarchy: a cgroup's period and runtime, and its child cgroups. */
export interface RtTree {
  read(dir: string): { period: bigint; runtime: bigint } | undefined;
  children(dir: string): string[];
}

export interface RtWrite {
  dir: string;
  runtime: bigint;
}

/**
 * The rt_runtime_us writes (outermost first) that let `dir` hold `runtimeUs` per `periodUs`.
 * Empty when the parents already have room. Throws, naming the field, when the budget at
 * the mount point cannot cover it.
 */
export function planRtBudget(tree: RtTree, mountpoint: string, dir: string, runtimeUs: bigint, periodUs: bigint): RtWrite[] {
  if (runtimeUs <= 0n) return [];
  const rel = path.relative(mountpoint, dir);
  if (!rel || rel.startsWith('..')) return [];
  // Ancestors between the mount point (excluded) and dir (excluded), innermost first.
  const ancestors: string[] = [];
  for (let d = path.dirname(dir); d !== mountpoint && d.startsWith(mountpoint + '/'); d = path.dirname(d)) ancestors.push(d);

  const writes: RtWrite[] = [];
  let child = dir;
  let childRatio = rtRatio(periodUs, runtimeUs);
  for (const parent of [...ancestors, mountpoint]) {
    const own = tree.read(parent);
    if (!own) return writes.reverse(); // not an RT-group-scheduling kernel: nothing to do
    const others = siblingsRatio(tree, parent, child);
    const need = childRatio + others;
    const have = rtRatio(own.period, own.runtime);
    if (have >= need) break;
    const want = `${runtimeUs}µs every ${periodUs}µs`;
    if (parent === mountpoint) {
      const free = have > others ? have - others : 0n;
      throw new CgroupError(
        FIELD,
        `${want} needs ${share(childRatio)} of the real-time budget below ${parent}, which has ${share(free)} free ` +
          `(the host's cpu.rt_runtime_us gives ${share(have)}, other cgroups hold ${share(others)})`,
      );
    }
    if (need > BW_UNIT) throw new CgroupError(FIELD, `${want} needs ${share(need)} of the real-time budget in ${parent}: more than a whole period`);
    const runtime = runtimeFor(own.period, need);
    writes.push({ dir: parent, runtime });
    child = parent;
    childRatio = rtRatio(own.period, runtime);
  }
  return writes.reverse();
}

const share = (v: bigint) => `${((Number(v) / Number(BW_UNIT)) * 100).toFixed(1)}%`;

function siblingsRatio(tree: RtTree, parent: string, except: string): bigint {
  let sum = 0n;
  for (const c of tree.children(parent)) {
    if (c === except) continue;
    const v = tree.read(c);
    if (v) sum += rtRatio(v.period, v.runtime);
  }
  return sum;
}

/** The real cpu hierarchy as an RtTree. */
export function fsRtTree(): RtTree {
  return {
    read(dir) {
      const runtime = readOptional(path.join(dir, RUNTIME));
      const period = readOptional(path.join(dir, PERIOD));
      if (runtime === undefined || period === undefined) return undefined;
      return { period: BigInt(period), runtime: BigInt(runtime) };
    },
    children(dir) {
      try {
        return fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.join(dir, e.name));
      } catch {
        return [];
      }
    },
  };
}

/**
 * Grow the intermediate cgroups' budgets so `dir` can be given `runtimeUs` every
 * `periodUs` (its own period when the config sets none).
 */
export function ensureRtBudget(
  mountpoint: string,
  dir: string,
  runtimeUs: number,
  periodUs: number | undefined,
  observe?: WriteObserver,
  tree: RtTree = fsRtTree(),
): void {
  const period = periodUs ? BigInt(periodUs) : tree.read(dir)?.period ?? 1000000n;
  for (const w of planRtBudget(tree, mountpoint, dir, BigInt(runtimeUs), period)) {
    try {
      writeFile(path.join(w.dir, RUNTIME), String(w.runtime), observe);
    } catch (err) {
      throw new CgroupError(FIELD, `giving ${w.dir} a real-time budget of ${w.runtime}µs: ${(err as Error).message}`);
    }
  }
}
