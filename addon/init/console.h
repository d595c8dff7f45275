// The container's terminal: a pty from the container's own devpts, its peer as
// /dev/console and stdio, its master handed to whoever asked (console socket or runtime).
#pragma once
#include "json.h"

// Before pivot_root: connect to the console socket while its host path is reachable.
void connectConsoleSocket(const Json &console);
// After pivot_root (or after joining the mount namespace for exec).
void setupConsole(const Json &console, bool bindDevConsole);
// The terminal belongs to the process's user, as runc's fixStdioPermissions makes it:
// programs that reopen their tty (tty, script, ssh) need to own it.
void giveConsoleTo(const Json &process);
