// The new mount API (Linux 5.12+): mount_setattr for attributes applied to a whole tree
// at once (the spec's recursive options such as rro) and for id-mapping, open_tree and
// move_mount for detached mounts. Raw syscalls: glibc's wrappers are too new to rely on.
#pragma once
#include <cstdint>
#include <string>

#include "json.h"

struct MountAttr {
  uint64_t attrSet = 0;
  uint64_t attrClr = 0;
  uint64_t propagation = 0;
  uint64_t usernsFd = 0;
};

int mountSetattr(int dfd, const char *path, unsigned flags, MountAttr &attr);
int openTree(int dfd, const char *path, unsigned flags);
// Attaches the detached tree `from` onto the object behind the O_PATH fd `to`.
int moveMountFd(int from, int to);

// Applies a mount step's "recursiveAttrs" {set, clear} to the mount at the O_PATH fd
// `top` and every mount beneath it; fails naming the step's field.
void applyRecursiveAttrs(int top, const Json &step, const std::string &dest);
