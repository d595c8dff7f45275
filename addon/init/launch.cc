#include "launch.h"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <vector>

#include "channel.h"

namespace {

bool executable(const std::string &path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && faccessat(AT_FDCWD, path.c_str(), X_OK, AT_EACCESS) == 0;
}

// As runc does: a process without HOME gets its user's home from the container's
// /etc/passwd, or "/" when the user is not listed there.
void addHome(std::vector<std::string> &env, uid_t uid) {
  for (const auto &e : env)
    if (e.compare(0, 5, "HOME=") == 0) return;
  std::string home = "/";
  if (FILE *f = fopen("/etc/passwd", "re")) {
    char line[1024];
    while (fgets(line, sizeof line, f)) {
      // name:password:uid:gid:gecos:home:shell
      std::vector<std::string> fields;
      std::string cur;
      for (char *p = line; *p && *p != '\n'; p++) {
        if (*p == ':') {
          fields.push_back(cur);
          cur.clear();
        } else {
          cur += *p;
        }
      }
      fields.push_back(cur);
      if (fields.size() >= 6 && fields[2] == std::to_string(uid) && !fields[5].empty()) {
        home = fields[5];
        break;
      }
    }
    fclose(f);
  }
  env.push_back("HOME=" + home);
}

}  // namespace

std::string lookupExecutable(const Json &process) {
  const Json &args = process["args"];
  if (args.size() == 0) fail("lookup executable", "process.args", EINVAL, "no program to run");
  std::string name = args.arr[0].asString();
  if (name.find('/') != std::string::npos) {
    if (!executable(name)) fail("lookup executable", "process.args[0]", errno ? errno : EACCES, name);
    return name;
  }
  std::string pathVar = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  const Json &env = process["env"];
  for (size_t i = 0; i < env.size(); i++)
    if (env[i].asString().compare(0, 5, "PATH=") == 0) pathVar = env[i].asString().substr(5);
  size_t start = 0;
  while (start <= pathVar.size()) {
    size_t end = pathVar.find(':', start);
    if (end == std::string::npos) end = pathVar.size();
    std::string dir = pathVar.substr(start, end - start);
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/" + name;
    if (executable(candidate)) return candidate;
    start = end + 1;
  }
  fail("lookup executable", "process.args[0]", ENOENT, name + " not found in PATH " + pathVar);
}

bool enterCwd(const Json &process, bool retry) {
  const std::string cwd = process["cwd"].asString();
  if (chdir(cwd.c_str()) != 0) {
    if (retry && (errno == EACCES || errno == EPERM)) return false;
    fail("chdir", "process.cwd", errno, cwd);
  }
  // A directory outside the root (reached through a leaked fd or a moved mount) has no
  // path from "/": the kernel reports it as unreachable and getcwd fails with ENOENT.
  char buf[4096];
  errno = 0;
  if (getcwd(buf, sizeof buf) == nullptr || buf[0] != '/')
    fail("chdir", "process.cwd", errno ? errno : ENOENT, cwd + " is outside the container's root");
  return true;
}

void execProcess(const Json &process, const std::string &path, int preserveFds) {
  // Everything past stdio and the preserved fds is closed by the exec (CVE-2024-21626).
  syscall(SYS_close_range, 3 + preserveFds, ~0U, CLOSE_RANGE_CLOEXEC);
  for (int fd = 0; fd < 3; fd++) {
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0 && (fl & O_NONBLOCK)) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  }
  // An ignored signal survives exec; the container's program must start with defaults.
  // The raw syscalls also reach the two real-time signals glibc reserves for itself.
  struct {
    void *handler;
    unsigned long flags;
    void *restorer;
    uint64_t mask;
  } dfl = {(void *)SIG_DFL, 0, nullptr, 0};
  for (int sig = 1; sig <= 64; sig++)
    if (sig != SIGKILL && sig != SIGSTOP) syscall(SYS_rt_sigaction, sig, &dfl, nullptr, sizeof(uint64_t));
  uint64_t none = 0;
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, nullptr, sizeof none);
  std::vector<std::string> args = process["args"].asStrings();
  std::vector<std::string> env = process["env"].asStrings();
  addHome(env, (uid_t)process["uid"].asInt());
  std::vector<char *> argv, envp;
  for (auto &a : args) argv.push_back(&a[0]);
  argv.push_back(nullptr);
  for (auto &e : env) envp.push_back(&e[0]);
  envp.push_back(nullptr);
  execve(path.c_str(), argv.data(), envp.data());
  fail("exec", "process.args[0]", errno, path);
}
