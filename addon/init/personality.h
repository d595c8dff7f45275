// linux.personality: the execution domain (personality(2)), inherited across exec.
#pragma once
#include "json.h"

void applyPersonality(const Json &value);
