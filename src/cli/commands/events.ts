import * as fs from 'fs';

import type { Command } from 'commander';

import { frozenCheck, managerOf } from '../../container/cgroups';
import type { CgroupManager } from '../../cgroups/manager';
import { deriveStatus } from '../../state/status';
import type { ContainerRecord } from '../../state/record';
import { checkId } from '../../state/store';
import { notExist, RuntimeError } from '../../util/errors';
import { log } from '../../util/log';
import { isAlive } from '../../util/proc';
import { storeOf, type GlobalOptions } from '../context';

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };

/** A Go duration ("5s", "250ms", "1m30s", "1.5s") in milliseconds, as runc's --interval takes it. */
export function parseDuration(text: string): number {
  const t = text.trim();
  if (/^[+-]?0$/.test(t)) return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy;
  let sign = 1;
  let rest = t;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  let total = 0;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(rest)) !== null) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    end = re.lastIndex;
  }
  if (!rest || end !== rest.length) throw new RuntimeError(`--interval: invalid duration ${JSON.stringify(text)} (like 5s, 500ms, 1m)`);
  return sign * total;
}

/** One event line as runc's JSON encoder writes it; false once stdout is gone. */
function emit(event: { type: string; id: string; data?: unknown }): boolean {
  const { statsJSON } = require('../../cgroups/stats') as typeof import('../../cgroups/stats');
  try {
    fs.writeSync(1, statsJSON(event) + '\n');
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EPIPE') return false;
    throw e;
  }
}

/** How often the stream looks for OOM kills and for the container's end. */
const WATCH_MS = 200;

function stream(rec: ContainerRecord, cg: CgroupManager, intervalMs: number): Promise<void> {
  return new Promise((resolve) => {
    let ooms = cg.oomKillCount();
    const timers: NodeJS.Timeout[] = [];
    const stop = () => {
      for (const t of timers) clearInterval(t);
      resolve();
    };
    const oomWatch = () => {
      let now = ooms;
      try {
        now = cg.oomKillCount();
      } catch {
        // the cgroup is being removed: the liveness check below ends the stream
      }
      for (; ooms < now; ooms++) if (!emit({ type: 'oom', id: rec.id })) return stop();
      if (!isAlive(rec.pid ?? 0, rec.initStartTime)) stop();
    };
    const statsTick = () => {
      try {
        if (!emit({ type: 'stats', id: rec.id, data: cg.stats() })) stop();
      } catch (e) {
        log.error(`events: stats: ${(e as Error).message}`);
      }
    };
    timers.push(setInterval(oomWatch, Math.min(WATCH_MS, intervalMs)));
    timers.push(setInterval(statsTick, intervalMs));
  });
}

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command('events')
    .description('print container events as JSON lines: stats every --interval and OOM kills, until the container stops')
    .argument('<container-id>')
    .option('--interval <duration>', 'stats interval (Go duration: 5s, 500ms)', '5s')
    .option('--stats', 'print the stats once and exit')
    .action(async (id: string, o: { interval: string; stats?: boolean }) => {
      const intervalMs = parseDuration(o.interval);
      if (!(intervalMs > 0)) throw new RuntimeError('duration interval must be greater than 0');
      const store = storeOf(globals());
      const rec = store.readRecord(checkId(id));
      if (!rec) throw notExist(id);
      if (deriveStatus(rec, store.dirOf(id), frozenCheck(rec)) === 'stopped') throw new RuntimeError(`container with id ${id} is not running`);
      const cg = managerOf(rec);
      if (!cg) throw new RuntimeError(`container ${id} has no cgroup of its own (rootless without delegation): no events`);
      if (o.stats) {
        emit({ type: 'stats', id, data: cg.stats() });
        return;
      }
      await stream(rec, cg, Math.max(1, Math.round(intervalMs)));
    });
}
