import type { Command } from 'commander';

import { startCreated } from '../../container/start';
import { checkId } from '../../state/store';
import { notExist } from '../../util/errors';
import { storeOf, type GlobalOptions } from '../context';

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command('start')
    .description('start a created container')
    .argument('<container-id>')
    .action((id: string) => {
      const dir = storeOf(globals()).open(checkId(id));
      dir.lock();
      const rec = dir.read();
      if (!rec) throw notExist(id);
      startCreated(rec, dir);
      dir.close();
    });
}
