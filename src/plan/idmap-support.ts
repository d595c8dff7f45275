// Whether id-mapped mounts can work on this host, for `features`
// (linux.mountExtensions.idmap.enabled). The runtime implements them (mount options idmap and
// ridmap, mount uidMappings/gidMappings) with mount_setattr(MOUNT_ATTR_IDMAP), which Linux
// has since 5.12; a kernel without it could only fail each such mount, so claiming support
// there would make Kubernetes schedule pods that cannot start. Cheap: no syscall, no addon.
// Whether a given filesystem allows id-mapping is only known when a mount is attempted; the
// error then names the mount (see addon/init/idmap.cc).
import * as os from 'os';

import { parseMountOptions } from './mounts';

/** `release` (as uname -r prints it) is at least major.minor. */
export function kernelAtLeast(release: string, major: number, minor: number): boolean {
  const m = /^(\d+)\.(\d+)/.exec(release);
  if (!m) return false;
  const [maj, min] = [Number(m[1]), Number(m[2])];
  return maj > major || (maj === major && min >= minor);
}

export function idmapSupported(release: string = os.release()): boolean {
  try {
    // The parser is the implementation's front door: if it refused idmap, nothing would id-map.
    if (!parseMountOptions(['idmap'], 'features').idmap) return false;
  } catch {
    return false;
  }
  return kernelAtLeast(release, 5, 12);
}
