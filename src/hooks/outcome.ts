// What one hook run came to, whichever side ran it (the runtime for runtime-namespace hooks,
// the container's init for createContainer/startContainer), and how that reads in the log
// and in an error. Both runners report the same facts so the wording is decided only here.
import * as util from 'util';

import type { HookKind } from '../spec/types';
import { RuntimeError } from '../util/errors';
import { log } from '../util/log';

export interface HookOutcome {
  /** The exit status when the hook exited on its own, else null. */
  exitCode: number | null;
  /** The signal name (SIGSEGV, SIGKILL...) when a signal ended it, else null. */
  signal: string | null;
  /** Killed by us because its `timeout` passed. */
  timedOut: boolean;
  /** Why the program could not be started at all (execve's error), else null. */
  execError: string | null;
  stdout: string;
  stderr: string;
}

/** A failing hook: lifecycle error (or, for poststop, the text of the warning). */
export class HookError extends RuntimeError {
  constructor(
    message: string,
    readonly kind: HookKind,
    readonly index: number,
  ) {
    super(message);
    this.name = 'HookError';
  }
}

/** `hooks.prestart[1] /usr/bin/x`: the config field and the program, as every message names a hook. */
export function hookName(kind: HookKind, index: number, path: string): string {
  return `hooks.${kind}[${index}] ${path}`;
}

/** errno text as libc words it, lower-cased the way Node's messages are (ENOENT -> "no such file or directory"). */
export function errnoText(errnoOrCode: number | string): string {
  const map = util.getSystemErrorMap();
  if (typeof errnoOrCode === 'number') return map.get(-Math.abs(errnoOrCode))?.[1] ?? `errno ${errnoOrCode}`;
  for (const [name, text] of map.values()) if (name === errnoOrCode) return text;
  return errnoOrCode;
}

/** Null when the hook succeeded; otherwise the cause, e.g. `exit status 3` or `timed out after 2s`. */
export function failureCause(o: HookOutcome, timeout: number | undefined): string | null {
  if (o.execError) return `cannot execute: ${o.execError}`;
  if (o.timedOut) return `timed out after ${timeout}s`;
  if (o.signal) return `killed by signal ${o.signal}`;
  if (o.exitCode !== 0) return `exit status ${o.exitCode}`;
  return null;
}

const MESSAGE_OUTPUT_MAX = 4096;

/** A hook's stderr folded onto the error line: containerd shows only the last error line. */
function oneLine(text: string): string {
  const flat = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join('; ');
  return flat.length > MESSAGE_OUTPUT_MAX ? `...${flat.slice(-MESSAGE_OUTPUT_MAX)}` : flat;
}

/**
 * Logs what the hook printed (the runtime's log, never the container's stdio) and returns the
 * error its failure is, or null. A failing hook's stderr goes into the error instead of the log.
 */
export function settle(kind: HookKind, index: number, path: string, timeout: number | undefined, o: HookOutcome): HookError | null {
  const name = hookName(kind, index, path);
  const cause = failureCause(o, timeout);
  const stdout = o.stdout.trim();
  const stderr = o.stderr.trim();
  if (stdout) log.info(`${name}: stdout: ${stdout}`);
  if (!cause) {
    if (stderr) log.info(`${name}: stderr: ${stderr}`);
    return null;
  }
  return new HookError(`${name}: ${cause}${stderr ? `: ${oneLine(stderr)}` : ''}`, kind, index);
}
