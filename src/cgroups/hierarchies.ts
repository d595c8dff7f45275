// Which cgroup filesystems are mounted where: parsed from /proc/self/mountinfo, or, for a
// fake tree in tests (a plain directory), from the directory layout itself.

import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Hierarchy {
  /** Directory name under the cgroup root, as the host names it: "cpu", "cpu,cpuacct", "systemd", "unified". */
  name: string;
  /** v1 subsystems ("cpu", "name=systemd"); empty for cgroup2. */
  controllers: string[];
  mountpoint: string;
  /** The hierarchy path mounted there ("/" on a host, deeper inside a container). */
  mountRoot: string;
}

export interface CgroupLayout {
  /** v2: one cgroup2 tree at the root. hybrid: v1 hierarchies plus a cgroup2 "unified" tree. v1: v1 only. */
  mode: 'v1' | 'hybrid' | 'v2';
  v1: Hierarchy[];
  unified: Hierarchy | null;
}

const V1_SUBSYSTEMS = new Set([
  'cpuset', 'cpu', 'cpuacct', 'blkio', 'memory', 'devices', 'freezer', 'net_cls', 'perf_event',
  'net_prio', 'hugetlb', 'pids', 'rdma', 'misc', 'debug',
]);

/** Plain code-unit order: localeCompare would load ICU's collator, ~10 ms per command. */
function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** mountinfo escapes spaces and friends as \ooo. */
const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

interface MountEntry { mountRoot: string; mountpoint: string; fstype: string; superOptions: string[] }

export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const pre = line.slice(0, sep).split(' ');
    const post = line.slice(sep + 3).split(' ');
    if (pre.length < 5 || post.length < 3) continue;
    out.push({ mountRoot: unescape(pre[3]!), mountpoint: unescape(pre[4]!), fstype: post[0]!, superOptions: post[2]!.split(',') });
  }
  return out;
}

/** The cgroup layout of the mounts at `root` (a cgroup2 mount) or directly below it. */
export function layoutFromMountinfo(text: string, root: string): CgroupLayout | null {
  const mounts = parseMountinfo(text).filter((m) => m.fstype === 'cgroup' || m.fstype === 'cgroup2');
  // Later mounts shadow earlier ones on the same mountpoint.
  const byPoint = new Map<string, MountEntry>();
  for (const m of mounts) byPoint.set(m.mountpoint, m);
  const atRoot = byPoint.get(root);
  if (atRoot?.fstype === 'cgroup2') {
    return { mode: 'v2', v1: [], unified: { name: path.basename(root), controllers: [], mountpoint: root, mountRoot: atRoot.mountRoot } };
  }
  const v1: Hierarchy[] = [];
  let unified: Hierarchy | null = null;
  for (const m of byPoint.values()) {
    if (path.dirname(m.mountpoint) !== root) continue;
    const h = { name: path.basename(m.mountpoint), mountpoint: m.mountpoint, mountRoot: m.mountRoot, controllers: [] as string[] };
    if (m.fstype === 'cgroup2') {
      unified = h;
    } else {
      h.controllers = m.superOptions.filter((o) => V1_SUBSYSTEMS.has(o) || o.startsWith('name='));
      v1.push(h);
    }
  }
  if (v1.length === 0 && !unified) return null;
  v1.sort(byName);
  return { mode: v1.length === 0 ? 'v2' : unified ? 'hybrid' : 'v1', v1, unified };
}

/**
 * The layout of a plain directory laid out like a cgroup root (fake trees in tests):
 * cgroup.controllers at the top means cgroup2; otherwise each real subdirectory with a
 * cgroup.procs is a v1 hierarchy named after its directory ("systemd" is name=systemd),
 * and one holding cgroup.controllers is the unified tree.
 */
export function layoutFromDirectory(root: string): CgroupLayout | null {
  if (fs.existsSync(path.join(root, 'cgroup.controllers'))) {
    return { mode: 'v2', v1: [], unified: { name: path.basename(root), controllers: [], mountpoint: root, mountRoot: '/' } };
  }
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(root, { withFileTypes: true });
  } catch {
    return null;
  }
  const v1: Hierarchy[] = [];
  let unified: Hierarchy | null = null;
  for (const e of entries) {
    if (!e.isDirectory()) continue; // co-mount symlinks such as cpu -> cpu,cpuacct
    const dir = path.join(root, e.name);
    if (!fs.existsSync(path.join(dir, 'cgroup.procs'))) continue;
    const h: Hierarchy = { name: e.name, controllers: [], mountpoint: dir, mountRoot: '/' };
    if (fs.existsSync(path.join(dir, 'cgroup.controllers'))) {
      unified = h;
    } else {
      h.controllers = e.name === 'systemd' ? ['name=systemd'] : e.name.split(',');
      v1.push(h);
    }
  }
  if (v1.length === 0 && !unified) return null;
  v1.sort(byName);
  return { mode: v1.length === 0 ? 'v2' : unified ? 'hybrid' : 'v1', v1, unified };
}

/** /proc/self/cgroup as a map from controller list ("cpu,cpuacct", "name=systemd", "" for v2) to path. */
export function parseProcCgroup(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (m) out.set(m[2]!, m[3]!);
  }
  return out;
}

/** This process's cgroup in a hierarchy, relative to that hierarchy's mount root. */
export function ownCgroup(h: Hierarchy, procCgroup: Map<string, string>): string | undefined {
  let own: string | undefined;
  if (h.controllers.length === 0) {
    own = procCgroup.get('');
  } else {
    for (const [key, p] of procCgroup) {
      if (key === '') continue;
      const names = key.split(',');
      if (h.controllers.some((c) => names.includes(c))) {
        own = p;
        break;
      }
    }
  }
  if (own === undefined) return undefined;
  if (h.mountRoot !== '/' && (own === h.mountRoot || own.startsWith(h.mountRoot + '/'))) {
    own = own.slice(h.mountRoot.length) || '/';
  }
  return own;
}
