// Joining namespaces by path and creating the container's process in new ones.
#pragma once
#include <sys/types.h>

#include "json.h"

// setns into each {path, nstype, field} in order; must run single-threaded. With deferCgroup
// a cgroup namespace is not joined but returned (fd -1 if none), for the child to join:
// the kernel starts a child in a cgroup (CLONE_INTO_CGROUP) only from a process whose
// current cgroup lies inside its own cgroup namespace, which the helper's does not. Not
// deferred when a user namespace is joined too (the child may lack the rights there).
struct DeferredJoin {
  int fd = -1;
  std::string field, path;
};
DeferredJoin joinNamespaces(const Json &joins, bool deferCgroup);
// A new time namespace applies to children only, and its offsets must be written before
// any process lives in it: unshare, write, then clone the init.
void prepareTimeNamespace(const std::string &offsets);
// clone(2) with fork semantics. CLONE_PARENT makes the runtime the parent, so it can
// wait for the container's exit while this helper exits at once. With a cgroup2 directory
// fd, clone3(CLONE_INTO_CGROUP) starts the child there; *inCgroup says whether it did.
pid_t cloneChild(unsigned long flags, int cgroupFd, bool *inCgroup);
