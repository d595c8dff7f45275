import * as fs from 'fs';

import type { Command } from 'commander';

import { frozenCheck } from '../../container/cgroups';
import { deriveStatus, stateJson } from '../../state/status';
import { checkId } from '../../state/store';
import { storeOf, type GlobalOptions } from '../context';

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command('state')
    .description('print the state of a container as JSON')
    .argument('<container-id>')
    .action((id: string) => {
      const store = storeOf(globals());
      const rec = store.readRecord(checkId(id));
      if (!rec) {
        // The directory exists but create has not written its record yet.
        fs.writeSync(1, JSON.stringify({ ociVersion: '1.3.0', id, status: 'creating', bundle: '' }, null, 2) + '\n');
        return;
      }
      const status = deriveStatus(rec, store.dirOf(id), frozenCheck(rec));
      fs.writeSync(1, JSON.stringify(stateJson(rec, status), null, 2) + '\n');
    });
}
