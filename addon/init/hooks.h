// Hooks that must run inside the container's namespaces (createContainer, startContainer).
// The init forks each one as its own child, so it shares every namespace, the cgroup and the
// credentials the init has at that moment. Output is captured and reported, never written to
// the container's stdio.
#pragma once
#include <string>

#include "json.h"

// Runs the hooks in order with `state` on stdin. Each run is reported to the runtime as a
// {"type":"hook",...} frame of facts (see src/hooks/init-report.ts); the first one that fails
// is followed by an error frame and ends the init. A non-empty `dir` is the hooks' working
// directory (when it cannot be entered they keep the init's).
void runHooks(const Json &hooks, const char *kind, const std::string &state, const std::string &dir);
