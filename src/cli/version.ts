// The name we answer to and the version we print: shared by the loader (dist/runtime.js),
// which answers `--version` without loading any command, and by the CLI itself.
import { SPEC_VERSION } from '../spec/version';

export { SPEC_VERSION };

declare const __RUNTIME_VERSION__: string;
declare const __RUNTIME_COMMIT__: string;

/** The name we answer to: `runc` when installed under that name (tools parse it). */
export function programName(): string {
  const base = (process.argv[1] ?? '').split('/').pop() ?? '';
  return base === 'runc' ? 'runc' : 'runtime';
}

/** True when the whole command line asks for the version, as `runc --version` or `-v`. */
export function isVersionRequest(argv: string[]): boolean {
  return argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v');
}

export function versionText(name: string): string {
  const version = typeof __RUNTIME_VERSION__ === 'string' ? __RUNTIME_VERSION__ : '0.0.0-dev';
  const commit = typeof __RUNTIME_COMMIT__ === 'string' ? __RUNTIME_COMMIT__ : 'unknown';
  return `${name} version ${version}\ncommit: ${commit}\nspec: ${SPEC_VERSION}\n`;
}
