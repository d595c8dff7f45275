// What the runtime keeps about a container between commands (state.json in its dir).
import type { Spec } from '../spec/types';

export interface ContainerRecord {
  id: string;
  bundle: string;
  rootfs: string;
  created: string;
  owner: string;
  /** The init's host pid and its start time (field 22 of /proc/PID/stat): a reused pid never matches both. */
  pid?: number;
  initStartTime?: string;
  /** True until create has finished; a record left like this belongs to an interrupted create. */
  creating?: boolean;
  spec: Spec;
  /** The cgroup driver's own saved form (src/cgroups). */
  cgroups?: unknown;
  /** Namespace paths the container was asked to join, so exec can tell its own from shared ones. */
  sharedNamespaces?: string[];
}
