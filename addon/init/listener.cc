#include "listener.h"

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "channel.h"

namespace {
int gListener = -1;
const char kField[] = "linux.seccomp.listenerPath";
}  // namespace

void connectSeccompListener(const Json &seccomp) {
  if (seccomp.isNull() || !seccomp.has("listenerPath")) return;
  const std::string path = seccomp["listenerPath"].asString();
  struct sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof addr.sun_path) fail("connect seccomp listener", kField, ENAMETOOLONG, path);
  memcpy(addr.sun_path, path.data(), path.size());
  gListener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (gListener < 0) fail("connect seccomp listener", kField, errno, path);
  int rc;
  do rc = connect(gListener, (struct sockaddr *)&addr, sizeof addr);
  while (rc < 0 && errno == EINTR);
  if (rc < 0) fail("connect seccomp listener", kField, errno, path);
}

void handOverNotifyFd(int notifyFd, const std::string &state) {
  if (notifyFd < 0) return;
  if (gListener < 0) fail("send seccomp notify fd", kField, EBADF, "not connected");
  if (state.empty()) fail("send seccomp notify fd", kField, EINVAL, "the runtime sent no container state");
  // The fd travels with the first bytes; the rest, if the socket takes it in parts, follows
  // without ancillary data (the spec allows several sendmsg calls, fds in the first only).
  const char *p = state.data();
  size_t left = state.size();
  bool first = true;
  while (left > 0) {
    struct iovec iov = {(void *)p, left};
    struct msghdr msg = {};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    char control[CMSG_SPACE(sizeof(int))] = {};
    if (first) {
      msg.msg_control = control;
      msg.msg_controllen = sizeof control;
      struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN(sizeof(int));
      memcpy(CMSG_DATA(c), &notifyFd, sizeof(int));
    }
    ssize_t n = sendmsg(gListener, &msg, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      // The filter is already in force here: a profile that refuses sendmsg fails this way.
      bool closed = err == EPIPE || err == ECONNRESET;
      fail("send seccomp notify fd", kField, err, closed ? "the agent closed the connection" : "(sent under the new filter, which must allow sendmsg)");
    }
    first = false;
    p += n;
    left -= (size_t)n;
  }
  close(gListener);
  gListener = -1;
  close(notifyFd);
}
