import type { Command } from 'commander';

import { checkId } from '../../state/store';
import { RuntimeError } from '../../util/errors';
import { storeOf, type GlobalOptions } from '../context';
import { criuCheck, criuOptions } from './checkpoint';

export function register(program: Command, globals: () => GlobalOptions): void {
  criuOptions(
    program
      .command('restore')
      .description('restore a container from a criu checkpoint')
      .argument('<container-id>')
      .option('-b, --bundle <dir>', 'path to the bundle', '.')
      .option('--console-socket <path>', 'unix socket that receives the pty master')
      .option('--pid-file <file>', 'write the container process id to this file')
      .option('-d, --detach', 'detach from the container\'s process')
      .option('--no-subreaper', 'accepted for runc compatibility')
      .option('--no-pivot', 'use MS_MOVE and chroot instead of pivot_root')
      .option('--lsm-profile <type:label>', 'LSM profile for the restored process')
      .option('--lsm-mount-context <context>', 'LSM mount context'),
  ).action((id: string) => {
    if (storeOf(globals()).exists(checkId(id))) throw new RuntimeError(`container with id ${id} already exists`);
    criuCheck('restore');
  });
}
