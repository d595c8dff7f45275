// cgroup v1 driver (also the hybrid one: v1 hierarchies plus the unified tree).

import * as path from 'node:path';
import type { CgroupSelfJoin } from '../plan/types';
import type { LinuxResources } from '../spec/types';
import { CgroupError, errnoText } from './errors';
import { fieldGroup, makeCgroupDirs, performWrites, signalEach } from './driver-common';
import { freezerState } from './freezer-state';
import { allPids, exists, readOptional, readText, removeCgroupDir, sleepSync, writeFile, writeProcs } from './fsutil';
import { statsV1, type RuncStats, type V1Dirs } from './stats';
import { parseFlatKeyed } from './stats';
import { ensureRtBudget } from './rt-budget';
import { translateV1 } from './v1-resources';
import type { CgroupWrite } from './types';
import type { CgroupManager, DriverHooks, SavedCgroups } from './manager';

const SIGKILL = 9;

export class V1Manager implements CgroupManager {
  private readonly saved: SavedCgroups;

  constructor(saved: SavedCgroups, private readonly hooks: DriverHooks = {}) {
    this.saved = structuredClone(saved);
  }

  /** The container's directory for a v1 subsystem ("memory", "name=systemd"), if the host has it. */
  dir(subsystem: string): string | undefined {
    return this.saved.hierarchies.find((h) => h.controllers.includes(subsystem))?.dir;
  }

  private allDirs(): { mountpoint: string; dir: string; cpuset: boolean }[] {
    const out = this.saved.hierarchies.map((h) => ({ mountpoint: h.mountpoint, dir: h.dir, cpuset: h.controllers.includes('cpuset') }));
    if (this.saved.unified) out.push({ ...this.saved.unified, cpuset: false });
    return out;
  }

  create(): void {
    const made: string[] = [];
    try {
      for (const h of this.allDirs()) {
        made.push(...makeCgroupDirs(h.mountpoint, h.dir, h.cpuset ? inheritCpuset : undefined));
      }
    } catch (err) {
      for (const d of made.reverse()) {
        try {
          removeCgroupDir(d, 0);
        } catch {
          // best effort: the original error matters more
        }
      }
      throw err instanceof CgroupError ? err : new CgroupError('linux.cgroupsPath', `creating ${this.saved.cgroupsPath}: ${errnoText(err)}`);
    }
    this.saved.created.push(...made);
  }

  apply(resources: LinuxResources | undefined): string[] {
    if (!resources) return [];
    const { writes, warnings } = translateV1(resources);
    const ordered = this.orderMemoryWrites(writes);
    const dirFor = (w: CgroupWrite): string => {
      const d = this.dir(w.controller);
      if (!d) throw new CgroupError(fieldGroup(w.field), `no ${w.controller} cgroup on this host`);
      return d;
    };
    const out = warnings.map((w) => `${w.field}: ${w.message}`);
    this.growRtBudget(resources);
    out.push(...performWrites(ordered, dirFor, this.hooks.onWrite));
    this.checkShares(resources);
    return out;
  }

  /**
   * memory.memsw.limit_in_bytes must stay >= memory.limit_in_bytes at every step: when the
   * new memory+swap is above the current limit (growing), write it first; otherwise the
   * limit goes first (runc's order).
   */
  private orderMemoryWrites(writes: CgroupWrite[]): CgroupWrite[] {
    const li = writes.findIndex((w) => w.file === 'memory.limit_in_bytes');
    const si = writes.findIndex((w) => w.file === 'memory.memsw.limit_in_bytes');
    if (li < 0 || si < 0 || si < li) return writes;
    const memDir = this.dir('memory');
    const current = memDir ? readOptional(path.join(memDir, 'memory.limit_in_bytes')) : undefined;
    const swap = writes[si]!.value;
    const swapFirst = swap === '-1' || (current !== undefined && BigInt(current) < BigInt(swap));
    if (!swapFirst) return writes;
    const out = [...writes];
    const [s] = out.splice(si, 1);
    out.splice(li, 0, s!);
    return out;
  }

  /** The parents of a container asking for RT time need a budget first (rt-budget.ts). */
  private growRtBudget(r: LinuxResources): void {
    const runtime = r.cpu?.realtimeRuntime;
    const h = this.saved.hierarchies.find((x) => x.controllers.includes('cpu'));
    if (!runtime || runtime <= 0 || !h) return;
    ensureRtBudget(h.mountpoint, h.dir, runtime, r.cpu?.realtimePeriod ?? undefined, this.hooks.onWrite);
  }

  /** The kernel clamps cpu.shares silently; report the clamp as runc does. */
  private checkShares(r: LinuxResources): void {
    const want = r.cpu?.shares;
    const d = this.dir('cpu');
    if (!want || !d) return;
    const got = Number(readOptional(path.join(d, 'cpu.shares')));
    if (Number.isFinite(got) && got !== want) {
      throw new CgroupError('linux.resources.cpu.shares', `${want} is out of range: the ${got > want ? 'minimum' : 'maximum'} allowed is ${got}`);
    }
  }

