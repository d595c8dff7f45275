#include "idmap.h"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>

#include "channel.h"
#include "mountattr.h"

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef MOUNT_ATTR_IDMAP
#define MOUNT_ATTR_IDMAP 0x00100000
#endif

namespace {

std::map<size_t, int> gTrees;                 // mount index -> detached (maybe id-mapped) tree
std::map<std::string, int> gUserns;           // "uid_map|gid_map" -> user namespace fd

void writeProcFile(pid_t pid, const char *name, const std::string &text, const std::string &field) {
  const std::string path = "/proc/" + std::to_string(pid) + "/" + name;
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write(fd, text.data(), text.size()) != (ssize_t)text.size())
    fail(std::string("write ") + name + " of the id-mapping user namespace", field, errno, text);
  close(fd);
}

// A user namespace holding the mapping: a child unshares it and waits on a pipe while we
// write its maps and keep a handle; it exits when the pipe closes.
int usernsWithMaps(const std::string &uidMap, const std::string &gidMap, const std::string &field) {
  const std::string key = uidMap + "|" + gidMap;
  auto found = gUserns.find(key);
  if (found != gUserns.end()) return found->second;
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) fail("pipe for id-mapping user namespace", field, errno);
  pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
  if (pid < 0) fail("create id-mapping user namespace", field, errno);
  if (pid == 0) {
    close(p[1]);
    char c;
    while (read(p[0], &c, 1) < 0 && errno == EINTR) {
    }
    _exit(0);
  }
  close(p[0]);
  writeProcFile(pid, "uid_map", uidMap, field + ".uidMappings");
  writeProcFile(pid, "gid_map", gidMap, field + ".gidMappings");
  const std::string nsPath = "/proc/" + std::to_string(pid) + "/ns/user";
  int fd = open(nsPath.c_str(), O_RDONLY | O_CLOEXEC);
  int err = errno;
  close(p[1]);
  waitpid(pid, nullptr, 0);
  if (fd < 0) fail("open id-mapping user namespace", field, err, nsPath);
  gUserns[key] = fd;
  return fd;
}

}  // namespace

void prepareDetachedMounts(const Json &mounts) {
  for (size_t i = 0; i < mounts.size(); i++) {
    const Json &m = mounts[i];
    const Json &idmap = m["idmap"];
    if (idmap.isNull() && !m["detached"].asBool()) continue;
    const std::string field = m["field"].asString();
    const std::string source = m["source"].asString();
    bool recTree = ((unsigned long)m["flags"].asInt() & 16384 /* MS_REC */) != 0;
    int tree = openTree(AT_FDCWD, source.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recTree ? AT_RECURSIVE : 0));
    if (tree < 0) fail("clone bind mount source", field + ".source", errno, source);
    gTrees[i] = tree;
    if (idmap.isNull()) continue;
    MountAttr attr;
    attr.attrSet = MOUNT_ATTR_IDMAP;
    attr.usernsFd = (uint64_t)usernsWithMaps(idmap["uidMap"].asString(), idmap["gidMap"].asString(), field);
    unsigned flags = AT_EMPTY_PATH | (idmap["recursive"].asBool() ? AT_RECURSIVE : 0);
    if (mountSetattr(tree, "", flags, attr) != 0) {
      int err = errno;
      std::string why = source;
      if (err == EINVAL) why += " (the filesystem may not support id-mapped mounts, or it is mapped already)";
      if (err == ENOSYS) why = "mount_setattr is not available (Linux 5.12 or later is needed)";
      if (err == EPERM) why += " (only root over the filesystem's user namespace may id-map it)";
      fail("id-map mount", field + ".options", err, why);
    }
  }
}

int detachedTree(size_t index) {
  auto found = gTrees.find(index);
  return found == gTrees.end() ? -1 : found->second;
}

void attachDetached(size_t index, int target, const std::string &field, const std::string &dest) {
  auto found = gTrees.find(index);
  if (found == gTrees.end()) fail("attach bind mount on " + dest, field, EBADF, "no prepared tree");
  if (moveMountFd(found->second, target) != 0) fail("attach bind mount on " + dest, field, errno);
  close(found->second);
  gTrees.erase(found);
}

void discardDetached(size_t index) {
  auto found = gTrees.find(index);
  if (found == gTrees.end()) return;
  close(found->second);
  gTrees.erase(found);
}
