// The host side of the client run: Debian packages, the busybox rootfs, a logging wrapper
// around the runtime, and a snapshot of what the engines change on the host (iptables,
// bridges, network namespaces, sysctls, cgroups, a few well-known paths) so that cleanup can
// put it back exactly, whatever state a failed scenario left.
import * as fs from 'fs';
import * as path from 'path';

import { alive, pidsMentioning, run, stopPid } from './proc';

const APT_TIMEOUT_MS = 400_000;

/** Debian package -> a file it installs (how we tell it is there). */
export const PACKAGES: Record<string, string> = {
  'busybox-static': '/bin/busybox',
  containerd: '/usr/bin/containerd',
  podman: '/usr/bin/podman',
  conmon: '/usr/bin/conmon',
  netavark: '/usr/lib/podman/netavark',
  'aardvark-dns': '/usr/lib/podman/aardvark-dns',
  'docker.io': '/usr/sbin/dockerd',
  iptables: '/usr/sbin/iptables',
  runc: '/usr/sbin/runc',
  'bsdutils': '/usr/bin/script',
  tar: '/bin/tar',
  iproute2: '/sbin/ip',
};

/**
 * Installs what is missing with apt-get. Services must not start: Debian's docker.io would
 * start a system-wide dockerd. A policy-rc.d that says 101 (the usual guard) is put in place
 * for the install when none exists, and removed after.
 */
export async function installPackages(log: (s: string) => void): Promise<string | null> {
  const missing = Object.entries(PACKAGES)
    .filter(([, file]) => !fs.existsSync(file))
    .map(([pkg]) => pkg);
  if (!missing.length) return null;
  if (process.getuid?.() !== 0) return `missing packages ${missing.join(' ')} and not root to install them`;
  log(`installing ${missing.join(' ')} with apt-get`);
  const policy = '/usr/sbin/policy-rc.d';
  const ownPolicy = !fs.existsSync(policy);
  if (ownPolicy) fs.writeFileSync(policy, '#!/bin/sh\n# written by conformance/clients for the install; removed after\nexit 101\n', { mode: 0o755 });
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const upd = await run('apt-get', ['update', '-qq'], { env, timeoutMs: APT_TIMEOUT_MS });
    if (upd.code !== 0) return `apt-get update failed: ${upd.stderr.trim().slice(-400)}`;
    const inst = await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env, timeoutMs: APT_TIMEOUT_MS });
    if (inst.code !== 0) return `apt-get install ${missing.join(' ')} failed: ${inst.stderr.trim().slice(-400)}`;
  } finally {
    if (ownPolicy) fs.rmSync(policy, { force: true });
  }
  const still = Object.entries(PACKAGES).filter(([, f]) => !fs.existsSync(f)).map(([p]) => p);
  return still.length ? `still missing after apt-get: ${still.join(' ')}` : null;
}

