// Resolving container paths without ever leaving the root filesystem (CVE-2021-30465):
// every lookup goes through openat2(RESOLVE_IN_ROOT) from a directory fd of the root, and
// mounts target the resolved fd through /proc/self/fd.
#pragma once
#include <string>
#include <sys/types.h>

// Opens `path` (absolute inside the container) beneath rootfd. Returns -1 with errno set.
int openInRoot(int rootfd, const std::string &path, int flags);
// Makes sure `path` exists beneath rootfd as a directory (or an empty file when asFile),
// creating what is missing, and returns an O_PATH fd of it, or -1 with errno set.
int ensureInRoot(int rootfd, const std::string &path, bool asFile, mode_t dirMode = 0755);
// The path through which a syscall reaches the object behind fd.
std::string fdPath(int fd);
// Splits "/a/b/c" into its parent "/a/b" and last component "c".
void splitPath(const std::string &path, std::string &parent, std::string &base);
