#include "mountattr.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "channel.h"

#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_move_mount
#define SYS_move_mount 429
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef MOVE_MOUNT_T_EMPTY_PATH
#define MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

int mountSetattr(int dfd, const char *path, unsigned flags, MountAttr &attr) {
  return (int)syscall(SYS_mount_setattr, dfd, path, flags, &attr, sizeof attr);
}

int openTree(int dfd, const char *path, unsigned flags) { return (int)syscall(SYS_open_tree, dfd, path, flags); }

int moveMountFd(int from, int to) {
  return (int)syscall(SYS_move_mount, from, "", to, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
}

void applyRecursiveAttrs(int top, const Json &step, const std::string &dest) {
  const Json &attrs = step["recursiveAttrs"];
  if (attrs.isNull()) return;
  MountAttr attr;
  attr.attrSet = (uint64_t)attrs["set"].asInt();
  attr.attrClr = (uint64_t)attrs["clear"].asInt();
  if (mountSetattr(top, "", AT_EMPTY_PATH | AT_RECURSIVE, attr) != 0) {
    // Before 5.12 there is no way to change a whole tree at once; say so rather than ENOSYS.
    const std::string why = errno == ENOSYS ? "mount_setattr is not available (Linux 5.12 or later is needed)" : dest;
    fail("set recursive mount attributes on " + dest, step["field"].asString() + ".options", errno, why);
  }
}
