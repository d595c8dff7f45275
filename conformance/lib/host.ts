// Facts about the host the suite runs on: what a case may skip for, and the runtime
// namespace's own view (namespace inodes, oom_score_adj) that cases compare with.
import { spawnSync } from 'child_process';
import * as fs from 'fs';

export interface Host {
  /** inode of /proc/self/ns/<name> of the harness (= the runtime namespace). */
  ns: Record<string, number>;
  /** v1 controllers that have their own mounted hierarchy. */
  v1Controllers: Set<string>;
  /** controllers listed in the unified tree's cgroup.controllers */
  v2Controllers: Set<string>;
  cgroupMode: 'v1' | 'hybrid' | 'v2';
  /** mount point per v1 controller (and 'unified' for the v2 tree). */
  cgroupMounts: Map<string, string>;
  apparmor: boolean;
  selinux: boolean;
  timeNamespace: boolean;
  resctrl: boolean;
  tools: Set<string>;
  /** the device numbers of the filesystem holding os.tmpdir() (for blkio rules) */
  tmpDev: { major: number; minor: number };
  numa: boolean;
}

function nsInodes(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of ['cgroup', 'ipc', 'mnt', 'net', 'pid', 'time', 'user', 'uts']) {
    try {
      out[name] = fs.statSync(`/proc/self/ns/${name}`).ino;
    } catch {
      // kernel without this namespace type
    }
  }
  return out;
}

function which(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
}

export function probeHost(): Host {
  const v1 = new Set<string>();
  const mounts = new Map<string, string>();
  let unified: string | undefined;
  for (const line of fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [pre, post] = line.split(' - ');
    if (!post) continue;
    const fields = pre.split(' ');
    const [fstype, , superOpts] = post.split(' ');
    if (fstype === 'cgroup') {
      for (const opt of superOpts.split(',')) {
        if (['rw', 'ro'].includes(opt) || opt.startsWith('release_agent') || opt === 'clone_children') continue;
        v1.add(opt);
        mounts.set(opt, fields[4]);
      }
    } else if (fstype === 'cgroup2') {
      unified = fields[4];
      mounts.set('unified', unified);
    }
  }
  let v2 = new Set<string>();
  if (unified) {
    try {
      v2 = new Set(fs.readFileSync(`${unified}/cgroup.controllers`, 'utf8').trim().split(/\s+/).filter(Boolean));
    } catch {
      // no controllers file
    }
  }
  const tmpStat = fs.statSync(require('os').tmpdir());
  const dev = Number(tmpStat.dev);
  return {
    ns: nsInodes(),
    v1Controllers: v1,
    v2Controllers: v2,
    cgroupMode: v1.size === 0 ? 'v2' : unified ? 'hybrid' : 'v1',
    cgroupMounts: mounts,
    apparmor: readTrim('/sys/module/apparmor/parameters/enabled') === 'Y',
    selinux: fs.existsSync('/sys/fs/selinux/enforce'),
    timeNamespace: fs.existsSync('/proc/self/ns/time'),
    resctrl: fs.readFileSync('/proc/self/mountinfo', 'utf8').includes(' - resctrl '),
    tools: new Set(['ip', 'mount', 'umount', 'sh', 'script'].filter(which)),
    // Linux's new_encode_dev layout, as st_dev carries it.
    tmpDev: { major: (dev >> 8) & 0xfff, minor: (dev & 0xff) | ((dev >> 12) & 0xfff00) },
    numa: fs.existsSync('/proc/self/numa_maps'),
  };
}

export function readTrim(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
}

/** The v1 controller or unified file a skip can name: "no hugetlb cgroup hierarchy on this host". */
export function lacksController(host: Host, controller: string): string | false {
  if (host.cgroupMode === 'v2') return host.v2Controllers.has(controller) ? false : `no ${controller} cgroup controller on this host`;
  return host.v1Controllers.has(controller) ? false : `no ${controller} cgroup v1 hierarchy on this host`;
}
