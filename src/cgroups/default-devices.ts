// The device rules runc adds to every (non-rootless) container after the config's own
// (libcontainer/specconv AllowedDevices): mknod of any device, and the standard character
// devices. A default whose path the config also lists in linux.devices is dropped, so the
// config's device wins. Clients rely on these: containerd and podman configs deny all and
// never mention /dev/pts (136:*) themselves.

import type { Device, DeviceCgroupRule } from '../spec/types';

interface DefaultRule extends DeviceCgroupRule {
  path?: string;
}

const c = (major: number | null, minor: number | null, access: string, path?: string): DefaultRule =>
  ({ allow: true, type: 'c', major, minor, access, ...(path ? { path } : {}) });

export const DEFAULT_DEVICE_RULES: readonly DefaultRule[] = [
  c(null, null, 'm'),
  { allow: true, type: 'b', major: null, minor: null, access: 'm' },
  c(1, 3, 'rwm', '/dev/null'),
  c(1, 8, 'rwm', '/dev/random'),
  c(1, 7, 'rwm', '/dev/full'),
  c(5, 0, 'rwm', '/dev/tty'),
  c(1, 5, 'rwm', '/dev/zero'),
  c(1, 9, 'rwm', '/dev/urandom'),
  c(136, null, 'rwm'), // /dev/pts/*
  c(5, 2, 'rwm'), // /dev/ptmx
];

/** The rule list the cgroup should get: the config's rules, then runc's defaults. */
export function containerDeviceRules(configRules: DeviceCgroupRule[] | undefined, linuxDevices: Device[] | undefined): DeviceCgroupRule[] {
  const configured = new Set((linuxDevices ?? []).map((d) => d.path));
  const defaults = DEFAULT_DEVICE_RULES
    .filter((d) => !d.path || !configured.has(d.path))
    .map(({ path: _path, ...rule }) => rule);
  return [...(configRules ?? []), ...defaults];
}
