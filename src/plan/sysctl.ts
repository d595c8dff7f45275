// linux.sysctl -> the writes the init makes under /proc/sys, refusing those that would change
// the host: a sysctl lands in whichever namespace the container is in, and only ipc, network
// and uts sysctls have a namespace at all. runc refuses the same ones (its sysctl validator).
import type { NamespaceType } from '../spec/types';
import { RuntimeError } from '../util/errors';

/** The kernel.* sysctls the ipc namespace holds (fs.mqueue.* too). */
const IPC_SYSCTLS = new Set(['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced']);

/** The namespace a sysctl belongs to, or undefined for one the whole machine shares. */
export function sysctlNamespace(key: string): NamespaceType | undefined {
  const name = key.replace(/\//g, '.');
  if (IPC_SYSCTLS.has(name) || name.startsWith('fs.mqueue.')) return 'ipc';
  if (name.startsWith('net.')) return 'network';
  if (name === 'kernel.hostname' || name === 'kernel.domainname') return 'uts';
  return undefined;
}

const NS_WORD: Partial<Record<NamespaceType, string>> = { ipc: 'ipc', network: 'network', uts: 'uts' };

export function sysctlSteps(sysctl: Record<string, string> | undefined, has: (t: NamespaceType) => boolean): { key: string; value: string }[] {
  return Object.entries(sysctl ?? {}).map(([key, value]) => {
    const ns = sysctlNamespace(key);
    if (!ns) throw new RuntimeError(`config.json: linux.sysctl.${key}: not a namespaced sysctl; setting it would change the host's value (as in runc, only ipc, net and uts sysctls are allowed)`);
    if (!has(ns))
      throw new RuntimeError(`config.json: linux.sysctl.${key}: needs a ${NS_WORD[ns]} namespace in linux.namespaces; without one it would change the host's value`);
    return { key, value };
  });
}
