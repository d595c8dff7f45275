/*
 * Test helper: loads a BPF program exported by the addon's compileSeccomp()
 * the way the init helper does (no libseccomp, the raw seccomp(2) call on an
 * array of struct sock_filter), then makes one syscall and reports it.
 *
 *   seccomp-load BPF_FILE FLAGS mkdir PATH MODE_OCTAL
 *   seccomp-load BPF_FILE FLAGS syscall NR
 *   seccomp-load BPF_FILE FLAGS none
 *
 * Prints "load=<return value>" and, for mkdir, "mkdir=0" or "mkdir=-<errno>";
 * for syscall (made with no arguments), "syscall=<return>" or "syscall=-<errno>".
 * A filter that kills ends the process with SIGSYS before the second line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static struct sock_filter prog_buf[BPF_MAXINSNS];

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s BPF_FILE FLAGS mkdir PATH MODE | syscall NR | none\n", argv[0]);
    return 2;
  }
  int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    perror(argv[1]);
    return 2;
  }
  ssize_t n = read(fd, prog_buf, sizeof prog_buf);
  close(fd);
  if (n <= 0 || n % sizeof(struct sock_filter) != 0) {
    fprintf(stderr, "%s: %zd bytes is not a BPF program\n", argv[1], n);
    return 2;
  }
  unsigned long flags = strtoul(argv[2], NULL, 0);

  /* Parse everything before the filter is in place: afterwards even the
   * libc calls this program makes are subject to it. */
  int do_mkdir = strcmp(argv[3], "mkdir") == 0 && argc >= 6;
  mode_t mode = do_mkdir ? (mode_t)strtoul(argv[5], NULL, 8) : 0;
  int do_syscall = strcmp(argv[3], "syscall") == 0 && argc >= 5;
  long nr = do_syscall ? strtol(argv[4], NULL, 0) : 0;

  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    perror("prctl(PR_SET_NO_NEW_PRIVS)");
    return 2;
  }
  struct sock_fprog prog = {.len = (unsigned short)(n / sizeof(struct sock_filter)), .filter = prog_buf};
  long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
  if (rc < 0) {
    printf("load=-%d\n", errno);
    return 3;
  }
  printf("load=%ld\n", rc);
  fflush(stdout);

  if (do_mkdir) {
    int r = mkdir(argv[4], mode);
    printf("mkdir=%d\n", r == 0 ? 0 : -errno);
    fflush(stdout);
  }
  if (do_syscall) {
    long r = syscall(nr, 0, 0, 0, 0, 0, 0);
    printf("syscall=%ld\n", r >= 0 ? r : (long)-errno);
    fflush(stdout);
  }
  return 0;
}
