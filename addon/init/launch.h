// The last steps before the container's program runs, and the exec itself.
#pragma once
#include <string>

#include "json.h"

// Finds args[0] the way execvp would, with the container's PATH; fails naming process.args[0].
std::string lookupExecutable(const Json &process);
// chdir to process.cwd, runc's way: tried first with the setup's rights (a cwd the container
// user cannot reach still works) and, when that is refused with EACCES/EPERM and `retry` is
// set, left for a second call after the user switch. Returns true once done. The result is
// checked to lie inside the container's root (CVE-2024-21626).
bool enterCwd(const Json &process, bool retry);
// Leaves only stdio, preserved fds and LISTEN_FDS open, restores default signal
// handling, clears O_NONBLOCK on stdio, and execs. Returns only by failing.
[[noreturn]] void execProcess(const Json &process, const std::string &path, int preserveFds);
