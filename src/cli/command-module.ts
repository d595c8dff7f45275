// What a command's module gives the CLI, and how the command is found on a command line.
import type { Command } from 'commander';

import type { GlobalOptions } from './context';

export interface CommandModule {
  register(program: Command, globals: () => GlobalOptions): void;
}

/** Global flags that take a value, so the command name can be found without commander. */
const VALUE_FLAGS = new Set(['--root', '--log', '--log-format', '--rootless']);

/** The first word of argv that is not a global flag or its value: the command, if any. */
export function commandWord(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('-')) return a;
    if (VALUE_FLAGS.has(a)) i++;
  }
  return undefined;
}
