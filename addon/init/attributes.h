// The process and linux fields that are neither mounts nor credentials, grouped by when
// the init applies them (addon/init/main.cc calls these three).
#pragma once
#include "json.h"

// In the helper, before joining any namespace: connect to the seccomp agent (a host path)
// and, for exec, take execCPUAffinity.initial before entering the container's cgroup.
void beforeNamespaces(const Json &plan);
// In the container's process right after "go" (placed in its cgroups, /proc still the host's).
void afterGo(const Json &plan);
// After rlimits and before the seccomp filter (which might refuse these calls) and the
// capability drop (real-time scheduling needs CAP_SYS_NICE).
void applyProcessAttributes(const Json &plan);
