// The runtime's command line, shaped like runc's: global flags first, then a command. It is
// given the commands it knows: all of them (entry.ts), or the one a per-command bundle holds.
import * as fs from 'fs';

import type { Command } from 'commander';

import { RuntimeError } from '../util/errors';
import { configureLog, log } from '../util/log';
import { commandWord, type CommandModule } from './command-module';
import type { GlobalOptions } from './context';
import { isVersionRequest, programName, SPEC_VERSION, versionText } from './version';

/**
 * If we were started with fd 0, 1 or 2 closed, the first files we open would take those
 * numbers and become the container's stdio. Fill the gaps with /dev/null first.
 */
function reserveStdio(): void {
  for (let fd = 0; fd < 3; fd++) {
    try {
      fs.fstatSync(fd);
    } catch {
      fs.openSync('/dev/null', fd === 0 ? 'r' : 'w');
    }
  }
}

function defaultRoot(): string {
  if (process.getuid?.() !== 0 && process.env.XDG_RUNTIME_DIR) return `${process.env.XDG_RUNTIME_DIR}/runtime`;
  return '/run/runtime';
}

export async function main(argv: string[], commands: Record<string, () => CommandModule>): Promise<void> {
  reserveStdio();
  const name = programName();
  if (isVersionRequest(argv)) {
    fs.writeSync(1, versionText(name));
    return;
  }
  const { Command } = require('commander') as typeof import('commander');
  const program = new Command();
  program
    .name(name)
    .description(`${name}: an OCI container runtime (runtime-spec ${SPEC_VERSION}), compatible with runc`)
    .option('--root <dir>', 'where container state is kept', defaultRoot())
    .option('--log <file>', 'log file (default: stderr)')
    .option('--log-format <format>', 'text or json', 'text')
    .option('--debug', 'log debug messages')
    .option('--systemd-cgroup', 'manage cgroups through systemd (not supported: no systemd here)')
    .option('--rootless <value>', 'true, false or auto', 'auto')
    .option('-v, --version', 'print the version')
    .showHelpAfterError(false)
    // Global flags come before the command, as with runc; `exec ID cmd -c x` keeps its -c.
    .enablePositionalOptions()
    .configureOutput({ writeOut: (s) => fs.writeSync(1, s), writeErr: (s) => fs.writeSync(2, s) });

  let globals: GlobalOptions | undefined;
  let command = '';
  const getGlobals = (): GlobalOptions => {
    if (!globals) globals = program.opts() as GlobalOptions;
    return globals;
  };
  program.hook('preAction', (_cmd, action) => {
    const g = getGlobals();
    configureLog({ file: g.log, format: g.logFormat, debug: g.debug });
    if (g.systemdCgroup) throw new RuntimeError('--systemd-cgroup: systemd cgroup management is not supported (this runtime manages cgroupfs directly)');
    if (!['true', 'false', 'auto'].includes(String(g.rootless))) throw new RuntimeError(`--rootless: ${g.rootless} is not true, false or auto`);
    command = action.name();
    log.debug(`${command} ${action.args.join(' ')}`);
  });
  const word = commandWord(argv);
  // The command named on the line; otherwise (help, an alias, a mistake) every one we have.
  const only = word !== undefined && Object.hasOwn(commands, word) ? word : undefined;
  for (const load of only ? [commands[only]] : Object.values(commands)) load().register(program, getGlobals);

  // Reached without a command: a word that names none is said to be one, not "too many arguments".
  program.allowExcessArguments(true).action(() => {
    if (program.args.length > 0) throw new RuntimeError(`unknown command "${program.args[0]}" (${name} --help lists them)`);
    if (program.opts().version) fs.writeSync(1, versionText(name));
    else program.help();
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    log.fatal(command ? `${command}: ${msg}` : msg);
    process.exitCode = e instanceof RuntimeError ? e.exitCode : 1;
  }
}

/**
 * Runs the command line of this process, and ends it when the command is done. Everything
 * we print is written synchronously, so nothing is left to flush; ending at once spares
 * the work V8 would otherwise still do before the event loop lets go (after a container's
 * creation, a scavenge of the young generation, about a millisecond).
 */
export function start(commands: Record<string, () => CommandModule>): void {
  main(process.argv.slice(2), commands).then(
    () => process.exit(),
    (e) => {
      fs.writeSync(2, `${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
