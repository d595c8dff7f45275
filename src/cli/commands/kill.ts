import type { Command } from 'commander';

import { managerOf } from '../../container/cgroups';
import { signalInit } from '../../container/signal';
import { parseSignal } from '../../container/signals';
import { frozenCheck } from '../../container/start';
import { deriveStatus } from '../../state/status';
import { checkId } from '../../state/store';
import { notExist, RuntimeError } from '../../util/errors';
import { storeOf, type GlobalOptions } from '../context';

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command('kill')
    .description('send a signal (default SIGTERM) to the container process')
    .argument('<container-id>')
    .argument('[signal]', 'name (KILL, SIGKILL) or number', 'SIGTERM')
    .option('-a, --all', 'send the signal to every process of the container')
    .action((id: string, sig: string, o) => {
      const signal = parseSignal(sig);
      const store = storeOf(globals());
      const dir = store.open(checkId(id));
      const rec = dir.read();
      if (!rec) throw notExist(id);
      const status = deriveStatus(rec, dir.dir, frozenCheck(rec));
      if (o.all && status === 'stopped') {
        // As runc: no error, and whatever is left in the cgroup still gets the signal. Without
        // its own pid namespace a container's processes outlive its init, and containerd's
        // shim cleans them up with `kill --all ID 9` after the init exits.
        killLeftovers(rec, signal);
        return;
      }
      if (status !== 'created' && status !== 'running' && status !== 'paused') throw new RuntimeError('container not running');
      if (o.all) {
        const cg = managerOf(rec);
        if (!cg) throw new RuntimeError(`kill --all ${id}: the container has no cgroup to find its processes`);
        cg.kill(signal);
        if (status === 'paused' && signal === 9) cg.thaw();
        return;
      }
      if (!signalInit(rec, signal)) throw new RuntimeError('no such process');
      // A frozen process cannot act on SIGKILL until thawed.
      if (status === 'paused' && signal === 9) managerOf(rec)?.thaw();
    });
}

/** Signals the processes still in a stopped container's cgroup; a cgroup already gone has none. */
function killLeftovers(rec: Parameters<typeof managerOf>[0], signal: number): void {
  try {
    managerOf(rec)?.kill(signal);
  } catch {
    // the cgroup is gone (or was never made): nothing is left to signal
  }
}
