import type { Command } from 'commander';

import { runContainer } from '../../container/run';
import type { GlobalOptions } from '../context';
import { createOptions } from './create';

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command('run')
    .description('create and start a container, wait for it and delete it')
    .argument('<container-id>')
    .option('-b, --bundle <dir>', 'path to the bundle', '.')
    .option('--console-socket <path>', 'unix socket that receives the pty master')
    .option('-d, --detach', 'leave the container running and return')
    .option('--pid-file <file>', 'write the container process id to this file')
    .option('--keep', 'do not delete the container after it exits')
    .option('--no-pivot', 'use MS_MOVE and chroot instead of pivot_root')
    .option('--no-new-keyring', 'do not create a new session keyring')
    .option('--no-subreaper', 'accepted for runc compatibility (the runtime is the parent already)')
    .option('--preserve-fds <n>', 'pass this many extra fds (from 3) to the container', '0')
    .option('--pidfd-socket <path>', 'unix socket that receives a pidfd of the container process')
    .action(async (id: string, o) => {
      process.exitCode = await runContainer({ ...createOptions(globals(), id, o), detach: o.detach, keep: o.keep });
    });
}
