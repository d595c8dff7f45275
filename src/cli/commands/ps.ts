import { spawnSync } from 'child_process';
import * as fs from 'fs';

import type { Command } from 'commander';

import { managerOf } from '../../container/cgroups';
import { checkId } from '../../state/store';
import { notExist, RuntimeError } from '../../util/errors';
import { storeOf, type GlobalOptions } from '../context';

/** The host `ps` output cut down to the header and the rows of `pids` (runc's ps). */
export function filterPsOutput(output: string, pids: number[]): string {
  const lines = output.split('\n');
  const header = lines[0] ?? '';
  const col = header.trim().split(/\s+/).indexOf('PID');
  if (col < 0) throw new RuntimeError("couldn't find the PID column in ps output (give ps a format that includes pid)");
  const want = new Set(pids);
  const rows = lines.slice(1).filter((line) => {
    if (!line.trim()) return false;
    const pid = Number(line.trim().split(/\s+/)[col]);
    if (!Number.isInteger(pid)) throw new RuntimeError(`unable to parse pid in: ${line}`);
    return want.has(pid);
  });
  return [header, ...rows].join('\n') + '\n';
}

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command('ps')
    .description('list the processes of a container (table: host ps with [ps-args], default -ef)')
    .argument('<container-id>')
    .argument('[ps-args...]', 'arguments for ps (after the id, or after --)')
    .option('-f, --format <format>', 'table or json', 'table')
    .passThroughOptions()
    .action((id: string, psArgs: string[], o: { format: string }) => {
      if (o.format !== 'table' && o.format !== 'json') throw new RuntimeError(`--format: invalid format option ${JSON.stringify(o.format)} (table or json)`);
      const rec = storeOf(globals()).readRecord(checkId(id));
      if (!rec) throw notExist(id);
      const cg = managerOf(rec);
      if (!cg) throw new RuntimeError(`container ${id} has no cgroup of its own (rootless without delegation): cannot list its processes`);
      const pids = cg.pids().sort((a, b) => a - b);
      if (o.format === 'json') {
        fs.writeSync(1, JSON.stringify(pids) + '\n');
        return;
      }
      // `ps ID -- -o pid,comm`: the separator is ours, not ps's.
      if (psArgs[0] === '--') psArgs = psArgs.slice(1);
      const r = spawnSync('ps', psArgs.length ? psArgs : ['-ef'], { encoding: 'utf8', maxBuffer: 64 << 20 });
      if (r.error) throw new RuntimeError(`running ps: ${r.error.message}`);
      if (r.status !== 0) throw new RuntimeError(`ps ${psArgs.join(' ')} failed with exit status ${r.status}: ${(r.stderr || r.stdout).trim()}`);
      fs.writeSync(1, filterPsOutput(r.stdout, pids));
    });
}
