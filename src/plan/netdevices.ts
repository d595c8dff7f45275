// linux.netDevices -> the moves the runtime makes into the container's network namespace
// (src/container/netdevices.ts performs them).
import type { Linux } from '../spec/types';
import { RuntimeError } from '../util/errors';

export interface NetDeviceMove {
  /** The interface's name on the host. */
  host: string;
  /** Its name in the container (the host name when the config gives none); may end in %d. */
  name: string;
  field: string;
}

export function netDeviceMoves(linux: Linux, hasNetworkNamespace: boolean): NetDeviceMove[] {
  const entries = Object.entries(linux.netDevices ?? {});
  if (entries.length === 0) return [];
  if (!hasNetworkNamespace)
    throw new RuntimeError('config.json: linux.netDevices: devices can only be moved into a network namespace of the container; add {"type": "network"} to linux.namespaces');
  return entries.map(([host, entry]) => ({ host, name: entry?.name || host, field: `linux.netDevices.${host}` }));
}

/** An address the spec says must survive the move: permanent, global scope (RFC 3549 2.3.3.2). */
export interface KeptAddress {
  family: 'inet' | 'inet6';
  local: string;
  prefixlen: number;
  broadcast?: string;
}

/** From `ip -j addr show dev X`: the addresses to add again inside. */
export function keptAddresses(ipJson: unknown): KeptAddress[] {
  const out: KeptAddress[] = [];
  const links = Array.isArray(ipJson) ? ipJson : [];
  for (const link of links) {
    for (const a of (link?.addr_info ?? []) as Record<string, unknown>[]) {
      if (a.family !== 'inet' && a.family !== 'inet6') continue;
      // iproute2 marks an address without IFA_F_PERMANENT as "dynamic".
      if (a.scope !== 'global' || a.dynamic === true) continue;
      const kept: KeptAddress = { family: a.family, local: String(a.local), prefixlen: Number(a.prefixlen) };
      if (typeof a.broadcast === 'string') kept.broadcast = a.broadcast;
      out.push(kept);
    }
  }
  return out;
}
