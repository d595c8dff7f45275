// linux.intelRdt needs the resctrl filesystem. This runtime does not manage resctrl groups
// yet, so a config that asks for RDT is refused with the reason, never run without it.
import * as fs from 'fs';

import type { Linux } from '../spec/types';
import { RuntimeError } from '../util/errors';

export function checkIntelRdt(linux: Linux, resctrlMounted: boolean): void {
  if (!linux.intelRdt) return;
  if (!resctrlMounted)
    throw new RuntimeError('config.json: linux.intelRdt: Intel RDT needs the resctrl filesystem, which is not mounted at /sys/fs/resctrl on this host (no RDT support, or not mounted)');
  throw new RuntimeError('config.json: linux.intelRdt: resctrl is mounted, but this runtime cannot manage resctrl groups yet');
}

export function resctrlMounted(): boolean {
  try {
    return fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => / - resctrl /.test(l));
  } catch {
    return false;
  }
}
