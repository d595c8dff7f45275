#include "hooks.h"

#include <linux/close_range.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <vector>

#include "channel.h"

namespace {

// Per stream; the rest is read and dropped so a chatty hook never blocks on a full pipe.
constexpr size_t kOutputMax = 64 * 1024;

struct Outcome {
  int status = 0;
  bool timedOut = false;
  int execErrno = 0;
  std::string out, err;
};

long long nowMs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

std::vector<char *> cstrings(std::vector<std::string> &v) {
  std::vector<char *> out;
  for (auto &s : v) out.push_back(&s[0]);
  out.push_back(nullptr);
  return out;
}

// Reads what is available now (the fd is non-blocking); closes it at EOF.
void drain(int &fd, std::string &buf) {
  char chunk[4096];
  while (fd >= 0) {
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n <= 0) {
      close(fd);
      fd = -1;
      return;
    }
    if (buf.size() < kOutputMax) buf.append(chunk, std::min((size_t)n, kOutputMax - buf.size()));
  }
}

void closeFd(int &fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

// The hook's side of the fork: a clean process with the state pipe as stdin and our capture
// pipes as stdout/stderr, nothing else inherited.
[[noreturn]] void execHook(const std::string &path, std::vector<std::string> &args, std::vector<std::string> &env, const std::string &dir,
                           int in, int out, int err, int report) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int s = 1; s < NSIG; s++) signal(s, SIG_DFL);
  // The hook must not outlive the init that waits for it.
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) {
    int e = errno;
    if (write(report, &e, sizeof e) < 0) _exit(127);
    _exit(127);
  }
  if (!dir.empty() && chdir(dir.c_str()) != 0) {
    // Keep the init's working directory.
  }
  // Preserved fds, the exec fifo and the sync socket are the container's or ours, not the hook's.
  syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
  auto argv = cstrings(args);
  auto envp = cstrings(env);
  execve(path.c_str(), argv.data(), envp.data());
  int e = errno;
  if (write(report, &e, sizeof e) < 0) _exit(127);
  _exit(127);
}

// Runs one hook to its exit (or its timeout). The hook is done when its own process exits:
// a descendant left holding its stdout is not waited for.
Outcome runOne(const Json &h, const std::string &state, const std::string &dir, const std::string &name) {
  std::string path = h["path"].asString();
  std::vector<std::string> args = h["args"].asStrings();
  if (args.empty()) args.push_back(path);
  std::vector<std::string> env = h["env"].asStrings();
  long long timeoutMs = h.has("timeout") && h["timeout"].asInt() > 0 ? h["timeout"].asInt() * 1000LL : -1;

  int in[2], out[2], err[2], report[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0 || pipe2(report, O_CLOEXEC) != 0)
    fail("hook pipes", name, errno);
  pid_t pid = fork();
  if (pid < 0) fail("fork hook", name, errno);
  if (pid == 0) execHook(path, args, env, dir, in[0], out[1], err[1], report[1]);
  close(in[0]);
  close(out[1]);
  close(err[1]);
  close(report[1]);
  int stdinFd = in[1], outFd = out[0], errFd = err[0];
  for (int fd : {stdinFd, outFd, errFd}) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);

  // A hook may exit without reading its stdin: that must be EPIPE for us, not a fatal SIGPIPE.
  struct sigaction ignore = {}, previous = {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &previous);

  Outcome o;
  size_t sent = 0;
  if (state.empty()) closeFd(stdinFd);
  long long deadline = timeoutMs < 0 ? -1 : nowMs() + timeoutMs;
  bool exited = false;
  for (;;) {
    pid_t r = waitpid(pid, &o.status, WNOHANG);
    if (r == pid) exited = true;
    if (exited) break;
    long long left = deadline < 0 ? -1 : deadline - nowMs();
    if (deadline >= 0 && left <= 0) {
      kill(pid, SIGKILL);
      o.timedOut = true;
      while (waitpid(pid, &o.status, 0) < 0 && errno == EINTR) {
      }
      break;
    }
    struct pollfd p[4];
    int n = 0;
    if (stdinFd >= 0) p[n++] = {stdinFd, POLLOUT, 0};
    if (outFd >= 0) p[n++] = {outFd, POLLIN, 0};
    if (errFd >= 0) p[n++] = {errFd, POLLIN, 0};
    if (pidfd >= 0) p[n++] = {pidfd, POLLIN, 0};
    // Without a pidfd (old kernels) the exit is noticed by polling waitpid.
    if (left > INT_MAX) left = INT_MAX;
    int wait = pidfd >= 0 ? (int)left : (left < 0 || left > 10 ? 10 : (int)left);
    if (poll(p, n, wait) < 0 && errno != EINTR) fail("poll hook", name, errno);
    if (stdinFd >= 0) {
      ssize_t w = write(stdinFd, state.data() + sent, state.size() - sent);
      if (w > 0) sent += (size_t)w;
      if ((w < 0 && errno != EAGAIN && errno != EINTR) || sent == state.size()) closeFd(stdinFd);
    }
    drain(outFd, o.out);
    drain(errFd, o.err);
  }
  // Whatever it wrote before exiting is in the pipes now.
  drain(outFd, o.out);
  drain(errFd, o.err);
  closeFd(stdinFd);
  closeFd(outFd);
  closeFd(errFd);
  closeFd(pidfd);
  sigaction(SIGPIPE, &previous, nullptr);
  int e = 0;
  if (read(report[0], &e, sizeof e) == (ssize_t)sizeof e) o.execErrno = e;
  close(report[0]);
  return o;
}

}  // namespace

void runHooks(const Json &hooks, const char *kind, const std::string &state, const std::string &dir) {
  for (size_t i = 0; i < hooks.size(); i++) {
    const Json &h = hooks[i];
    std::string name = std::string("hooks.") + kind + "[" + std::to_string(i) + "]";
    Outcome o = runOne(h, state, dir, name);
    int exitCode = WIFEXITED(o.status) ? WEXITSTATUS(o.status) : -1;
    int sig = WIFSIGNALED(o.status) ? WTERMSIG(o.status) : 0;
    sendMessage(std::string("{\"type\":\"hook\",\"kind\":") + jsonString(kind) + ",\"index\":" + std::to_string(i) +
                ",\"path\":" + jsonString(h["path"].asString()) +
                ",\"timeout\":" + (h.has("timeout") ? std::to_string(h["timeout"].asInt()) : std::string("null")) +
                ",\"exitCode\":" + std::to_string(exitCode) + ",\"signal\":" + std::to_string(sig) +
                ",\"timedOut\":" + (o.timedOut ? "true" : "false") + ",\"execErrno\":" + std::to_string(o.execErrno) +
                ",\"stdout\":" + jsonString(o.out) + ",\"stderr\":" + jsonString(o.err) + "}");
    bool failed = o.timedOut || o.execErrno != 0 || exitCode != 0;
    // The runtime words the error from the frame above; this one ends the init for any reader.
    if (failed) fail("hook", name, o.execErrno, h["path"].asString() + ": failed");
  }
}
