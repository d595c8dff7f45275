// The process's limits and identity: rlimits, groups and ids, capabilities,
// no_new_privs and the seccomp filter.
#pragma once
#include "json.h"

void applyRlimits(const Json &rlimits);
void writeOomScoreAdj(const Json &value);
// Drops bounding capabilities; needs CAP_SETPCAP, so it runs before the uid change.
void dropBounding(const Json &caps);
// setgroups, setgid and setuid, keeping capabilities across the uid change.
void switchUser(const Json &process);
// effective/permitted/inheritable, then ambient last.
void applyCapabilities(const Json &caps);
void setNoNewPrivileges();
// Loads a BPF program exported by the runtime; returns the notify fd or -1.
int loadSeccomp(const Json &seccomp);
