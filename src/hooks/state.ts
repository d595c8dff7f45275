// The state each kind of hook reads on stdin (config.md#posix-platform-hooks: "The state of
// the container MUST be passed to hooks over stdin").
//
// status, from the definitions in runtime.md#state:
// - prestart, createRuntime, createContainer: `creating`. They run "as part of the create
//   operation", and `created` means the runtime "has finished the create operation".
// - startContainer: `created`. Start was called, but the container process "has neither exited
//   nor executed the user-specified program" until the hook is done.
// - poststart: `running`. It runs "after the user-specified process is executed".
// - poststop: `stopped`. It runs "after the container is deleted".
//
// pid: runtime.md#state says that for hooks in the runtime namespace it is "the pid as seen by
// the runtime", and for hooks in the container namespace "the pid as seen by the container".
// createContainer and startContainer are children of the container's init, in its pid
// namespace, so they get the init's pid in that namespace: 1 when the container has a pid
// namespace of its own, the host pid when it shares the host's, whatever the joined namespace
// numbers it when it joins one. That is the last field of NSpid in /proc/PID/status.
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
