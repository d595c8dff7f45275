// The whole CLI, every command in one bundle: what dist/runtime.js runs for help, for a
// word that is no command, and when a command's own bundle is missing.
import { ALL_COMMANDS } from './commands/index';
import { start } from './main';

start(ALL_COMMANDS);