/** The busybox rootfs (scripts/make-rootfs.sh) plus a web root for the network scenarios. */
export async function makeRootfs(repo: string, dir: string): Promise<void> {
  const r = await run('bash', [path.join(repo, 'scripts/make-rootfs.sh'), dir], { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`make-rootfs.sh failed: ${r.stderr.trim()}`);
  fs.mkdirSync(path.join(dir, 'www'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'www/index.html'), 'hello from busybox httpd\n');
}

/** A tarball of the rootfs, for `podman import` and `docker import`. */
export async function makeTarball(rootfs: string, file: string): Promise<void> {
  const r = await run('tar', ['--numeric-owner', '-C', rootfs, '-cf', file, '.'], { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`tar failed: ${r.stderr.trim()}`);
}

/**
 * A wrapper with the runtime's own base name (conmon treats binaries named runc or crun
 * differently), which records every call in `log` and then execs the runtime.
 */
export function makeWrapper(dir: string, runtime: string, log: string, name = path.basename(runtime)): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  // With CLIENTS_TRACE_RC=1 the wrapper stays the runtime's parent to record its exit status:
  // a diagnostic (calls whose failure an engine ignores), not the normal way (it changes
  // who the container's parent is).
  const tail = process.env.CLIENTS_TRACE_RC === '1'
    ? `${q(runtime)} "$@"\nrc=$?\nprintf '%s rc=%s %s\\n' "$(date +%H:%M:%S.%N)" "$rc" "$*" >> ${q(log)}\nexit $rc\n`
    : `exec ${q(runtime)} "$@"\n`;
  fs.writeFileSync(
    file,
    `#!/bin/sh\n# Records how the engines call the runtime, then runs it.\nprintf '%s %s\\n' "$(date +%H:%M:%S.%N)" "$*" >> ${q(log)}\n${tail}`,
    { mode: 0o755 },
  );
  return file;
}

// ---------------------------------------------------------------------------------------
// What the engines change on the host, and putting it back.

const SYSCTLS = [
  '/proc/sys/net/ipv4/ip_forward',
  '/proc/sys/net/ipv6/conf/all/forwarding',
  '/proc/sys/net/ipv6/conf/default/forwarding',
  '/proc/sys/net/bridge/bridge-nf-call-iptables',
  '/proc/sys/net/bridge/bridge-nf-call-ip6tables',
];

/** Paths the engines create outside their configured roots (seen on Debian 12). */
const WELL_KNOWN_PATHS = [
  '/dev/shm/libpod_lock',
  '/run/containers',
  '/run/libpod',
  '/run/docker',
  '/run/docker.sock',
  '/run/containerd',
  '/var/lib/containers',
  '/var/lib/docker',
  '/var/lib/containerd',
  '/etc/containers/networks',
  '/etc/docker',
  '/var/lib/cni',
];

/** Bridges and veths the engines make (netavark: podmanN; docker: docker0, br-<id>, veth<hex>). */
const LINK_PATTERN = /^(podman\d+|docker0|br-[0-9a-f]{12}|veth[0-9a-f]{7})$/;
/** Top-level cgroup parents the engines use: ctr's namespace, podman's cgroupfs parent, docker's. */
export const CGROUP_PARENTS = ['rtclients', 'libpod_parent', 'docker'];

interface Tables {
  /** table -> chain -> policy ('-' for user chains) */
  chains: Map<string, Map<string, string>>;
  /** table -> rule lines as iptables-save prints them ("-A CHAIN ...") */
  rules: Map<string, string[]>;
}

async function saveTables(tool: string): Promise<Tables | null> {
  const r = await run(tool, [], { timeoutMs: 20_000 });
  if (r.code !== 0) return null;
  const chains = new Map<string, Map<string, string>>();
  const rules = new Map<string, string[]>();
  let table = '';
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith('*')) {
      table = line.slice(1);
      chains.set(table, new Map());
      rules.set(table, []);
    } else if (line.startsWith(':')) {
      const [name, policy] = line.slice(1).split(' ');
      chains.get(table)!.set(name, policy);
    } else if (line.startsWith('-A ')) {
      rules.get(table)!.push(line);
    }
  }
  return { chains, rules };
}

