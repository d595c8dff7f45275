// Seccomp user notification (config-linux.md#seccomp, listenerPath): what the plan and the
// runtime's "go" message carry so the init can hand the notify fd to the agent.
//
// The order inside the init (addon/init/listener.cc):
// 1. before any namespace is joined, while the host's paths are visible, it connects to
//    listenerPath (a host path; after pivot_root, or in exec's joined mount namespace, it
//    would be out of reach);
// 2. it loads the filter, which returns the notify fd (SECCOMP_FILTER_FLAG_NEW_LISTENER);
// 3. at once, with one sendmsg(2), it sends the fd (SCM_RIGHTS) and the container process
//    state built here, then closes the connection: one state per connection.
// Step 3 runs under the new filter, so a filter that notifies on sendmsg would wait for an
// agent that has not got the fd yet: translate.ts refuses NOTIFY on the calls used there.
import type { Seccomp, State } from '../spec/types';
import { SPEC_VERSION } from '../spec/semantic/version';
import type { CompiledSeccomp } from './compile';

/** plan.seccomp: what the init loads, and where the notify fd goes. */
export interface SeccompPlan {
  /** struct sock_filter[], base64. */
  bpf: string;
  /** SECCOMP_FILTER_FLAG_* for seccomp(SECCOMP_SET_MODE_FILTER). */
  flags: number;
  /** Present when the filter notifies: the agent's socket, connected before joining namespaces. */
  listenerPath?: string;
}

export function seccompPlan(compiled: CompiledSeccomp, spec: Seccomp): SeccompPlan {
  const out: SeccompPlan = { bpf: compiled.bpf.toString('base64'), flags: compiled.flags };
  if (compiled.notify && spec.listenerPath) out.listenerPath = spec.listenerPath;
  return out;
}

/** The container process state the agent receives (config-linux.md#containerprocessstate). */
export interface ContainerProcessState {
  ociVersion: string;
  fds: string[];
  pid: number;
  metadata?: string;
  state: State & Record<string, unknown>;
}

export function containerProcessState(spec: Seccomp, pid: number, state: State & Record<string, unknown>): ContainerProcessState {
  const out: ContainerProcessState = { ociVersion: SPEC_VERSION, fds: ['seccompFd'], pid, state };
  if (spec.listenerMetadata !== undefined) out.metadata = spec.listenerMetadata;
  return out;
}

/**
 * Fields for the first "go" message (sent once the process's host pid is known): the state
 * text the init sends to the agent. `seccompState` goes with a load during create (status
 * creating); `seccompStartState` with a load after `start` opened the fifo (status created),
 * which is where the init loads the filter when noNewPrivileges is true.
 */
export function listenerGoFields(
  plan: SeccompPlan | null,
  spec: Seccomp | undefined,
  pid: number,
  state: (status: 'creating' | 'created') => State & Record<string, unknown>,
): { seccompState?: string; seccompStartState?: string } {
  if (!plan?.listenerPath || !spec) return {};
  return {
    seccompState: JSON.stringify(containerProcessState(spec, pid, state('creating'))),
    seccompStartState: JSON.stringify(containerProcessState(spec, pid, state('created'))),
  };
}
