#include "cgroups.h"

#include <fcntl.h>
#include <unistd.h>

namespace {

CgroupSelfJoin unusable(CgroupSelfJoin &partial) {
  for (int fd : partial.tasks) close(fd);
  if (partial.cloneInto >= 0) close(partial.cloneInto);
  return CgroupSelfJoin{};
}

}  // namespace

CgroupSelfJoin openCgroupSelfJoin(const Json &join) {
  CgroupSelfJoin out;
  if (join.isNull()) return out;
  const Json &tasks = join["tasks"];
  for (size_t i = 0; i < tasks.size(); i++) {
    int fd = open(tasks[i].asString().c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return unusable(out);
    out.tasks.push_back(fd);
  }
  if (!join["cloneInto"].isNull()) {
    out.cloneInto = open(join["cloneInto"].asString().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (out.cloneInto < 0) return unusable(out);
  }
  out.usable = true;
  return out;
}

bool joinCgroupTasks(const CgroupSelfJoin &join) {
  // "0" is the writing thread; a v1 `tasks` write moves just that thread, which for this
  // single-threaded helper is the whole process.
  for (int fd : join.tasks) {
    if (write(fd, "0", 1) != 1) return false;
  }
  return true;
}
