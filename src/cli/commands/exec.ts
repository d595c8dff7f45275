import type { Command } from 'commander';

import { execInContainer } from '../../container/exec';
import { checkId } from '../../state/store';
import type { GlobalOptions } from '../context';
import { parseFds } from './create';

const collect = (v: string, prev: string[]) => [...prev, v];

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command('exec')
    .description('run a process in a running container')
    .argument('<container-id>')
    .argument('[command...]', 'the program and its arguments (unless --process is given)')
    .option('-p, --process <file>', 'a process JSON (config.json\'s process object) to run; - for stdin')
    .option('-t, --tty', 'allocate a pseudo-terminal')
    .option('--console-socket <path>', 'unix socket that receives the pty master')
    .option('-d, --detach', 'return once the process runs')
    .option('--pid-file <file>', 'write the process id to this file')
    .option('--cwd <dir>', 'working directory inside the container')
    .option('-e, --env <KEY=VALUE>', 'set an environment variable (repeatable)', collect, [])
    .option('-u, --user <uid[:gid]>', 'run as this user (numeric ids)')
    .option('-g, --additional-gids <gid>', 'an additional group id (repeatable)', collect, [])
    .option('-c, --cap <capability>', 'add a capability (repeatable)', collect, [])
    .option('--no-new-privs', 'set no_new_privs for the process')
    .option('--preserve-fds <n>', 'pass this many extra fds (from 3) to the process', '0')
    .option('--ignore-paused', 'exec even when the container is paused (the process starts frozen)')
    .option('--cgroup <[controllers:]path>', 'run in this sub-cgroup of the container (repeatable)', collect, [])
    .option('--apparmor <profile>', 'AppArmor profile for the process')
    .option('--process-label <label>', 'SELinux label for the process')
    .option('--pidfd-socket <path>', 'unix socket that receives a pidfd of the process')
    // Flags after the command belong to the command: `exec ID sh -c 'echo hi'`.
    .passThroughOptions()
    .action(async (id: string, command: string[], o) => {
      const g = globals();
      process.exitCode = await execInContainer({
        root: g.root,
        id: checkId(id),
        processFile: o.process,
        args: command,
        tty: o.tty,
        consoleSocket: o.consoleSocket,
        detach: o.detach,
        pidFile: o.pidFile,
        cwd: o.cwd,
        env: o.env,
        user: o.user,
        additionalGids: o.additionalGids,
        caps: o.cap,
        noNewPrivs: o.newPrivs === false,
        preserveFds: parseFds(o.preserveFds),
        ignorePaused: o.ignorePaused,
        cgroups: o.cgroup,
        apparmor: o.apparmor,
        processLabel: o.processLabel,
        pidfdSocket: o.pidfdSocket,
      });
    });
}
