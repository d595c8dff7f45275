import type { Command } from 'commander';

import { createContainer, type CreateOptions } from '../../container/create';
import { checkId } from '../../state/store';
import type { GlobalOptions } from '../context';

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command('create')
    .description('create a container (its process waits for start)')
    .argument('<container-id>')
    .option('-b, --bundle <dir>', 'path to the bundle', '.')
    .option('--console-socket <path>', 'unix socket that receives the pty master')
    .option('--pid-file <file>', 'write the container process id to this file')
    .option('--no-pivot', 'use MS_MOVE and chroot instead of pivot_root')
    .option('--no-new-keyring', 'do not create a new session keyring')
    .option('--preserve-fds <n>', 'pass this many extra fds (from 3) to the container', '0')
    .option('--pidfd-socket <path>', 'unix socket that receives a pidfd of the container process')
    .action((id: string, o) => {
      createContainer(createOptions(globals(), id, o));
    });
}

/** The flags create and run share, as the options of createContainer. */
export function createOptions(g: GlobalOptions, id: string, o: Record<string, unknown>): CreateOptions {
  return {
    root: g.root,
    rootless: g.rootless,
    id: checkId(id),
    bundle: o.bundle as string,
    pidFile: o.pidFile as string | undefined,
    consoleSocket: o.consoleSocket as string | undefined,
    noPivot: o.pivot === false,
    preserveFds: parseFds(o.preserveFds as string),
    pidfdSocket: o.pidfdSocket as string | undefined,
  };
}

export function parseFds(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--preserve-fds: ${v} is not a non-negative integer`);
  return n;
}