  join(pid: number): void {
    for (const h of this.allDirs()) {
      try {
        writeProcs(h.dir, pid, this.hooks.onWrite);
      } catch (err) {
        throw new CgroupError('linux.cgroupsPath', `moving pid ${pid} into ${h.dir}: ${errnoText(err)}`);
      }
    }
  }

  pidsMax(): string | undefined {
    const d = this.dir('pids');
    return d ? readOptional(path.join(d, 'pids.max')) : undefined;
  }

  selfJoin(): CgroupSelfJoin {
    return { tasks: this.saved.hierarchies.map((h) => path.join(h.dir, 'tasks')), cloneInto: this.saved.unified?.dir ?? null };
  }

  freeze(): void {
    const d = this.dir('freezer');
    if (!d) return this.unifiedFreezer('1');
    const file = path.join(d, 'freezer.state');
    // Processes forking during the freeze can keep the cgroup in FREEZING; like runc, keep
    // asking, thaw briefly now and then, and give up (thawed) rather than stay half-frozen.
    for (let i = 0; i < 1000; i++) {
      if (i % 50 === 49) {
        writeFile(file, 'THAWED', this.hooks.onWrite);
        sleepSync(10);
      }
      writeFile(file, 'FROZEN', this.hooks.onWrite);
      if (i % 25 === 24) sleepSync(1);
      const state = readText(file);
      if (state === 'FROZEN') return;
      if (state !== 'FREEZING') throw new CgroupError('freezer', `unexpected freezer.state "${state}" after writing FROZEN`);
    }
    writeFile(file, 'THAWED', this.hooks.onWrite);
    throw new CgroupError('freezer', `could not freeze ${d}: processes keep forking`);
  }

  thaw(): void {
    const d = this.dir('freezer');
    if (!d) return this.unifiedFreezer('0');
    writeFile(path.join(d, 'freezer.state'), 'THAWED', this.hooks.onWrite);
  }

  state(): 'frozen' | 'thawed' {
    return freezerState(this.saved);
  }

  /** Hosts without a v1 freezer can still freeze through the unified tree. */
  private unifiedFreezer(value: '0' | '1'): void {
    const u = this.saved.unified?.dir;
    if (!u || !exists(path.join(u, 'cgroup.freeze'))) throw new CgroupError('freezer', 'no freezer cgroup on this host');
    writeFile(path.join(u, 'cgroup.freeze'), value, this.hooks.onWrite);
  }

  pids(): number[] {
    // The freezer and devices hierarchies hold every process (nobody moves tasks there).
    const d = this.dir('freezer') ?? this.dir('devices') ?? this.dir('pids') ?? this.saved.hierarchies[0]?.dir ?? this.saved.unified?.dir;
    return d ? allPids(d) : [];
  }

  stats(): RuncStats {
    const dirs: V1Dirs = {};
    for (const s of ['cpu', 'cpuacct', 'cpuset', 'memory', 'pids', 'blkio', 'hugetlb']) dirs[s] = this.dir(s);
    return statsV1(dirs);
  }

  oomKillCount(): number {
    const d = this.dir('memory');
    if (!d) return 0;
    return Number(parseFlatKeyed(readOptional(path.join(d, 'memory.oom_control'))).oom_kill ?? 0);
  }

  kill(signal: number): void {
    const u = this.saved.unified?.dir;
    const wasFrozen = this.state() === 'frozen';
    if (signal === SIGKILL && u && exists(path.join(u, 'cgroup.kill'))) {
      writeFile(path.join(u, 'cgroup.kill'), '1', this.hooks.onWrite);
    } else {
      // Freeze first so that nothing forks past the list of pids being signalled.
      const canFreeze = !wasFrozen && !!this.dir('freezer');
      if (canFreeze) this.freeze();
      try {
        signalEach(this.pids(), signal);
      } finally {
        if (canFreeze) this.thaw();
      }
    }
    // Killed tasks in a frozen v1 cgroup only die once thawed.
    if (signal === SIGKILL && wasFrozen) this.thaw();
  }

  destroy(): void {
    const errors: string[] = [];
    for (const h of this.allDirs()) {
      try {
        removeCgroupDir(h.dir);
      } catch (err) {
        errors.push(`${h.dir}: ${errnoText(err)}`);
      }
    }
    if (errors.length) throw new CgroupError('linux.cgroupsPath', `removing cgroups: ${errors.join('; ')}`);
  }

  toState(): SavedCgroups {
    return structuredClone(this.saved);
  }
}

/** A new v1 cpuset cgroup starts with empty cpus/mems and accepts no tasks: copy the parent's. */
function inheritCpuset(dir: string): void {
  for (const f of ['cpuset.cpus', 'cpuset.mems']) {
    const own = readOptional(path.join(dir, f));
    if (own === undefined || own !== '') continue;
    const parent = readOptional(path.join(path.dirname(dir), f));
    if (parent) writeFile(path.join(dir, f), parent);
  }
}
