#include "hooks.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <vector>

#include "channel.h"

namespace {

std::vector<char *> cstrings(std::vector<std::string> &v) {
  std::vector<char *> out;
  for (auto &s : v) out.push_back(&s[0]);
  out.push_back(nullptr);
  return out;
}

long long nowMs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

}  // namespace

void runHooks(const Json &hooks, const char *kind, const std::string &state) {
  for (size_t i = 0; i < hooks.size(); i++) {
    const Json &h = hooks[i];
    std::string name = std::string("hooks.") + kind + "[" + std::to_string(i) + "]";
    std::string path = h["path"].asString();
    std::vector<std::string> args = h["args"].asStrings();
    if (args.empty()) args.push_back(path);
    std::vector<std::string> env = h["env"].asStrings();
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) fail("hook pipes", name, errno);
    pid_t pid = fork();
    if (pid < 0) fail("fork hook", name, errno);
    if (pid == 0) {
      dup2(in[0], 0);
      dup2(out[1], 1);
      dup2(out[1], 2);
      auto argv = cstrings(args);
      auto envp = cstrings(env);
      execve(path.c_str(), argv.data(), envp.data());
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    // The state is small; a hook that does not read it must not block us.
    signal(SIGPIPE, SIG_IGN);
    if (write(in[1], state.data(), state.size()) < 0) {
    }
    close(in[1]);
    signal(SIGPIPE, SIG_DFL);
    std::string output;
    long long timeout = h.has("timeout") ? h["timeout"].asInt() * 1000LL : -1;
    long long deadline = nowMs() + timeout;
    bool timedOut = false;
    for (;;) {
      int wait = timeout < 0 ? -1 : (int)(deadline - nowMs());
      if (timeout >= 0 && wait <= 0) {
        timedOut = true;
        break;
      }
      struct pollfd p = {out[0], POLLIN, 0};
      int r = poll(&p, 1, wait);
      if (r < 0 && errno == EINTR) continue;
      if (r == 0) {
        timedOut = true;
        break;
      }
      char buf[4096];
      ssize_t n = read(out[0], buf, sizeof buf);
      if (n <= 0) break;
      if (output.size() < 65536) output.append(buf, (size_t)n);
    }
    if (timedOut) kill(pid, SIGKILL);
    close(out[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) output.pop_back();
    std::string cause;
    if (timedOut) cause = "timed out after " + std::to_string(h["timeout"].asInt()) + "s";
    else if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && access(path.c_str(), X_OK) != 0)
      cause = std::string("cannot execute: ") + strerror(errno);
    else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) cause = "exit status " + std::to_string(WEXITSTATUS(status));
    else if (WIFSIGNALED(status)) cause = std::string("killed by signal ") + strsignal(WTERMSIG(status));
    if (!output.empty())
      sendMessage("{\"type\":\"hook-output\",\"hook\":" + jsonString(name + " " + path) + ",\"output\":" + jsonString(output) + "}");
    if (!cause.empty()) fail("hook", name, 0, path + ": " + cause + (output.empty() ? "" : ": " + output));
  }
}
