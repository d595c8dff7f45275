// Seccomp user notification: handing the notify fd to the agent at linux.seccomp.listenerPath
// (config-linux.md#seccomp). The order and its reasons are in src/seccomp/listener.ts.
#pragma once
#include <string>

#include "json.h"

// Connects to plan.seccomp.listenerPath when there is one. Called before any namespace is
// joined, while the host path is reachable; the socket stays close-on-exec.
void connectSeccompListener(const Json &seccomp);
// Sends notifyFd with the container process state in one sendmsg, then closes both.
// Does nothing when notifyFd < 0 (the filter does not notify).
void handOverNotifyFd(int notifyFd, const std::string &state);
