import type { Command } from 'commander';

import { managerForNew } from '../../container/cgroups';
import { destroyContainer } from '../../container/destroy';
import { frozenCheck } from '../../container/start';
import { deriveStatus } from '../../state/status';
import { checkId } from '../../state/store';
import { notExist, RuntimeError } from '../../util/errors';
import { log } from '../../util/log';
import { storeOf, type GlobalOptions } from '../context';

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command('delete')
    .description('delete a container (a created one is killed first, as runc does)')
    .argument('<container-id>')
    .option('-f, --force', 'kill a running container first; an unknown id is not an error')
    .action((id: string, o) => {
      const store = storeOf(globals());
      if (!store.exists(checkId(id))) {
        if (o.force) return;
        throw notExist(id);
      }
      const dir = store.open(id);
      dir.lock();
      const rec = dir.read();
      if (!rec) {
        if (!o.force) throw new RuntimeError(`container ${id}: its state is unreadable; use delete --force to remove it`);
        log.warn(`container ${id}: state unreadable, removing its directory and its cgroup at the default path`);
        // Without the record only the default cgroup path can be found: empty and remove it.
        try {
          const cg = managerForNew(id, undefined);
          cg.kill(9);
          cg.destroy();
        } catch (e) {
          log.warn(`container ${id}: ${(e as Error).message}`);
        }
        destroyContainer(null, dir, false);
        return;
      }
      const status = deriveStatus(rec, dir.dir, frozenCheck(rec));
      if ((status === 'running' || status === 'paused') && !o.force)
        throw new RuntimeError(`cannot delete container ${id} that is not stopped: ${status}`);
      destroyContainer(rec, dir, true);
    });
}