/** Removes rules and chains that were not there before, and puts changed policies back. */
async function restoreTables(family: '' | '6', before: Tables | null): Promise<string[]> {
  const problems: string[] = [];
  if (!before) return problems;
  const after = await saveTables(`ip${family}tables-save`);
  if (!after) return problems;
  for (const [table, rules] of after.rules) {
    const had = [...(before.rules.get(table) ?? [])];
    const del: string[] = [];
    for (const rule of rules) {
      const i = had.indexOf(rule);
      if (i >= 0) had.splice(i, 1);
      else del.push(`-D ${rule.slice(3)}`);
    }
    const newChains = [...(after.chains.get(table) ?? new Map()).keys()].filter((c) => !before.chains.get(table)?.has(c));
    const policies = [...(after.chains.get(table) ?? new Map()).entries()].filter(([c, p]) => {
      const old = before.chains.get(table)?.get(c);
      return old !== undefined && old !== '-' && old !== p;
    });
    if (!del.length && !newChains.length && !policies.length) continue;
    const script = [
      `*${table}`,
      ...del,
      ...newChains.map((c) => `-F ${c}`),
      ...newChains.map((c) => `-X ${c}`),
      'COMMIT',
      '',
    ].join('\n');
    const r = await run(`ip${family}tables-restore`, ['--noflush'], { input: script, timeoutMs: 20_000 });
    if (r.code !== 0) problems.push(`ip${family}tables-restore (${table}): ${r.stderr.trim()}`);
    for (const [chain] of policies) {
      const r2 = await run(`ip${family}tables`, ['-t', table, '-P', chain, before.chains.get(table)!.get(chain)!], { timeoutMs: 20_000 });
      if (r2.code !== 0) problems.push(`ip${family}tables -P ${chain}: ${r2.stderr.trim()}`);
    }
  }
  return problems;
}

