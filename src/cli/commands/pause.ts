import type { Command } from 'commander';

import { frozenCheck, managerOf } from '../../container/cgroups';
import { deriveStatus } from '../../state/status';
import { RuntimeError } from '../../util/errors';
import { storeOf, type GlobalOptions } from '../context';

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command('pause')
    .description('suspend every process of the container (cgroup freezer)')
    .argument('<container-id>')
    .action((id: string) => {
      const { dir, rec } = storeOf(globals()).openLocked(id);
      const status = deriveStatus(rec, dir.dir, frozenCheck(rec));
      // As runc: a created container can be paused too; paused again is an error.
      if (status !== 'running' && status !== 'created') throw new RuntimeError('container not running');
      const cg = managerOf(rec);
      if (!cg) throw new RuntimeError(`container ${id} has no cgroup of its own (rootless without delegation): cannot freeze it`);
      cg.freeze();
      // The init may have exited between the status check and the freeze (runc checks too).
      if (cg.pids().length === 0) {
        cg.thaw();
        throw new RuntimeError('container process already exited');
      }
    });
}
