/*
 * Test helper: a seccomp agent for linux.seccomp.listenerPath.
 *
 *   seccomp-agent SOCKET STATE_FILE SYSCALL_NR ERRNO [MORE_NR ...]
 *
 * Listens on SOCKET (unlinked first), accepts one connection, reads the
 * container process state and the notify fd sent with SCM_RIGHTS, writes the
 * state to STATE_FILE (then renames STATE_FILE.tmp -> STATE_FILE so the test
 * never reads half of it), and answers notifications until the notify fd
 * reports that the filter's last user is gone:
 *   - for SYSCALL_NR and every MORE_NR: ERRNO == 0 makes the call return 0
 *     without running it; otherwise it fails with that errno;
 *   - anything else: SECCOMP_USER_NOTIF_FLAG_CONTINUE (the kernel runs it).
 * Each answered notification is appended to STATE_FILE.log as "NR PID\n".
 * Prints "ready\n" on stdout once listening.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static void die(const char *what) {
  fprintf(stderr, "seccomp-agent: %s: %s\n", what, strerror(errno));
  exit(1);
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: seccomp-agent SOCKET STATE_FILE SYSCALL_NR ERRNO [MORE_NR...]\n");
    return 2;
  }
  const char *sockPath = argv[1], *stateFile = argv[2];
  int answerErrno = atoi(argv[4]);
  int nrs[16], nnr = 0;
  nrs[nnr++] = atoi(argv[3]);
  for (int i = 5; i < argc && nnr < 16; i++) nrs[nnr++] = atoi(argv[i]);

  int srv = socket(AF_UNIX, SOCK_STREAM, 0);
  if (srv < 0) die("socket");
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  snprintf(addr.sun_path, sizeof addr.sun_path, "%s", sockPath);
  unlink(sockPath);
  if (bind(srv, (struct sockaddr *)&addr, sizeof addr) != 0) die("bind");
  if (listen(srv, 1) != 0) die("listen");
  printf("ready\n");
  fflush(stdout);

  int conn = accept(srv, NULL, NULL);
  if (conn < 0) die("accept");

  /* The state may come in several parts; the fd comes with the first. */
  static char state[1 << 16];
  size_t got = 0;
  int notifyFd = -1;
  for (;;) {
    char control[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {state + got, sizeof state - 1 - got};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    ssize_t n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) die("recvmsg");
    if (n == 0) break; /* the runtime closes after one state */
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) memcpy(&notifyFd, CMSG_DATA(c), sizeof(int));
    got += (size_t)n;
  }
  close(conn);
  close(srv);
  unlink(sockPath);

  char tmp[4096], logPath[4096];
  snprintf(tmp, sizeof tmp, "%s.tmp", stateFile);
  snprintf(logPath, sizeof logPath, "%s.log", stateFile);
  FILE *f = fopen(tmp, "w");
  if (!f) die("open state file");
  fprintf(f, "%.*s", (int)got, state);
  fclose(f);
  if (rename(tmp, stateFile) != 0) die("rename state file");
  if (notifyFd < 0) {
    fprintf(stderr, "seccomp-agent: no fd came with the state\n");
    return 1;
  }

  struct seccomp_notif_sizes sizes;
  if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) != 0) die("SECCOMP_GET_NOTIF_SIZES");
  struct seccomp_notif *req = calloc(1, sizes.seccomp_notif);
  struct seccomp_notif_resp *resp = calloc(1, sizes.seccomp_notif_resp);
  FILE *log = fopen(logPath, "a");
  if (!req || !resp || !log) die("setup");
  for (;;) {
    struct pollfd p = {.fd = notifyFd, .events = POLLIN};
    if (poll(&p, 1, -1) < 0) {
      if (errno == EINTR) continue;
      die("poll");
    }
    /* POLLHUP: every process using the filter is gone. */
    if (!(p.revents & POLLIN)) break;
    memset(req, 0, sizes.seccomp_notif);
    if (ioctl(notifyFd, SECCOMP_IOCTL_NOTIF_RECV, req) != 0) {
      if (errno == EINTR || errno == ENOENT) continue;
      break;
    }
    memset(resp, 0, sizes.seccomp_notif_resp);
    resp->id = req->id;
    int ours = 0;
    for (int i = 0; i < nnr; i++) ours |= req->data.nr == nrs[i];
    if (ours) {
      resp->error = answerErrno ? -answerErrno : 0;
      resp->val = 0;
      fprintf(log, "%d %u\n", req->data.nr, req->pid);
      fflush(log);
    } else {
      resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    }
    /* ENOENT: the caller died or was interrupted meanwhile; nothing to answer. */
    if (ioctl(notifyFd, SECCOMP_IOCTL_NOTIF_SEND, resp) != 0 && errno != ENOENT) die("SECCOMP_IOCTL_NOTIF_SEND");
  }
  fclose(log);
  return 0;
}
