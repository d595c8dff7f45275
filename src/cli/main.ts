// The runtime's command line, shaped like runc's: global flags first, then a command.
import * as fs from 'fs';

import type { Command } from 'commander';

import { RuntimeError } from '../util/errors';
import { configureLog, log } from '../util/log';
import { programName, type GlobalOptions } from './context';

interface CommandModule {
  register(program: Command, globals: () => GlobalOptions): void;
}

/**
 * Every command, by name. A require() inside a function is deferred by the bundler, so a
 * command evaluates only its own modules (run never loads list's, state never loads the
 * validators). To add a command: its file in commands/ and one line here.
 */
const COMMANDS: Record<string, () => CommandModule> = {
  create: () => require('./commands/create'),
  start: () => require('./commands/start'),
  run: () => require('./commands/run'),
  state: () => require('./commands/state'),
  kill: () => require('./commands/kill'),
  delete: () => require('./commands/delete'),
  list: () => require('./commands/list'),
  spec: () => require('./commands/spec'),
  validate: () => require('./commands/validate'),
  exec: () => require('./commands/exec'),
  features: () => require('./commands/features'),
  checkpoint: () => require('./commands/checkpoint'),
  restore: () => require('./commands/restore'),
  pause: () => require('./commands/pause'),
  resume: () => require('./commands/resume'),
  update: () => require('./commands/update'),
  events: () => require('./commands/events'),
  ps: () => require('./commands/ps'),
};

/** Global flags that take a value, so the command name can be found without commander. */
const VALUE_FLAGS = new Set(['--root', '--log', '--log-format', '--rootless']);

/** The command argv names, or undefined (help, an alias, a mistake): then all are loaded. */
function commandName(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('-')) return Object.hasOwn(COMMANDS, a) ? a : undefined;
    if (VALUE_FLAGS.has(a)) i++;
  }
  return undefined;
}

declare const __RUNTIME_VERSION__: string;
declare const __RUNTIME_COMMIT__: string;

export const SPEC_VERSION = '1.3.0';

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

function versionText(name: string): string {
  const version = typeof __RUNTIME_VERSION__ === 'string' ? __RUNTIME_VERSION__ : '0.0.0-dev';
  const commit = typeof __RUNTIME_COMMIT__ === 'string' ? __RUNTIME_COMMIT__ : 'unknown';
  return `${name} version ${version}\ncommit: ${commit}\nspec: ${SPEC_VERSION}\n`;
}

function defaultRoot(): string {
  if (process.getuid?.() !== 0 && process.env.XDG_RUNTIME_DIR) return `${process.env.XDG_RUNTIME_DIR}/runtime`;
  return '/run/runtime';
}

export async function main(argv: string[]): Promise<void> {
  reserveStdio();
  const name = programName();
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
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
  const only = commandName(argv);
  for (const load of only ? [COMMANDS[only]] : Object.values(COMMANDS)) load().register(program, getGlobals);

  program.action(() => {
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

main(process.argv.slice(2)).catch((e) => {
  fs.writeSync(2, `${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
