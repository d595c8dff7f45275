#include "mempolicy.h"

#include <algorithm>
#include <cerrno>
#include <sys/syscall.h>
#include <unistd.h>

#include <vector>

#include "channel.h"

void applyMemoryPolicy(const Json &policy) {
  if (policy.isNull()) return;
  const Json &nodes = policy["nodes"];
  const size_t bits = 8 * sizeof(unsigned long);
  size_t highest = 0;
  for (size_t i = 0; i < nodes.size(); i++) highest = std::max(highest, (size_t)nodes[i].asInt());
  std::vector<unsigned long> mask(highest / bits + 1, 0);
  for (size_t i = 0; i < nodes.size(); i++) {
    size_t node = (size_t)nodes[i].asInt();
    mask[node / bits] |= 1UL << (node % bits);
  }
  // The kernel reads maxnode - 1 bits; modes without nodes take an empty mask.
  unsigned long *maskPtr = nodes.size() ? mask.data() : nullptr;
  unsigned long maxnode = nodes.size() ? mask.size() * bits + 1 : 0;
  if (syscall(SYS_set_mempolicy, (int)policy["mode"].asInt(), maskPtr, maxnode) != 0)
    fail("set_mempolicy", "linux.memoryPolicy", errno, errno == EINVAL ? "(a node that does not exist, or a mode and nodes that do not fit together)" : "");
}
