// cgroup v2 driver: one directory in the unified tree.

import * as path from 'node:path';
import type { CgroupSelfJoin } from '../plan/types';
import type { LinuxResources } from '../spec/types';
import { CgroupError, errnoText } from './errors';
import { deviceProgram } from './device-filter';
import { normalizeDeviceRules } from './device-rules';
import { fieldGroup, makeCgroupDirs, performWrites, signalEach } from './driver-common';
import { freezerState } from './freezer-state';
import { allPids, exists, readOptional, removeCgroupDir, sleepSync, writeFile, writeProcs } from './fsutil';
import { parseFlatKeyed, parseU64, statsV2, type RuncStats } from './stats';
import { translateV2 } from './v2-resources';
import type { CgroupWrite } from './types';
import type { CgroupManager, DriverHooks, SavedCgroups } from './manager';

const SIGKILL = 9;
export const NO_DEVICE_PROGRAM =
  'cgroup v2 device rules need the eBPF device program (not available in this build)';

export class V2Manager implements CgroupManager {
  private readonly saved: SavedCgroups;
  private readonly root: string;
  private readonly dir: string;

  constructor(saved: SavedCgroups, private readonly hooks: DriverHooks = {}) {
    if (!saved.unified) throw new CgroupError('state.cgroups', 'a cgroup v2 state needs its directory');
    this.saved = structuredClone(saved);
    this.root = saved.unified.mountpoint;
    this.dir = saved.unified.dir;
  }

  private file(name: string): string {
    return path.join(this.dir, name);
  }

  create(): void {
    let made: string[] = [];
    try {
      // Every level above the container must hand its controllers down (cgroup.subtree_control),
      // or the container's directory gets no memory.max, cpu.max, ... files.
      const levels = [this.root];
      made = makeCgroupDirs(this.root, this.dir, (d) => levels.push(d));
      levels.pop();
      for (const level of levels) this.enableControllers(level);
    } catch (err) {
      for (const d of made.reverse()) {
        try {
          removeCgroupDir(d, 0);
        } catch {
          // best effort
        }
      }
      throw err instanceof CgroupError ? err : new CgroupError('linux.cgroupsPath', `creating ${this.dir}: ${errnoText(err)}`);
    }
    this.saved.created.push(...made);
  }

  private enableControllers(dir: string): void {
    const available = (readOptional(path.join(dir, 'cgroup.controllers')) ?? '').split(/\s+/).filter(Boolean);
    if (available.length === 0) return;
    const enabled = new Set((readOptional(path.join(dir, 'cgroup.subtree_control')) ?? '').split(/\s+/));
    const missing = available.filter((c) => !enabled.has(c));
    if (missing.length === 0) return;
    const file = path.join(dir, 'cgroup.subtree_control');
    try {
      writeFile(file, missing.map((c) => `+${c}`).join(' '), this.hooks.onWrite);
    } catch {
      // One refused controller (e.g. cpu with realtime tasks around) fails the whole write:
      // enable the others one by one, as runc does; apply() reports what is still missing.
      for (const c of missing) {
        try {
          writeFile(file, `+${c}`, this.hooks.onWrite);
        } catch {
          // reported later, by the field that needs it
        }
      }
    }
  }

  apply(resources: LinuxResources | undefined): string[] {
    if (!resources) return [];
    const { writes, warnings } = translateV2(resources);
    const rules = normalizeDeviceRules(resources.devices);
    if (rules.length > 0) {
      if (!this.hooks.loadDeviceProgram) throw new CgroupError('linux.resources.devices', NO_DEVICE_PROGRAM);
      const prog = deviceProgram(rules);
      try {
        this.hooks.loadDeviceProgram(this.dir, prog.bytecode, prog.license);
      } catch (err) {
        throw new CgroupError('linux.resources.devices', `loading the device program: ${(err as Error).message}`);
      }
    }
    this.checkBeforeUpdate(resources);
    const controllers = new Set((readOptional(this.file('cgroup.controllers')) ?? '').split(/\s+/).filter(Boolean));
    const dirFor = (w: CgroupWrite): string => {
      if (w.controller !== 'cgroup' && !controllers.has(w.controller) && w.optional !== 'skip') {
        throw new CgroupError(fieldGroup(w.field), `no ${w.controller} controller in the cgroup v2 tree at ${this.dir}`);
      }
      return this.dir;
    };
    const out = warnings.map((w) => `${w.field}: ${w.message}`);
    out.push(...performWrites(writes, dirFor, this.hooks.onWrite));
    return out;
  }

