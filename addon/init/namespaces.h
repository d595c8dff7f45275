// Joining namespaces by path and creating the container's process in new ones.
#pragma once
#include <sys/types.h>

#include "json.h"

// setns into each {path, nstype, field} in order; must run single-threaded.
void joinNamespaces(const Json &joins);
// A new time namespace applies to children only, and its offsets must be written before
// any process lives in it: unshare, write, then clone the init.
void prepareTimeNamespace(const std::string &offsets);
// clone(2) with fork semantics. CLONE_PARENT makes the runtime the parent, so it can
// wait for the container's exit while this helper exits at once.
pid_t cloneChild(unsigned long flags);
