// Building the container's filesystem view: propagation, the plan's mounts in order,
// /dev, pivot_root (or MS_MOVE + chroot), masked and read-only paths, sysctls.
#pragma once
#include "json.h"

// Before the mounts: propagation of "/" and the rootfs bound onto itself.
void prepareRootfs(const Json &rootfs);
// Mounts in config order, all beneath the rootfs.
void mountAll(const Json &rootfs, const Json &mounts);
// Device nodes and the standard /dev symlinks.
void createDevices(const Json &rootfs, const Json &devices, const Json &symlinks);
// Switches the process root to the rootfs.
void enterRootfs(const Json &rootfs);
// After the switch: makes process.cwd and its missing parents (0755), resolved in the root.
void createCwd(const std::string &cwd);
// After the switch: masked and read-only paths, sysctls, read-only root.
void finishRootfs(const Json &plan);
// Flags that a remount must keep because the kernel locks them (user namespaces).
unsigned long lockedFlags(const char *path);
