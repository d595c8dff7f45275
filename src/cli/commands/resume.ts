import type { Command } from 'commander';

import { frozenCheck, managerOf } from '../../container/cgroups';
import { deriveStatus } from '../../state/status';
import { RuntimeError } from '../../util/errors';
import { storeOf, type GlobalOptions } from '../context';

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command('resume')
    .description('resume every process of a paused container')
    .argument('<container-id>')
    .action((id: string) => {
      const { dir, rec } = storeOf(globals()).openLocked(id);
      if (deriveStatus(rec, dir.dir, frozenCheck(rec)) !== 'paused') throw new RuntimeError('container not paused');
      managerOf(rec)!.thaw();
    });
}
