/*
 * A stand-in for the receiving end of --console-socket (what containerd's shim and conmon
 * run) and of --pidfd-socket, for the integration tests.
 *
 *   console-recv SOCKET [INPUT]
 *
 * Listens on SOCKET, accepts one connection, receives one fd sent with SCM_RIGHTS and
 * prints one JSON line describing it:
 *   {"name":"/dev/pts/0","tty":1,"rows":24,"cols":80,"pid":0}
 * (`pid` is the Pid: line of the fd's fdinfo, set for a pidfd). When the fd is a terminal
 * and INPUT is given, INPUT is written to it (\n as newline) and everything the terminal
 * prints is copied to stdout until the other side closes (EIO) or 20 seconds pass.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static int fdinfo_pid(int fd) {
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
  FILE *f = fopen(path, "r");
  int pid = 0;
  if (!f) return 0;
  while (fgets(line, sizeof line, f))
    if (strncmp(line, "Pid:", 4) == 0) pid = atoi(line + 4);
  fclose(f);
  return pid;
}

static int receive(int conn, char *name, size_t size) {
  char control[CMSG_SPACE(sizeof(int))];
  struct iovec iov = {name, size - 1};
  struct msghdr msg = {0};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n = recvmsg(conn, &msg, 0);
  if (n < 0) return -1;
  name[n] = 0;
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) return -1;
  int fd;
  memcpy(&fd, CMSG_DATA(c), sizeof fd);
  return fd;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: console-recv SOCKET [INPUT]\n");
    return 2;
  }
  struct sockaddr_un addr = {0};
  addr.sun_family = AF_UNIX;
  strncpy(addr.sun_path, argv[1], sizeof addr.sun_path - 1);
  unlink(argv[1]);
  int srv = socket(AF_UNIX, SOCK_STREAM, 0);
  if (srv < 0 || bind(srv, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(srv, 1) != 0) {
    perror("console-recv: listen");
    return 1;
  }
  int conn = accept(srv, NULL, NULL);
  if (conn < 0) {
    perror("console-recv: accept");
    return 1;
  }
  char name[256];
  int fd = receive(conn, name, sizeof name);
  if (fd < 0) {
    perror("console-recv: recvmsg");
    return 1;
  }
  struct winsize ws = {0};
  int tty = isatty(fd);
  if (tty) ioctl(fd, TIOCGWINSZ, &ws);
  printf("{\"name\":\"%s\",\"tty\":%d,\"rows\":%d,\"cols\":%d,\"pid\":%d}\n", name, tty, ws.ws_row, ws.ws_col, fdinfo_pid(fd));
  fflush(stdout);
  if (!tty || argc < 3) return 0;

  const char *input = argv[2];
  size_t len = strlen(input);
  if (write(fd, input, len) != (ssize_t)len) perror("console-recv: write");
  time_t deadline = time(NULL) + 20;
  char buf[4096];
  while (time(NULL) < deadline) {
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break; /* EIO: the last holder of the terminal closed it */
    fwrite(buf, 1, (size_t)n, stdout);
    fflush(stdout);
  }
  return 0;
}
