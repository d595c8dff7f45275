#include "console.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "channel.h"
#include "paths.h"

namespace {
int gSocket = -1;
}

void connectConsoleSocket(const Json &console) {
  // Connected once, early, by the helper while the host path is reachable.
  if (!console.has("socket") || gSocket >= 0) return;
  const std::string path = console["socket"].asString();
  gSocket = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) fail("connect console socket", "--console-socket", ENAMETOOLONG, path);
  memcpy(addr.sun_path, path.c_str(), path.size());
  if (gSocket < 0 || connect(gSocket, (struct sockaddr *)&addr, sizeof addr) != 0)
    fail("connect console socket", "--console-socket", errno, path);
}

void setupConsole(const Json &console, bool bindDevConsole) {
  int master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) fail("open /dev/pts/ptmx", "process.terminal", errno);
  if (unlockpt(master) != 0) fail("unlockpt", "process.terminal", errno);
  // TIOCGPTPEER opens the peer through the master, so no path in the container can redirect it.
  int peer = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (peer < 0) fail("open pty peer", "process.terminal", errno);
  char name[128] = "";
  ptsname_r(master, name, sizeof name);
  if (console.has("width") || console.has("height")) {
    struct winsize ws = {};
    ws.ws_row = (unsigned short)console["height"].asInt();
    ws.ws_col = (unsigned short)console["width"].asInt();
    ioctl(peer, TIOCSWINSZ, &ws);
  }
  if (bindDevConsole) {
    int fd = ensureInRoot(open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), "/dev/console", true);
    if (fd < 0 || mount(fdPath(peer).c_str(), fdPath(fd).c_str(), nullptr, MS_BIND, nullptr) != 0)
      fail("bind /dev/console", "process.terminal", errno);
    close(fd);
  }
  int to = gSocket >= 0 ? gSocket : channelFd();
  if (to == channelFd()) sendMessage("{\"type\":\"console\"}");
  if (!sendFd(to, master, name)) fail("send pty master", "--console-socket", errno);
  close(master);
  if (gSocket >= 0) close(gSocket);
  if (ioctl(peer, TIOCSCTTY, 0) != 0) fail("set controlling terminal", "process.terminal", errno);
  for (int i = 0; i < 3; i++)
    if (dup3(peer, i, 0) < 0) fail("dup pty onto stdio", "process.terminal", errno);
  if (peer > 2) close(peer);
}

void giveConsoleTo(const Json &process) {
  uid_t uid = (uid_t)process["uid"].asInt();
  // Only the owner changes; the group stays devpts's (gid=5 on most configs). Failure is
  // not fatal: the fds are open already, only a reopen would suffer.
  if (uid == 0) return;
  int rc = fchown(0, uid, (gid_t)-1);
  (void)rc;
}
