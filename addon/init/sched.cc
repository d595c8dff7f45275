#include "sched.h"

#include <cerrno>
#include <algorithm>
#include <cstdint>
#include <sys/syscall.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "channel.h"

namespace {

// The kernel's struct sched_attr (glibc 2.36 has no wrapper); the utilization clamps the
// spec has no fields for stay 0.
struct SchedAttr {
  uint32_t size;
  uint32_t policy;
  uint64_t flags;
  int32_t nice;
  uint32_t priority;
  uint64_t runtime;
  uint64_t deadline;
  uint64_t period;
  uint32_t utilMin;
  uint32_t utilMax;
};

const int kIoprioWhoProcess = 1;

}  // namespace

void applyScheduler(const Json &s) {
  if (s.isNull()) return;
  SchedAttr attr = {};
  attr.size = sizeof attr;
  attr.policy = (uint32_t)s["policy"].asInt();
  attr.flags = (uint64_t)s["flags"].asInt();
  attr.nice = (int32_t)s["nice"].asInt();
  attr.priority = (uint32_t)s["priority"].asInt();
  attr.runtime = s["runtime"].asU64();
  attr.deadline = s["deadline"].asU64();
  attr.period = s["period"].asU64();
  if (syscall(SYS_sched_setattr, 0, &attr, 0) != 0) {
    int err = errno;
    // EPERM for a real-time policy usually means the cpu cgroup grants no real-time time.
    bool rt = attr.policy == 1 || attr.policy == 2;
    fail("sched_setattr", "process.scheduler", err,
         rt && err == EPERM ? "(real-time policies need CAP_SYS_NICE and, with RT group scheduling, linux.resources.cpu.realtimeRuntime)" : "");
  }
}

void applyIoPriority(const Json &value) {
  if (value.isNull()) return;
  if (syscall(SYS_ioprio_set, kIoprioWhoProcess, 0, (int)value.asInt()) != 0) fail("ioprio_set", "process.ioPriority", errno);
}

void applyCpuAffinity(const Json &cpus, const char *field) {
  if (cpus.isNull() || cpus.size() == 0) return;
  size_t highest = 0;
  for (size_t i = 0; i < cpus.size(); i++) highest = std::max(highest, (size_t)cpus[i].asInt());
  // A mask as long as the list needs (cpu_set_t stops at 1024 CPUs).
  std::vector<unsigned long> mask(highest / (8 * sizeof(unsigned long)) + 1, 0);
  for (size_t i = 0; i < cpus.size(); i++) {
    size_t cpu = (size_t)cpus[i].asInt();
    mask[cpu / (8 * sizeof(unsigned long))] |= 1UL << (cpu % (8 * sizeof(unsigned long)));
  }
  if (syscall(SYS_sched_setaffinity, 0, mask.size() * sizeof(unsigned long), mask.data()) != 0)
    fail("sched_setaffinity", field, errno, "(no listed CPU is online and allowed by the cpuset)");
}
