// linux.memoryPolicy: the NUMA policy (set_mempolicy(2)), inherited by children and kept
// across exec.
#pragma once
#include "json.h"

void applyMemoryPolicy(const Json &policy);
