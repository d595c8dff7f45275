import * as fs from 'fs';

import type { Command } from 'commander';

import { frozenCheck } from '../../container/cgroups';
import { deriveStatus } from '../../state/status';
import { RuntimeError } from '../../util/errors';
import { storeOf, type GlobalOptions } from '../context';

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command('list')
    .alias('ls')
    .description('list containers')
    .option('-f, --format <format>', 'table or json', 'table')
    .option('-q, --quiet', 'print only the ids')
    .action((o) => {
      const store = storeOf(globals());
      if (o.format !== 'table' && o.format !== 'json') throw new RuntimeError(`--format: unknown format ${o.format} (table or json)`);
      const rows = store.ids().flatMap((id) => {
        const rec = store.readRecord(id);
        if (!rec) return [];
        const status = deriveStatus(rec, store.dirOf(id), frozenCheck(rec));
        return [{ ociVersion: rec.spec.ociVersion, id, pid: status === 'stopped' ? 0 : rec.pid ?? 0, status, bundle: rec.bundle, rootfs: rec.rootfs, created: rec.created, owner: rec.owner, annotations: rec.spec.annotations }];
      });
      if (o.quiet) {
        fs.writeSync(1, rows.map((r) => r.id + '\n').join(''));
      } else if (o.format === 'json') {
        fs.writeSync(1, JSON.stringify(rows) + '\n');
      } else {
        const table = [['ID', 'PID', 'STATUS', 'BUNDLE', 'CREATED', 'OWNER'], ...rows.map((r) => [r.id, String(r.pid), r.status, r.bundle, r.created, r.owner])];
        const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
        fs.writeSync(1, table.map((r) => r.map((v, c) => (c === r.length - 1 ? v : v.padEnd(widths[c] + 2))).join('').trimEnd() + '\n').join(''));
      }
    });
}