  /** memory.checkBeforeUpdate: refuse a new limit at or below current usage (v2 would reclaim or OOM-kill instead). */
  private checkBeforeUpdate(r: LinuxResources): void {
    const limit = r.memory?.limit;
    if (!r.memory?.checkBeforeUpdate || !limit || limit <= 0) return;
    const current = readOptional(this.file('memory.current'));
    if (current === undefined) return;
    const usage = BigInt(parseU64(current));
    if (usage >= BigInt(limit)) {
      throw new CgroupError('linux.resources.memory.limit', `rejecting ${limit}: not above current usage ${usage} (checkBeforeUpdate)`);
    }
  }

  join(pid: number): void {
    try {
      writeProcs(this.dir, pid, this.hooks.onWrite);
    } catch (err) {
      throw new CgroupError('linux.cgroupsPath', `moving pid ${pid} into ${this.dir}: ${errnoText(err)}`);
    }
  }

  pidsMax(): string | undefined {
    return readOptional(this.file('pids.max'));
  }

  selfJoin(): CgroupSelfJoin {
    return { tasks: [], cloneInto: this.dir };
  }

  freeze(): void {
    this.setFreeze('1', '1');
  }

  thaw(): void {
    this.setFreeze('0', '0');
  }

  /** Write cgroup.freeze and wait until cgroup.events reports the change (a few seconds at most). */
  private setFreeze(value: '0' | '1', frozen: string): void {
    if (!exists(this.file('cgroup.freeze'))) throw new CgroupError('freezer', `no cgroup.freeze in ${this.dir} (kernel older than 5.2?)`);
    writeFile(this.file('cgroup.freeze'), value, this.hooks.onWrite);
    for (let i = 0, delay = 1; i < 200; i++, delay = Math.min(delay * 2, 50)) {
      const events = parseFlatKeyed(readOptional(this.file('cgroup.events')));
      if (events.frozen === undefined || String(events.frozen) === frozen) return;
      sleepSync(delay);
    }
    if (value === '1') writeFile(this.file('cgroup.freeze'), '0', this.hooks.onWrite);
    throw new CgroupError('freezer', `${this.dir} did not ${value === '1' ? 'freeze' : 'thaw'} in time`);
  }

  state(): 'frozen' | 'thawed' {
    return freezerState(this.saved);
  }

  pids(): number[] {
    return allPids(this.dir);
  }

  stats(): RuncStats {
    return statsV2(this.dir);
  }

  oomKillCount(): number {
    return Number(parseFlatKeyed(readOptional(this.file('memory.events'))).oom_kill ?? 0);
  }

  kill(signal: number): void {
    if (signal === SIGKILL && exists(this.file('cgroup.kill'))) {
      writeFile(this.file('cgroup.kill'), '1', this.hooks.onWrite);
      return;
    }
    // Freeze so nothing forks past the pid list; v2 delivers signals to frozen tasks.
    const canFreeze = this.state() === 'thawed' && exists(this.file('cgroup.freeze'));
    if (canFreeze) this.freeze();
    try {
      signalEach(this.pids(), signal);
    } finally {
      if (canFreeze) this.thaw();
    }
  }

  destroy(): void {
    try {
      removeCgroupDir(this.dir);
    } catch (err) {
      throw new CgroupError('linux.cgroupsPath', `removing ${this.dir}: ${errnoText(err)}`);
    }
  }

  toState(): SavedCgroups {
    return structuredClone(this.saved);
  }
}
