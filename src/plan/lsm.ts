// AppArmor (process.apparmorProfile) and SELinux (process.selinuxLabel, linux.mountLabel).
//
// What runc does, and so what we do (docs/security.md):
// - apparmorProfile: runc writes "exec PROFILE" to /proc/thread-self/attr/apparmor/exec
//   whether or not AppArmor is enabled, so without AppArmor create fails. We fail the same
//   way, earlier and with the cause named.
// - selinuxLabel: runc's config validation refuses a label when SELinux is disabled
//   ("selinux label is specified in config, but selinux is disabled or not supported").
// - mountLabel: runc formats it into mount options only when SELinux is enabled and
//   otherwise ignores it. We accept it too (podman and CRI-O write it on any host), but say
//   so with a warning rather than drop it silently.
import * as fs from 'fs';

import type { Linux, Process } from '../spec/types';
import { RuntimeError } from '../util/errors';

export interface LsmHost {
  apparmor: boolean;
  selinux: boolean;
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The same tests runc and go-selinux make. */
export function readLsmHost(): LsmHost {
  const apparmor = fs.existsSync('/sys/kernel/security/apparmor') && (readText('/sys/module/apparmor/parameters/enabled') ?? '').startsWith('Y');
  // selinuxfs mounted, and the process has a context other than the pre-policy "kernel".
  const context = (readText('/proc/self/attr/current') ?? '').replace(/\0/g, '').trim();
  const selinux = fs.existsSync('/sys/fs/selinux/enforce') && context !== '' && context !== 'kernel';
  return { apparmor, selinux };
}

/** Refuses what the host cannot apply, naming the field; `prefix` is how the caller names its source. */
export function checkLsm(proc: Pick<Process, 'apparmorProfile' | 'selinuxLabel'>, host: LsmHost, prefix = 'config.json: process'): void {
  if (proc.apparmorProfile && !host.apparmor)
    throw new RuntimeError(`${prefix}.apparmorProfile: AppArmor is not enabled on this host, so profile ${JSON.stringify(proc.apparmorProfile)} cannot be applied`);
  if (proc.selinuxLabel && !host.selinux)
    throw new RuntimeError(`${prefix}.selinuxLabel: SELinux is disabled or not supported on this host, so label ${JSON.stringify(proc.selinuxLabel)} cannot be applied`);
}

/** The mount label to use, or undefined with a warning when SELinux is off. */
export function mountLabel(linux: Linux, host: LsmHost, warn: (msg: string) => void): string | undefined {
  if (!linux.mountLabel) return undefined;
  if (host.selinux) return linux.mountLabel;
  warn(`linux.mountLabel: SELinux is not enabled on this host; mounts are not labelled (runc ignores it the same way)`);
  return undefined;
}

// Filesystems that take a context= option; runc labels the same kinds (tmpfs, mqueue, devpts
// and the like), never binds, whose labels come from their source.
const LABELLED = new Set(['tmpfs', 'devpts', 'mqueue', 'shm', 'ramfs']);

/** Mount data with SELinux's context= option for the filesystems that take one. */
export function labelMountData(type: string, data: string, label: string | undefined, bind: boolean): string {
  if (!label || bind || !LABELLED.has(type)) return data;
  const opt = `context="${label}"`;
  return data ? `${data},${opt}` : opt;
}
