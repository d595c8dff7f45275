// The helper puts itself, and so the container's first process, into the container's
// cgroups before the clone (plan.cgroupJoin, see CgroupSelfJoin in src/plan/types.ts).
// Neither step takes the kernel's global threadgroup lock, whose first taker waits for an
// RCU grace period (5-15 ms): the runtime writing the init's pid to cgroup.procs would.
#pragma once
#include <vector>

#include "json.h"

struct CgroupSelfJoin {
  std::vector<int> tasks;  // v1 `tasks` files, opened for writing
  int cloneInto = -1;      // the cgroup2 directory (O_PATH), or -1
  bool usable = false;     // every file opened: the helper may try
};

// Opens everything while the host's paths are still ours (before joining namespaces).
// A file that cannot be opened leaves the join to the runtime.
CgroupSelfJoin openCgroupSelfJoin(const Json &join);

// Moves this (single-threaded) process into each v1 hierarchy's cgroup. False when one
// refuses: the runtime then moves the container's process itself, as without a self-join.
bool joinCgroupTasks(const CgroupSelfJoin &join);
