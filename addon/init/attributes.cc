#include "attributes.h"

#include "listener.h"
#include "lsm.h"
#include "mempolicy.h"
#include "personality.h"
#include "sched.h"

namespace {
bool isExec(const Json &plan) { return plan["mode"].asString() == "exec"; }
}  // namespace

void beforeNamespaces(const Json &plan) {
  connectSeccompListener(plan["seccomp"]);
  // execCPUAffinity is for exec'd processes only (the spec excludes the init).
  if (isExec(plan)) applyCpuAffinity(plan["process"]["execCPUAffinity"]["initial"], "process.execCPUAffinity.initial");
}

void afterGo(const Json &plan) { openLsmAttributes(plan["process"]); }

void applyProcessAttributes(const Json &plan) {
  const Json &process = plan["process"];
  // Joining the cgroup reset the affinity to its cpuset; final applies after that.
  if (isExec(plan)) applyCpuAffinity(process["execCPUAffinity"]["final"], "process.execCPUAffinity.final");
  applyPersonality(plan["personality"]);
  applyMemoryPolicy(plan["memoryPolicy"]);
  applyIoPriority(process["ioPriority"]);
  applyScheduler(process["scheduler"]);
  applyLsmLabels(process);
}
