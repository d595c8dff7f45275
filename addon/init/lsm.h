// AppArmor profile and SELinux label for the container's program, applied at its exec by
// writing the LSM's exec attribute (what aa_change_onexec and setexeccon do).
#pragma once
#include "json.h"

// Opens the attribute files this process will write. Call while /proc is still the host's
// (init: before pivot_root), so a procfs planted in the container cannot swallow the write.
void openLsmAttributes(const Json &process);
// Writes the profile and the label opened above.
void applyLsmLabels(const Json &process);
