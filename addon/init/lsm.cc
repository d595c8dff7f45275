#include "lsm.h"

#include <cerrno>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <string>

#include "channel.h"

namespace {

int gAppArmor = -1;
int gSelinux = -1;

// A write-only handle on an attribute of this thread, checked to be on a real procfs.
int openAttr(const char *preferred, const char *fallback, const char *field) {
  int fd = open(preferred, O_WRONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT && fallback) fd = open(fallback, O_WRONLY | O_CLOEXEC);
  if (fd < 0) fail("open LSM attribute", field, errno, preferred);
  struct statfs sfs;
  if (fstatfs(fd, &sfs) != 0 || sfs.f_type != PROC_SUPER_MAGIC) fail("open LSM attribute", field, EXDEV, "not on procfs");
  return fd;
}

void writeAttr(int fd, const std::string &value, const char *step, const char *field) {
  if (fd < 0) return;
  ssize_t n = write(fd, value.data(), value.size());
  if (n != (ssize_t)value.size()) fail(step, field, n < 0 ? errno : EIO, value);
  close(fd);
}

}  // namespace

void openLsmAttributes(const Json &process) {
  if (process.has("apparmorProfile"))
    gAppArmor = openAttr("/proc/thread-self/attr/apparmor/exec", "/proc/thread-self/attr/exec", "process.apparmorProfile");
  if (process.has("selinuxLabel")) gSelinux = openAttr("/proc/thread-self/attr/exec", nullptr, "process.selinuxLabel");
}

void applyLsmLabels(const Json &process) {
  if (process.has("apparmorProfile"))
    writeAttr(gAppArmor, "exec " + process["apparmorProfile"].asString(), "apply AppArmor profile", "process.apparmorProfile");
  if (process.has("selinuxLabel")) writeAttr(gSelinux, process["selinuxLabel"].asString(), "set SELinux exec label", "process.selinuxLabel");
  gAppArmor = gSelinux = -1;
}
