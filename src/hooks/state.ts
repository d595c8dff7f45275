// The state each kind of hook reads on stdin (config.md#posix-platform-hooks requires it).
//
// status, from the definitions in runtime.md#state read against config.md's hook sections:
// - prestart, createRuntime, createContainer: `creating`. They are part of the create
//   operation, and `created` is defined as that operation having finished.
// - startContainer: `created`. Start was called, but the process has not yet run the user
//   program, which is still the definition of `created`.
// - poststart: `running` (after the exec of the user program).
// - poststop: `stopped` (after the container was deleted).
//
// pid: runtime.md#state gives runtime-namespace hooks the pid the runtime sees and
// container-namespace hooks the pid the container sees. createContainer and startContainer are
// children of the container's init, in its pid namespace, so they get the init's pid in that
// namespace: 1 when the container has a pid namespace of its own, the host pid when it shares
// the host's, whatever a joined namespace numbers it. That is the last field of NSpid in
// /proc/PID/status (and what getpid() in the init returns, which runc reports).
import * as fs from 'fs';

import type { HookKind, State, Status } from '../spec/types';
import type { ContainerRecord } from '../state/record';
import { stateJson } from '../state/status';

export const HOOK_STATUS: Record<HookKind, Status> = {
  prestart: 'creating',
  createRuntime: 'creating',
  createContainer: 'creating',
  startContainer: 'created',
  poststart: 'running',
  poststop: 'stopped',
};

/** Hooks the container's init runs in the container's namespaces; the others run in ours. */
export const IN_CONTAINER: ReadonlySet<HookKind> = new Set<HookKind>(['createContainer', 'startContainer']);

/** The innermost pid of a host process (NSpid's last field): the pid its own pid namespace gives it. */
export function pidInOwnNamespace(hostPid: number, statusText?: string): number {
  let text = statusText;
  if (text === undefined) {
    try {
      text = fs.readFileSync(`/proc/${hostPid}/status`, 'utf8');
    } catch {
      return hostPid;
    }
  }
  const line = text.split('\n').find((l) => l.startsWith('NSpid:'));
  const fields = line?.slice('NSpid:'.length).trim().split(/\s+/).map(Number) ?? [];
  const last = fields[fields.length - 1];
  return Number.isInteger(last) && last > 0 ? last : hostPid;
}

export function hookState(rec: ContainerRecord, kind: HookKind): State & Record<string, unknown> {
  const state = stateJson(rec, HOOK_STATUS[kind]);
  if (IN_CONTAINER.has(kind) && rec.pid) state.pid = pidInOwnNamespace(rec.pid);
  return state;
}
