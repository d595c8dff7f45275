// linux.netDevices: moving host interfaces into the container's network namespace, with
// iproute2 run by the runtime (host root) between the init's clone and its "go".
//
// One `ip link set dev HOST netns PID name NAME` moves and renames in a single request, so
// the host name never has to be free inside. The kernel drops an interface's addresses when
// it changes namespace; the spec wants the permanent global ones kept, so they are read
// before and added again inside, and the interface is set up, as the spec asks.
//
// Nothing is done at delete: the spec forbids moving devices back. When the namespace goes
// away the kernel returns physical devices to the host and destroys virtual ones.
import { spawnSync } from 'child_process';
import * as fs from 'fs';

import { keptAddresses, type NetDeviceMove } from '../plan/netdevices';
import { RuntimeError } from '../util/errors';

const IP = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'].find((p) => fs.existsSync(p)) ?? 'ip';
const NSENTER = ['/usr/bin/nsenter', '/bin/nsenter', '/usr/sbin/nsenter'].find((p) => fs.existsSync(p)) ?? 'nsenter';

function run(field: string, what: string, cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10000 });
  if (r.error) throw new RuntimeError(`${field}: ${what}: cannot run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new RuntimeError(`${field}: ${what}: ${(r.stderr || r.stdout).trim().replace(/\s*\n\s*/g, '; ') || `${cmd} exited with ${r.status}`}`);
  return r.stdout;
}

function ipIn(pid: number, args: string[]): [string, string[]] {
  return [NSENTER, [`--net=/proc/${pid}/ns/net`, '--', IP, ...args]];
}

/** The spec's "MUST check if moving is possible", before anything is created. */
export function checkNetDevices(moves: NetDeviceMove[]): void {
  for (const m of moves) {
    if (m.host.includes('/') || !fs.existsSync(`/sys/class/net/${m.host}`)) throw new RuntimeError(`${m.field}: no network interface ${m.host} on the host`);
  }
}

export function moveNetDevices(pid: number, moves: NetDeviceMove[]): void {
  for (const m of moves) {
    const before = JSON.parse(run(m.field, 'reading its addresses', IP, ['-j', 'addr', 'show', 'dev', m.host]) || '[]');
    const ifindex = Number(before[0]?.ifindex);
    const addresses = keptAddresses(before);
    // The kernel moves the device before it renames it: a clash would strand the host's
    // device in a namespace that is about to be destroyed. Refuse it before moving.
    if (!m.name.includes('%')) {
      const [c0, x0] = ipIn(pid, ['-j', 'link', 'show']);
      const present = JSON.parse(run(m.field, 'listing the container\'s interfaces', c0, x0) || '[]') as { ifname: string }[];
      if (present.some((l) => l.ifname === m.name))
        throw new RuntimeError(`${m.field}: the container's network namespace already has an interface named ${m.name}; ${m.host} was left on the host`);
    }
    run(m.field, `moving ${m.host} into the container as ${m.name}`, IP, ['link', 'set', 'dev', m.host, 'netns', String(pid), 'name', m.name]);
    // A %d template is resolved by the kernel: find the device again by its index, which a
    // move keeps unless the namespace already uses it.
    const [cmd, args] = ipIn(pid, ['-j', 'link', 'show']);
    const links = JSON.parse(run(m.field, 'finding it in the container', cmd, args) || '[]') as { ifindex: number; ifname: string }[];
    const inside = links.find((l) => l.ifindex === ifindex)?.ifname ?? (m.name.includes('%') ? undefined : m.name);
    if (!inside) throw new RuntimeError(`${m.field}: moved into the container, but its new name could not be found`);
    for (const a of addresses) {
      const extra = a.broadcast ? ['broadcast', a.broadcast] : [];
      const [c, x] = ipIn(pid, ['addr', 'add', `${a.local}/${a.prefixlen}`, ...extra, 'dev', inside]);
      run(m.field, `restoring address ${a.local}/${a.prefixlen} on ${inside}`, c, x);
    }
    const [c, x] = ipIn(pid, ['link', 'set', 'dev', inside, 'up']);
    run(m.field, `setting ${inside} up`, c, x);
  }
}
