#include "paths.h"

#include <cerrno>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <vector>

int openInRoot(int rootfd, const std::string &path, int flags) {
  struct open_how how = {};
  how.flags = (uint64_t)(flags | O_CLOEXEC);
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  std::string rel = path;
  while (!rel.empty() && rel[0] == '/') rel.erase(0, 1);
  if (rel.empty()) rel = ".";
  int fd;
  do fd = (int)syscall(SYS_openat2, rootfd, rel.c_str(), &how, sizeof how);
  while (fd < 0 && errno == EAGAIN);
  return fd;
}

void splitPath(const std::string &path, std::string &parent, std::string &base) {
  size_t end = path.find_last_not_of('/');
  if (end == std::string::npos) {
    parent = "/";
    base = "";
    return;
  }
  size_t slash = path.rfind('/', end);
  base = path.substr(slash == std::string::npos ? 0 : slash + 1, end - (slash == std::string::npos ? 0 : slash + 1) + 1);
  parent = slash == std::string::npos || slash == 0 ? "/" : path.substr(0, slash);
}

int ensureInRoot(int rootfd, const std::string &path, bool asFile, mode_t dirMode) {
  int fd = openInRoot(rootfd, path, O_PATH);
  if (fd >= 0 || errno != ENOENT) return fd;
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) parts.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  std::string prefix;
  int parent = openInRoot(rootfd, "/", O_PATH | O_DIRECTORY);
  if (parent < 0) return -1;
  for (size_t k = 0; k < parts.size(); k++) {
    prefix += "/" + parts[k];
    bool last = k + 1 == parts.size();
    int next = openInRoot(rootfd, prefix, O_PATH | (last && asFile ? 0 : O_DIRECTORY));
    if (next < 0 && errno == ENOENT) {
      // Create under the parent we already resolved in the root; a racing symlink makes
      // this fail with EEXIST and the next in-root lookup resolves it safely.
      int rc;
      if (last && asFile) {
        rc = openat(parent, parts[k].c_str(), O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (rc >= 0) close(rc);
      } else {
        rc = mkdirat(parent, parts[k].c_str(), dirMode);
      }
      if (rc < 0 && errno != EEXIST) {
        int e = errno;
        close(parent);
        errno = e;
        return -1;
      }
      next = openInRoot(rootfd, prefix, O_PATH | (last && asFile ? 0 : O_DIRECTORY));
    }
    int e = errno;
    close(parent);
    if (next < 0) {
      errno = e;
      return -1;
    }
    parent = next;
  }
  return parent;
}

std::string fdPath(int fd) { return "/proc/self/fd/" + std::to_string(fd); }
