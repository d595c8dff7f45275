// /dev for the container: the spec's default devices plus linux.devices, and the
// standard symlinks. Created only when /dev is not bound in from elsewhere.
import type { Device } from '../spec/types';
import type { DeviceStep } from './types';

const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;
const S_IFIFO = 0o010000;

const TYPE_BITS: Record<string, number> = { c: S_IFCHR, u: S_IFCHR, b: S_IFBLK, p: S_IFIFO };

/** runtime-spec config-linux.md "Default Devices". */
export const DEFAULT_DEVICES: Device[] = [
  { path: '/dev/null', type: 'c', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/zero', type: 'c', major: 1, minor: 5, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/full', type: 'c', major: 1, minor: 7, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/random', type: 'c', major: 1, minor: 8, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/urandom', type: 'c', major: 1, minor: 9, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/tty', type: 'c', major: 5, minor: 0, fileMode: 0o666, uid: 0, gid: 0 },
];

export function deviceSteps(configured: Device[] = [], withDefaults: boolean): DeviceStep[] {
  const steps: DeviceStep[] = [];
  const byPath = new Map<string, number>();
  const add = (d: Device, field: string) => {
    const step: DeviceStep = {
      field,
      path: d.path,
      mode: (TYPE_BITS[d.type] ?? S_IFCHR) | (d.fileMode ?? 0o666),
      major: d.major ?? 0,
      minor: d.minor ?? 0,
      uid: d.uid ?? 0,
      gid: d.gid ?? 0,
      // Without CAP_MKNOD (user namespaces) the host's own node is bound in instead.
      hostPath: d.type === 'p' ? undefined : d.path,
    };
    const at = byPath.get(d.path);
    if (at !== undefined) steps[at] = step;
    else {
      byPath.set(d.path, steps.length);
      steps.push(step);
    }
  };
  if (withDefaults) DEFAULT_DEVICES.forEach((d) => add(d, 'linux.devices (default devices)'));
  configured.forEach((d, i) => add(d, `linux.devices[${i}]`));
  return steps;
}

export function devSymlinks(devices: Device[] = []): { path: string; target: string }[] {
  const links = [
    { path: '/dev/fd', target: '/proc/self/fd' },
    { path: '/dev/stdin', target: '/proc/self/fd/0' },
    { path: '/dev/stdout', target: '/proc/self/fd/1' },
    { path: '/dev/stderr', target: '/proc/self/fd/2' },
  ];
  if (!devices.some((d) => d.path === '/dev/ptmx')) links.push({ path: '/dev/ptmx', target: 'pts/ptmx' });
  return links;
}