function readOr(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function linkNames(): Set<string> {
  return new Set(fs.readdirSync('/sys/class/net'));
}

function netnsNames(): Set<string> {
  try {
    return new Set(fs.readdirSync('/run/netns'));
  } catch {
    return new Set();
  }
}

export function cgroupRoots(): string[] {
  const out: string[] = [];
  for (const line of fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [pre, post] = line.split(' - ');
    if (!post) continue;
    const fstype = post.split(' ')[0];
    if (fstype === 'cgroup' || fstype === 'cgroup2') out.push(pre.split(' ')[4]);
  }
  return out;
}

/** Mount points at or below `dir`, deepest first. */
export function mountsUnder(dir: string): string[] {
  const out: string[] = [];
  for (const line of fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const mp = line.split(' ')[4];
    if (!mp) continue;
    const p = mp.replace(/\\040/g, ' ');
    if (p === dir || p.startsWith(`${dir}/`)) out.push(p);
  }
  return out.sort((a, b) => b.length - a.length);
}

export async function unmountUnder(dir: string): Promise<string[]> {
  const left: string[] = [];
  for (let round = 0; round < 3; round++) {
    const mps = mountsUnder(dir);
    if (!mps.length) return [];
    for (const mp of mps) {
      const r = await run('umount', [mp], { timeoutMs: 20_000 });
      if (r.code !== 0) await run('umount', ['-l', mp], { timeoutMs: 20_000 });
    }
  }
  left.push(...mountsUnder(dir));
  return left;
}

/** Kills what is left in a cgroup tree, then removes its directories deepest first. */
async function removeCgroupTree(top: string): Promise<boolean> {
  if (!fs.existsSync(top)) return true;
  const dirs: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) walk(path.join(d, e.name));
    dirs.push(d);
  };
  walk(top);
  for (const d of dirs) {
    for (const pid of (readOr(path.join(d, 'cgroup.procs')) ?? '').split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
  let ok = true;
  for (const d of dirs) {
    for (let i = 0; i < 20; i++) {
      try {
        fs.rmdirSync(d);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') break;
        if (i === 19) ok = false;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
  return ok;
}

export class HostSnapshot {
  private constructor(
    private readonly v4: Tables | null,
    private readonly v6: Tables | null,
    private readonly sysctls: Map<string, string | null>,
    private readonly links: Set<string>,
    private readonly netns: Set<string>,
    private readonly paths: Set<string>,
    private readonly cgroups: Set<string>,
  ) {}

  static async take(): Promise<HostSnapshot> {
    const cgroups = new Set<string>();
    for (const root of cgroupRoots()) for (const p of CGROUP_PARENTS) if (fs.existsSync(path.join(root, p))) cgroups.add(path.join(root, p));
    return new HostSnapshot(
      await saveTables('iptables-save'),
      await saveTables('ip6tables-save'),
      new Map(SYSCTLS.map((f) => [f, readOr(f)])),
      linkNames(),
      netnsNames(),
      new Set(WELL_KNOWN_PATHS.filter((p) => fs.existsSync(p))),
      cgroups,
    );
  }

  /** Puts the host back; returns what could not be undone. */
  async restore(tmp: string, keepTmp = false): Promise<string[]> {
    const problems: string[] = [];
    // Helpers the engines leave (shims, conmon, aardvark-dns, docker-proxy) name our dir.
    for (const pid of pidsMentioning(tmp)) await stopPid(pid, 3_000);
    for (const name of netnsNames()) {
      if (this.netns.has(name) || !name.startsWith('netns-')) continue;
      const p = `/run/netns/${name}`;
      await run('umount', [p], { timeoutMs: 10_000 });
      try {
        fs.rmSync(p, { force: true });
      } catch (e) {
        problems.push(`remove ${p}: ${String(e)}`);
      }
    }
    const left = await unmountUnder(tmp);
    if (left.length) problems.push(`still mounted: ${left.join(' ')}`);
    for (const name of linkNames()) {
      if (this.links.has(name) || !LINK_PATTERN.test(name)) continue;
      const r = await run('ip', ['link', 'del', name], { timeoutMs: 10_000 });
      if (r.code !== 0 && fs.existsSync(`/sys/class/net/${name}`)) problems.push(`ip link del ${name}: ${r.stderr.trim()}`);
    }
    problems.push(...(await restoreTables('', this.v4)), ...(await restoreTables('6', this.v6)));
    for (const [file, value] of this.sysctls) {
      if (value === null || readOr(file) === value) continue;
      try {
        fs.writeFileSync(file, value);
      } catch (e) {
        problems.push(`restore ${file}: ${String(e)}`);
      }
    }
    for (const root of cgroupRoots()) {
      for (const p of CGROUP_PARENTS) {
        const top = path.join(root, p);
        if (this.cgroups.has(top)) continue;
        if (!(await removeCgroupTree(top))) problems.push(`cgroup ${top} still busy`);
      }
    }
    for (const p of WELL_KNOWN_PATHS) {
      if (this.paths.has(p) || !fs.existsSync(p)) continue;
      if (mountsUnder(p).length) await unmountUnder(p);
      fs.rmSync(p, { recursive: true, force: true });
    }
    try {
      if (!keepTmp) fs.rmSync(tmp, { recursive: true, force: true });
    } catch (e) {
      problems.push(`remove ${tmp}: ${String(e)}`);
    }
    return problems;
  }
}

const LOCK = '/run/lock/runtime-clients.pid';

/**
 * One client run at a time on a host: two would share the ctr namespace and the cgroup
 * parents, and each would undo the other's iptables rules. Waits for a live holder (up to
 * `waitMs`), takes over a stale lock; returns the release function, or null on timeout.
 */
export async function hostLock(waitMs: number, log: (s: string) => void): Promise<(() => void) | null> {
  fs.mkdirSync(path.dirname(LOCK), { recursive: true });
  const end = Date.now() + waitMs;
  let told = false;
  for (;;) {
    try {
      fs.writeFileSync(LOCK, `${process.pid}\n`, { flag: 'wx' });
      return () => {
        try {
          if (fs.readFileSync(LOCK, 'utf8').trim() === String(process.pid)) fs.rmSync(LOCK);
        } catch {
          // gone already
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = Number(readOr(LOCK)?.trim());
    if (!holder || !alive(holder)) {
      fs.rmSync(LOCK, { force: true });
      continue;
    }
    if (!told) log(`waiting for the client run of pid ${holder} (${LOCK})`);
    told = true;
    if (Date.now() > end) return null;
    await new Promise((r) => setTimeout(r, 1_000));
  }
}
