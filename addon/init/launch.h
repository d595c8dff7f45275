// The last steps before the container's program runs, and the exec itself.
#pragma once
#include <string>

#include "json.h"

// Finds args[0] the way execvp would, with the container's PATH; fails naming process.args[0].
std::string lookupExecutable(const Json &process);
// Leaves only stdio, preserved fds and LISTEN_FDS open, restores default signal
// handling, clears O_NONBLOCK on stdio, and execs. Returns only by failing.
[[noreturn]] void execProcess(const Json &process, const std::string &path, int preserveFds);
