#include "credentials.h"

#include <cerrno>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <vector>

#include "channel.h"

namespace {

void capBits(const Json &list, uint32_t out[2]) {
  out[0] = out[1] = 0;
  for (size_t i = 0; i < list.size(); i++) {
    int cap = (int)list[i].asInt();
    out[cap / 32] |= 1u << (cap % 32);
  }
}

std::vector<unsigned char> base64Decode(const std::string &in) {
  static const std::string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::vector<unsigned char> out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    size_t v = chars.find(c);
    if (v == std::string::npos) continue;
    acc = (acc << 6) | (uint32_t)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back((unsigned char)((acc >> bits) & 0xff));
    }
  }
  return out;
}

}  // namespace

void applyRlimits(const Json &rlimits) {
  for (size_t i = 0; i < rlimits.size(); i++) {
    const Json &r = rlimits[i];
    struct rlimit lim = {(rlim_t)r["soft"].asU64(), (rlim_t)r["hard"].asU64()};
    if (setrlimit((__rlimit_resource)r["resource"].asInt(), &lim) != 0)
      fail("setrlimit", r["field"].asString(), errno);
  }
}

void writeOomScoreAdj(const Json &value) {
  if (value.isNull()) return;
  std::string v = std::to_string(value.asInt());
  int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write(fd, v.data(), v.size()) < 0) fail("write oom_score_adj", "process.oomScoreAdj", errno, v);
  close(fd);
}

void dropBounding(const Json &caps) {
  if (caps.isNull()) return;
  uint32_t keep[2];
  capBits(caps["bounding"], keep);
  int last = (int)caps["lastCap"].asInt(40);
  for (int cap = 0; cap <= last; cap++) {
    if (keep[cap / 32] & (1u << (cap % 32))) continue;
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL)
      fail("drop bounding capability", "process.capabilities.bounding", errno, std::to_string(cap));
  }
}

void switchUser(const Json &process) {
  const Json &groups = process["additionalGids"];
  std::vector<gid_t> gids;
  for (size_t i = 0; i < groups.size(); i++) gids.push_back((gid_t)groups[i].asInt());
  // In a user namespace with setgroups denied, an empty list is the only possible state.
  if (setgroups(gids.size(), gids.data()) != 0 && !(errno == EPERM && gids.empty()))
    fail("setgroups", "process.user.additionalGids", errno);
  gid_t gid = (gid_t)process["gid"].asInt();
  uid_t uid = (uid_t)process["uid"].asInt();
  if (setresgid(gid, gid, gid) != 0) fail("setgid", "process.user.gid", errno, std::to_string(gid));
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) fail("keep capabilities", "process.user.uid", errno);
  if (setresuid(uid, uid, uid) != 0) fail("setuid", "process.user.uid", errno, std::to_string(uid));
  prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
}

void applyCapabilities(const Json &caps) {
  if (caps.isNull()) return;
  struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2] = {};
  uint32_t e[2], p[2], in[2];
  capBits(caps["effective"], e);
  capBits(caps["permitted"], p);
  capBits(caps["inheritable"], in);
  for (int i = 0; i < 2; i++) {
    data[i].effective = e[i];
    data[i].permitted = p[i];
    data[i].inheritable = in[i];
  }
  if (syscall(SYS_capset, &hdr, data) != 0) fail("capset", "process.capabilities", errno);
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
    fail("clear ambient capabilities", "process.capabilities.ambient", errno);
  const Json &ambient = caps["ambient"];
  for (size_t i = 0; i < ambient.size(); i++)
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, ambient[i].asInt(), 0, 0) != 0)
      fail("raise ambient capability", "process.capabilities.ambient[" + std::to_string(i) + "]", errno);
}

void setNoNewPrivileges() {
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail("set no_new_privs", "process.noNewPrivileges", errno);
}

int loadSeccomp(const Json &seccomp) {
  std::vector<unsigned char> bpf = base64Decode(seccomp["bpf"].asString());
  struct sock_fprog prog = {(unsigned short)(bpf.size() / sizeof(struct sock_filter)),
                            (struct sock_filter *)bpf.data()};
  long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, (unsigned)seccomp["flags"].asInt(), &prog);
  if (rc < 0) fail("load seccomp filter", "linux.seccomp", errno);
  return (seccomp["flags"].asInt() & SECCOMP_FILTER_FLAG_NEW_LISTENER) ? (int)rc : -1;
}
