// Capability names -> numbers. Names this kernel or this host's bounding set cannot grant
// are dropped with a warning, as the spec asks, never a failure.
import * as fs from 'fs';

import type { Capabilities } from '../spec/types';
import type { CapabilitySets } from './types';

export const CAPS = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER',
  'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

export interface HostCaps {
  lastCap: number;
  /** The runtime's own bounding set: nothing outside it can be granted. */
  bounding: bigint;
}

export function readHostCaps(): HostCaps {
  let lastCap = CAPS.length - 1;
  try {
    lastCap = Number(fs.readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8').trim());
  } catch {
    // keep the table's size
  }
  let bounding = (1n << BigInt(lastCap + 1)) - 1n;
  const m = /CapBnd:\s*([0-9a-f]+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  if (m) bounding = BigInt('0x' + m[1]);
  return { lastCap, bounding };
}

const SETS = ['bounding', 'effective', 'inheritable', 'permitted', 'ambient'] as const;

export function capabilitySets(caps: Capabilities | undefined, host: HostCaps, warn: (msg: string) => void, field = 'process.capabilities'): CapabilitySets | null {
  if (!caps) return null;
  const warned = new Set<string>();
  const out: CapabilitySets = { bounding: [], effective: [], inheritable: [], permitted: [], ambient: [], lastCap: host.lastCap };
  for (const set of SETS) {
    for (const name of caps[set] ?? []) {
      const n = CAPS.indexOf(name.toUpperCase());
      if (n < 0 || n > host.lastCap) {
        if (!warned.has(name)) warn(`${field}.${set}: ${name} is not known to this kernel; ignored`);
        warned.add(name);
        continue;
      }
      if (!(host.bounding & (1n << BigInt(n)))) {
        if (!warned.has(name)) warn(`${field}: ${name} is outside this host's bounding set and cannot be granted; dropped`);
        warned.add(name);
        continue;
      }
      if (!out[set].includes(n)) out[set].push(n);
    }
  }
  // The kernel raises an ambient capability only if it is permitted and inheritable;
  // runc and crun warn about the others rather than fail.
  out.ambient = out.ambient.filter((n) => {
    const ok = out.permitted.includes(n) && out.inheritable.includes(n);
    if (!ok) warn(`${field}.ambient: ${CAPS[n]} is not in both the permitted and inheritable sets, so it cannot be ambient; dropped`);
    return ok;
  });
  return out;
}
