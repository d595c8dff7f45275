// What every engine suite gets from the driver.
import * as fs from 'fs';

import type { Reporter } from './report';

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
