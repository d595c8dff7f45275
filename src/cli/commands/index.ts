// Every command, by name. A require() inside a function is deferred by the bundler, so a
// command evaluates only its own modules (run never loads list's, state never loads the
// validators). scripts/bundle.js also makes one bundle per name here, holding only that
// command, which dist/runtime.js picks by the command line. To add a command: its file in
// this folder and one line here.
import type { CommandModule } from '../command-module';

export const ALL_COMMANDS: Record<string, () => CommandModule> = {
  create: () => require('./create'),
  start: () => require('./start'),
  run: () => require('./run'),
  state: () => require('./state'),
  kill: () => require('./kill'),
  delete: () => require('./delete'),
  list: () => require('./list'),
  spec: () => require('./spec'),
  validate: () => require('./validate'),
  exec: () => require('./exec'),
  features: () => require('./features'),
  checkpoint: () => require('./checkpoint'),
  restore: () => require('./restore'),
  pause: () => require('./pause'),
  resume: () => require('./resume'),
  update: () => require('./update'),
  events: () => require('./events'),
  ps: () => require('./ps'),
};
