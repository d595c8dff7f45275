// `features`: the OCI Features structure (features.md, features-linux.md) of what this build
// really does. Every list is read off the code that implements it (the mount option parser,
// the namespace and capability tables, the addon's libseccomp) rather than written out, so
// it cannot claim more than the build performs.
import * as fs from 'fs';

import type { Command } from 'commander';

import { native } from '../../native';
import { CAPS } from '../../plan/capabilities';
import { idmapSupported } from '../../plan/idmap-support';
import { MPOL_FLAGS, MPOL_MODES } from '../../plan/mempolicy';
import { parseMountOptions } from '../../plan/mounts';
import { CLONE_FLAGS } from '../../plan/namespaces';
import { seccompFeatures, type SeccompInfo } from '../../seccomp/features';

declare const __RUNTIME_VERSION__: string;
declare const __RUNTIME_COMMIT__: string;

const HOOKS = ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop'];

/** Every mount option name the spec knows of; the parser decides which of them we recognize. */
const SPEC_MOUNT_OPTIONS = [
  'acl', 'async', 'atime', 'bind', 'defaults', 'dev', 'diratime', 'dirsync', 'exec', 'idmap', 'iversion',
  'lazytime', 'loud', 'mand', 'noacl', 'noatime', 'nodev', 'nodiratime', 'noexec', 'noiversion',
  'nolazytime', 'nomand', 'norelatime', 'nostrictatime', 'nosuid', 'nosymfollow', 'private', 'ratime',
  'rbind', 'rdev', 'rdiratime', 'relatime', 'remount', 'rexec', 'ridmap', 'rnoatime', 'rnodev',
  'rnodiratime', 'rnoexec', 'rnorelatime', 'rnostrictatime', 'rnosuid', 'rnosymfollow', 'ro', 'rprivate',
  'rrelatime', 'rro', 'rrw', 'rshared', 'rslave', 'rstrictatime', 'rsuid', 'rsymfollow', 'runbindable',
  'rw', 'shared', 'silent', 'slave', 'strictatime', 'suid', 'symfollow', 'sync', 'tmpcopyup', 'unbindable',
];

/** Options the parser accepts only to drop them (an engine's own markers): not implemented, so not claimed. */
const ACCEPTED_BUT_IGNORED = new Set(['tmpcopyup']);

/** An option is ours when the parser turns it into flags, not into filesystem data, and does not refuse it. */
export function recognizedMountOptions(): string[] {
  return SPEC_MOUNT_OPTIONS.filter((opt) => {
    if (ACCEPTED_BUT_IGNORED.has(opt)) return false;
    try {
      return parseMountOptions([opt], 'features').data.length === 0;
    } catch {
      return false;
    }
  }).sort();
}

export interface FeaturesInput {
  version: string;
  commit: string;
  seccomp: SeccompInfo | undefined;
}

export function buildFeatures(input: FeaturesInput): Record<string, unknown> {
  const annotations: Record<string, string> = {
    'org.opencontainers.runc.checkpoint.enabled': 'false',
    'org.opencontainers.runc.commit': input.commit,
    'org.opencontainers.runc.version': input.version,
  };
  if (input.seccomp) annotations['io.github.seccomp.libseccomp.version'] = input.seccomp.version;
  return {
    ociVersionMin: '1.0.0',
    ociVersionMax: '1.3.0',
    hooks: HOOKS,
    mountOptions: recognizedMountOptions(),
    linux: {
      namespaces: Object.keys(CLONE_FLAGS).sort(),
      capabilities: [...CAPS],
      cgroup: { v1: true, v2: true, systemd: false, systemdUser: false, rdma: true },
      seccomp: seccompFeatures(input.seccomp),
      // Applied when the host has them (src/plan/lsm.ts, addon/init/lsm.cc), as runc does.
      apparmor: { enabled: true },
      selinux: { enabled: true },
      memoryPolicy: { modes: Object.keys(MPOL_MODES), flags: Object.keys(MPOL_FLAGS) },
      // Refused with the reason (src/plan/intelrdt.ts): no resctrl groups yet.
      intelRdt: { enabled: false },
      mountExtensions: { idmap: { enabled: idmapSupported() } },
      netDevices: { enabled: true },
    },
    annotations: Object.fromEntries(Object.entries(annotations).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
}

export function register(program: Command): void {
  program
    .command('features')
    .description('print the OCI features JSON of this build')
    .action(() => {
      let seccomp: SeccompInfo | undefined;
      try {
        seccomp = native().seccompInfo() as SeccompInfo;
      } catch {
        seccomp = undefined;
      }
      const features = buildFeatures({
        version: typeof __RUNTIME_VERSION__ === 'string' ? __RUNTIME_VERSION__ : '0.0.0-dev',
        commit: typeof __RUNTIME_COMMIT__ === 'string' ? __RUNTIME_COMMIT__ : 'unknown',
        seccomp,
      });
      fs.writeSync(1, JSON.stringify(features, null, 4) + '\n');
    });
}
