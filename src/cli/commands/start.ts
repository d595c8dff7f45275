import type { Command } from 'commander';

import { startCreated } from '../../container/start';
import { storeOf, type GlobalOptions } from '../context';

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command('start')
    .description('start a created container')
    .argument('<container-id>')
    .action((id: string) => {
      const { dir, rec } = storeOf(globals()).openLocked(id);
      startCreated(rec, dir);
      dir.close();
    });
}
