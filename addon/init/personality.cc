#include "personality.h"

#include <cerrno>
#include <sys/personality.h>

#include "channel.h"

void applyPersonality(const Json &value) {
  if (value.isNull()) return;
  // personality() returns the previous persona; only -1 is a failure.
  if (personality((unsigned long)value.asInt()) == -1) fail("personality", "linux.personality", errno);
}
