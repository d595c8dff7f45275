// Bind sources prepared by the helper before it enters any namespace, while it still has
// the runtime's credentials and the host's view:
// - id-mapped bind mounts (mount options idmap/ridmap): the kernel lets only a process
//   privileged over the filesystem's user namespace id-map it, so the helper clones the
//   source (open_tree OPEN_TREE_CLONE) and applies mount_setattr(MOUNT_ATTR_IDMAP) with the
//   fd of a user namespace that exists only to carry the mapping;
// - plain bind mounts of a container with its own user namespace ("detached" steps): its
//   root may not be allowed to reach a source the runtime can, so the tree is cloned here
//   and used when the ordinary bind is refused (EACCES/EPERM).
// The detached trees are inherited by the container's init, which attaches them with
// move_mount where the plan says.
#pragma once
#include <cstddef>
#include <string>

#include "json.h"

// For every step of `mounts` with "idmap" or "detached": clone (and id-map) its source.
void prepareDetachedMounts(const Json &mounts);
// The tree prepared for mounts[index], or -1.
int detachedTree(size_t index);
// Attaches the tree prepared for mounts[index] onto the O_PATH fd `target`.
void attachDetached(size_t index, int target, const std::string &field, const std::string &dest);
// Closes the tree prepared for mounts[index] when the step did not need it.
void discardDetached(size_t index);
