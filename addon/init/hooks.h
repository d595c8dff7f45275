// Hooks that must run inside the container's namespaces (createContainer, startContainer).
// Their output is captured and handed to the runtime, never written to the container's stdio.
#pragma once
#include <string>

#include "json.h"

// Runs each hook with the state on stdin; on failure reports `kind[i] path: cause: output`.
void runHooks(const Json &hooks, const char *kind, const std::string &state);
