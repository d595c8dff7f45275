import type { Command } from 'commander';

import { frozenCheck, managerOf } from '../../container/cgroups';
import {
  mergeResources,
  readResourcesFile,
  recordWithResources,
  resourceErrors,
  resourcesFromFlags,
  touchedResources,
  specWithResources,
  type UpdateFlags,
} from '../../container/update';
import { resctrlMounted } from '../../plan/intelrdt';
import { validateConfig } from '../../spec/validate';
import { deriveStatus } from '../../state/status';
import { RuntimeError } from '../../util/errors';
import { log } from '../../util/log';
import { storeOf, type GlobalOptions } from '../context';

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command('update')
    .description('update the resource limits of a container (-r FILE|- reads linux.resources JSON; the flags are then ignored)')
    .argument('<container-id>')
    .option('-r, --resources <file>', "linux.resources JSON from a file, or '-' for stdin")
    .option('--memory <size>', 'memory limit (bytes, or with a unit: 64m, 1g; -1 unlimited)')
    .option('--memory-reservation <size>', 'memory soft limit')
    .option('--memory-swap <size>', 'memory plus swap limit; -1 unlimited')
    .option('--kernel-memory <size>', '(obsolete, ignored)')
    .option('--kernel-memory-tcp <size>', '(obsolete, ignored)')
    .option('--cpu-share <n>', 'CPU shares (relative weight)')
    .option('--cpu-shares <n>', 'same as --cpu-share')
    .option('--cpu-quota <us>', 'CFS quota per period (microseconds); -1 unlimited')
    .option('--cpu-period <us>', 'CFS period (microseconds)')
    .option('--cpu-burst <us>', 'CFS burst (microseconds)')
    .option('--cpu-rt-runtime <us>', 'real-time runtime per period (microseconds)')
    .option('--cpu-rt-period <us>', 'real-time period (microseconds)')
    .option('--cpuset-cpus <list>', 'CPUs to run on (0-3,6)')
    .option('--cpuset-mems <list>', 'memory nodes to use')
    .option('--cpu-idle <0|1>', 'SCHED_IDLE for the cgroup')
    .option('--pids-limit <n>', 'maximum number of processes; -1 unlimited')
    .option('--blkio-weight <n>', 'block IO weight (10-1000)')
    .option('--l3-cache-schema <schema>', 'Intel RDT/CAT L3 cache schema')
    .option('--mem-bw-schema <schema>', 'Intel RDT/MBA memory bandwidth schema')
    .action((id: string, o: UpdateFlags) => {
      const store = storeOf(globals());
      const { dir, rec } = store.openLocked(id);
      if (deriveStatus(rec, dir.dir, frozenCheck(rec)) === 'stopped') throw new RuntimeError('container not running');
      if (o.l3CacheSchema !== undefined || o.memBwSchema !== undefined) {
        const flag = o.l3CacheSchema !== undefined ? '--l3-cache-schema' : '--mem-bw-schema';
        throw new RuntimeError(
          resctrlMounted()
            ? `${flag}: this runtime does not manage Intel RDT (resctrl) groups`
            : `${flag}: Intel RDT is not enabled: no resctrl filesystem is mounted on this host`,
        );
      }
      const cg = managerOf(rec);
      if (!cg) throw new RuntimeError(`container ${id} has no cgroup of its own (rootless without delegation): nothing to update`);

      const warn = (m: string) => log.warn(m);
      const request = o.resources !== undefined ? readResourcesFile(o.resources) : resourcesFromFlags(o, warn);
      const merged = mergeResources(rec.spec.linux?.resources, request, warn);
      const errors = resourceErrors(validateConfig(specWithResources(rec.spec, merged)).errors);
      if (errors.length) throw new RuntimeError(errors.join('\n'));

      for (const w of cg.apply(touchedResources(merged, request))) log.warn(w);
      dir.write(recordWithResources(rec, merged));
    });
}
