#include "namespaces.h"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <vector>

#include "channel.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

void joinNamespaces(const Json &joins) {
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
}

void prepareTimeNamespace(const std::string &offsets) {
  if (unshare(CLONE_NEWTIME) != 0) fail("unshare time namespace", "linux.namespaces", errno);
  if (offsets.empty()) return;
  int fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write(fd, offsets.data(), offsets.size()) < 0) fail("write time offsets", "linux.timeOffsets", errno, offsets);
  close(fd);
}

pid_t cloneChild(unsigned long flags) {
  pid_t pid = (pid_t)syscall(SYS_clone, flags | CLONE_PARENT | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
  if (pid < 0) fail("clone", "linux.namespaces", errno);
  return pid;
}
