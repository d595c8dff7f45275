#include "namespaces.h"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <cstdint>
#include <sys/syscall.h>
#include <unistd.h>

#include <vector>

#include "channel.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

DeferredJoin joinNamespaces(const Json &joins, bool deferCgroup) {
  DeferredJoin deferred;
  for (size_t i = 0; deferCgroup && i < joins.size(); i++) {
    // In a joined user namespace the child may lack the rights to join it itself.
    if (joins[i]["nstype"].asInt() == CLONE_NEWUSER) deferCgroup = false;
  }
  // Open every path first: joining a mount namespace changes how later paths resolve.
  std::vector<int> fds;
  for (size_t i = 0; i < joins.size(); i++) {
    const std::string path = joins[i]["path"].asString();
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail("open namespace", joins[i]["field"].asString(), errno, path);
    fds.push_back(fd);
  }
  // The plan puts a user namespace last: entered first, it would take away our rights over
  // namespaces the host owns. A namespace owned by that user namespace may in turn refuse
  // us until we are in it (an unprivileged caller), so those are tried again afterwards.
  std::vector<size_t> retry;
  for (size_t i = 0; i < joins.size(); i++) {
    int nstype = (int)joins[i]["nstype"].asInt();
    if (nstype == CLONE_NEWCGROUP && deferCgroup) {
      deferred = {fds[i], joins[i]["field"].asString(), joins[i]["path"].asString()};
      continue;
    }
    if (setns(fds[i], nstype) != 0) {
      bool userLater = nstype != CLONE_NEWUSER && joins[joins.size() - 1]["nstype"].asInt() == CLONE_NEWUSER;
      if (errno == EPERM && userLater) {
        retry.push_back(i);
        continue;
      }
      fail("join namespace", joins[i]["field"].asString(), errno, joins[i]["path"].asString());
    }
    close(fds[i]);
  }
  for (size_t i : retry) {
    if (setns(fds[i], (int)joins[i]["nstype"].asInt()) != 0)
      fail("join namespace", joins[i]["field"].asString(), errno, joins[i]["path"].asString());
    close(fds[i]);
  }
  return deferred;
}

void prepareTimeNamespace(const std::string &offsets) {
  if (unshare(CLONE_NEWTIME) != 0) fail("unshare time namespace", "linux.namespaces", errno);
  if (offsets.empty()) return;
  int fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write(fd, offsets.data(), offsets.size()) < 0) fail("write time offsets", "linux.timeOffsets", errno, offsets);
  close(fd);
}

pid_t cloneChild(unsigned long flags, int cgroupFd, bool *inCgroup) {
  *inCgroup = false;
  if (cgroupFd >= 0) {
    // exit_signal stays 0: clone3 refuses one with CLONE_PARENT, and the child takes ours
    // (SIGCHLD) as with clone(2).
    struct clone_args args = {};
    args.flags = flags | CLONE_PARENT | CLONE_INTO_CGROUP;
    args.cgroup = (uint64_t)cgroupFd;
    pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof args);
    if (pid >= 0) {
      *inCgroup = true;
      return pid;
    }
    // An older kernel, or a cgroup the kernel will not start us in: the runtime moves the
    // child afterwards, and reports that refusal itself if it is one.
  }
  pid_t pid = (pid_t)syscall(SYS_clone, flags | CLONE_PARENT | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
  if (pid < 0) fail("clone", "linux.namespaces", errno);
  return pid;
}
