// Scheduling of the container's process: process.scheduler (sched_setattr),
// process.ioPriority (ioprio_set) and process.execCPUAffinity (sched_setaffinity).
#pragma once
#include "json.h"

void applyScheduler(const Json &scheduler);
void applyIoPriority(const Json &ioPriority);
// cpus: a list of CPU numbers; field names the config entry it came from.
void applyCpuAffinity(const Json &cpus, const char *field);
