// What every engine suite gets from the driver.
import * as fs from 'fs';

import { Fail, type Reporter } from './report';

export interface Ctx {
  repo: string;
  /** the runtime under test, as given (dist/runtime.js or /usr/sbin/runc) */
  realRuntime: string;
  /** what the engines are told to call: a logging wrapper with the same base name */
  runtime: string;
  /** true when the runtime under test is runc: scenarios that need newer runc features say so */
  isRunc: boolean;
  /** the run's private directory; everything the engines keep lives below it */
  tmp: string;
  /** busybox rootfs directory and its tarball */
  rootfs: string;
  tarball: string;
  /** the wrapper's record of runtime calls */
  callsLog: string;
  /** false with CLIENTS_NO_WRAPPER=1: nothing records the calls, so call checks are left out */
  recording: boolean;
  report: Reporter;
  /** registers a cleanup step (run in reverse order, also on SIGINT/SIGTERM) */
  defer(name: string, fn: () => Promise<void>): void;
  log(s: string): void;
}

/** The runtime calls recorded since byte `from` of the calls log that mention `needle`. */
export function callsSince(ctx: Ctx, from: number, needle?: string): string[] {
  let text = '';
  try {
    const buf = fs.readFileSync(ctx.callsLog);
    text = buf.subarray(from).toString();
  } catch {
    return [];
  }
  return text.split('\n').filter((l) => l && (!needle || l.includes(needle)));
}

export function callsOffset(ctx: Ctx): number {
  try {
    return fs.statSync(ctx.callsLog).size;
  } catch {
    return 0;
  }
}

/**
 * Fails unless a runtime call recorded since `from` matches `pattern` (the first call that
 * mentions `needle` is the one checked). Without the recording wrapper there is nothing to check.
 */
export function expectCall(ctx: Ctx, from: number, needle: string, pattern: RegExp, what: string): void {
  if (!ctx.recording) return;
  const call = callsSince(ctx, from, needle)[0] ?? '';
  if (!pattern.test(call)) throw new Fail(`${what}: expected a call matching ${pattern}, recorded: ${call || '(none)'}`);
}
