// The Node-API addon: the few syscalls Node itself does not offer. Everything here is
// mechanism; the TypeScript side decides when and why (src/native.ts wraps each call).
#include <napi.h>
#include <uv.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <linux/bpf.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "seccomp.h"

extern char **environ;

namespace {

Napi::Value ThrowErrno(Napi::Env env, const char *what, int err) {
  Napi::Error e = Napi::Error::New(env, std::string(what) + ": " + strerror(err));
  e.Set("errno", Napi::Number::New(env, err));
  e.ThrowAsJavaScriptException();
  return env.Undefined();
}

// spawnInit(helperPath, fds): starts the init helper with fds[i] as its fd i (-1: leave
// closed) and one end of a new socketpair as fd fds.length, named in argv[1].
// posix_spawn (vfork-based) is safe from Node's multi-threaded process; it also resets
// every signal to its default and clears the mask before the helper runs.
Napi::Value SpawnInit(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string path = info[0].As<Napi::String>();
  Napi::Array fdArray = info[1].As<Napi::Array>();
  std::vector<int> fds;
  for (uint32_t i = 0; i < fdArray.Length(); i++) fds.push_back(fdArray.Get(i).As<Napi::Number>().Int32Value());
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return ThrowErrno(env, "socketpair", errno);
  int syncTarget = (int)fds.size();
  fds.push_back(sv[1]);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  // Two phases, so that a source fd that is also some other target is not clobbered.
  const int base = 1000;
  for (size_t i = 0; i < fds.size(); i++)
    if (fds[i] >= 0) posix_spawn_file_actions_adddup2(&fa, fds[i], base + (int)i);
  for (size_t i = 0; i < fds.size(); i++) {
    if (fds[i] >= 0) posix_spawn_file_actions_adddup2(&fa, base + (int)i, (int)i);
    else posix_spawn_file_actions_addclose(&fa, (int)i);
  }
  posix_spawn_file_actions_addclosefrom_np(&fa, base);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::string fdArg = std::to_string(syncTarget);
  char *argv[] = {(char *)path.c_str(), (char *)fdArg.c_str(), nullptr};
  char *envp[] = {nullptr};
  pid_t pid;
  int rc = posix_spawn(&pid, path.c_str(), &fa, &attr, argv, envp);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  close(sv[1]);
  if (rc != 0) {
    close(sv[0]);
    return ThrowErrno(env, ("spawn " + path).c_str(), rc);
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("pid", Napi::Number::New(env, pid));
  out.Set("sync", Napi::Number::New(env, sv[0]));
  return out;
}

Napi::Object StatusObject(Napi::Env env, int status) {
  Napi::Object out = Napi::Object::New(env);
  if (WIFEXITED(status)) {
    out.Set("code", Napi::Number::New(env, WEXITSTATUS(status)));
  } else if (WIFSIGNALED(status)) {
    out.Set("signal", Napi::Number::New(env, WTERMSIG(status)));
  }
  return out;
}

// waitPid(pid): blocks until the given child exits; used for the short-lived helper.
Napi::Value WaitPid(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  pid_t pid = info[0].As<Napi::Number>().Int32Value();
  int status = 0;
  pid_t r;
  do r = waitpid(pid, &status, __WALL); while (r < 0 && errno == EINTR);
  if (r < 0) return ThrowErrno(env, "waitpid", errno);
  return StatusObject(env, status);
}

// waitExit(pid): a promise of the child's exit. The child's pidfd is watched on the event
// loop (uv_poll), which stays free to forward signals, and no thread is started for it:
// the first use of libuv's thread pool starts four threads, a millisecond or two on the
// path of every `run`. Only this pid is reaped: libuv's own children are left to libuv.
// Kernels without pidfd_open (before 5.3) wait on a pool thread instead.
class ExitWaiter : public Napi::AsyncWorker {
 public:
  ExitWaiter(Napi::Env env, pid_t pid) : Napi::AsyncWorker(env), pid_(pid), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override {
    pid_t r;
    do r = waitpid(pid_, &status_, __WALL); while (r < 0 && errno == EINTR);
    err_ = r < 0 ? errno : 0;
  }
  void OnOK() override { Settle(Env(), deferred_, err_, status_); }

  static void Settle(Napi::Env env, Napi::Promise::Deferred &deferred, int err, int status) {
    if (err) {
      Napi::Error e = Napi::Error::New(env, std::string("waitpid: ") + strerror(err));
      e.Set("errno", Napi::Number::New(env, err));
      deferred.Reject(e.Value());
    } else {
      deferred.Resolve(StatusObject(env, status));
    }
  }

 private:
  pid_t pid_;
  int status_ = 0;
  int err_ = 0;
  Napi::Promise::Deferred deferred_;
};

class PidfdExitWaiter {
 public:
  static Napi::Value Start(Napi::Env env, pid_t pid, int pidfd) {
    uv_loop_t *loop = nullptr;
    if (napi_get_uv_event_loop(env, &loop) != napi_ok || loop == nullptr) {
      close(pidfd);
      return Napi::Value();
    }
    auto *w = new PidfdExitWaiter(env, pid, pidfd);
    if (uv_poll_init(loop, &w->poll_, pidfd) != 0) {
      close(pidfd);
      delete w;
      return Napi::Value();
    }
    w->poll_.data = w;
    uv_poll_start(&w->poll_, UV_READABLE, OnReadable);
    return w->deferred_.Promise();
  }

 private:
  PidfdExitWaiter(Napi::Env env, pid_t pid, int pidfd)
      : env_(env), pid_(pid), pidfd_(pidfd), deferred_(Napi::Promise::Deferred::New(env)), context_(env, "runtime:waitExit") {}

  static void OnReadable(uv_poll_t *handle, int, int) {
    auto *w = static_cast<PidfdExitWaiter *>(handle->data);
    int status = 0;
    pid_t r;
    do r = waitpid(w->pid_, &status, __WALL | WNOHANG); while (r < 0 && errno == EINTR);
    if (r == 0) return;  // readable only once it has exited; nothing to reap yet
    int err = r < 0 ? errno : 0;
    uv_poll_stop(handle);
    {
      // A callback scope, so the promise's reactions run now, as after any callback.
      Napi::HandleScope scope(w->env_);
      Napi::CallbackScope callback(w->env_, w->context_);
      ExitWaiter::Settle(w->env_, w->deferred_, err, status);
    }
    uv_close(reinterpret_cast<uv_handle_t *>(handle), [](uv_handle_t *h) {
      auto *done = static_cast<PidfdExitWaiter *>(h->data);
      close(done->pidfd_);
      delete done;
    });
  }

  uv_poll_t poll_;
  Napi::Env env_;
  pid_t pid_;
  int pidfd_;
  Napi::Promise::Deferred deferred_;
  Napi::AsyncContext context_;
};

Napi::Value WaitExit(const Napi::CallbackInfo &info) {
  pid_t pid = info[0].As<Napi::Number>().Int32Value();
  int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (pidfd >= 0) {
    fcntl(pidfd, F_SETFD, FD_CLOEXEC);
    Napi::Value p = PidfdExitWaiter::Start(info.Env(), pid, pidfd);
    if (!p.IsEmpty()) return p;
  }
  auto *w = new ExitWaiter(info.Env(), pid);
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

// flock(fd, exclusive, wait): returns false when `wait` is false and the lock is held.
Napi::Value Flock(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  int fd = info[0].As<Napi::Number>().Int32Value();
  int op = info[1].As<Napi::Boolean>().Value() ? LOCK_EX : LOCK_SH;
  if (!info[2].As<Napi::Boolean>().Value()) op |= LOCK_NB;
  int rc;
  do rc = flock(fd, op); while (rc < 0 && errno == EINTR);
  if (rc < 0 && errno == EWOULDBLOCK) return Napi::Boolean::New(env, false);
  if (rc < 0) return ThrowErrno(env, "flock", errno);
  return Napi::Boolean::New(env, true);
}

Napi::Value Mkfifo(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string path = info[0].As<Napi::String>();
  if (mkfifo(path.c_str(), info[1].As<Napi::Number>().Uint32Value()) != 0) return ThrowErrno(env, "mkfifo", errno);
  return env.Undefined();
}

// pidfdOpen(pid): -1 when the process is gone.
Napi::Value PidfdOpen(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  int fd = (int)syscall(SYS_pidfd_open, info[0].As<Napi::Number>().Int32Value(), 0);
  if (fd < 0 && errno == ESRCH) return Napi::Number::New(env, -1);
  if (fd < 0) return ThrowErrno(env, "pidfd_open", errno);
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  return Napi::Number::New(env, fd);
}

// pollIn(fds, timeoutMs): poll(2) for input on each fd (a pidfd turns readable when its
// process exits); the revents of each, all 0 on timeout or EINTR. timeoutMs -1 waits.
// Lets `start` wake the moment the init writes, execs or dies instead of sleeping in steps.
Napi::Value PollIn(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Napi::Array fds = info[0].As<Napi::Array>();
  std::vector<struct pollfd> p(fds.Length());
  for (uint32_t i = 0; i < p.size(); i++) p[i] = {fds.Get(i).As<Napi::Number>().Int32Value(), POLLIN, 0};
  int rc = poll(p.data(), p.size(), info[1].As<Napi::Number>().Int32Value());
  if (rc < 0 && errno != EINTR) return ThrowErrno(env, "poll", errno);
  Napi::Array out = Napi::Array::New(env, p.size());
  for (uint32_t i = 0; i < p.size(); i++) out.Set(i, Napi::Number::New(env, rc > 0 ? p[i].revents : 0));
  return out;
}

// pidfdSignal(pidfd, sig): 0, or the errno (ESRCH when the process has exited).
Napi::Value PidfdSignal(const Napi::CallbackInfo &info) {
  int fd = info[0].As<Napi::Number>().Int32Value();
  int sig = info[1].As<Napi::Number>().Int32Value();
  long rc = syscall(SYS_pidfd_send_signal, fd, sig, nullptr, 0);
  return Napi::Number::New(info.Env(), rc < 0 ? errno : 0);
}

// recvFd(sock): receives one fd sent with SCM_RIGHTS.
Napi::Value RecvFd(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  int sock = info[0].As<Napi::Number>().Int32Value();
  char buf[256];
  struct iovec iov = {buf, sizeof buf};
  char control[CMSG_SPACE(sizeof(int))] = {};
  struct msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t r;
  do r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC); while (r < 0 && errno == EINTR);
  if (r < 0) return ThrowErrno(env, "recvmsg", errno);
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  if (!c || c->cmsg_type != SCM_RIGHTS) return ThrowErrno(env, "recvmsg", EBADMSG);
  int fd;
  memcpy(&fd, CMSG_DATA(c), sizeof fd);
  return Napi::Number::New(env, fd);
}

// sendFdToSocket(path, fd, name): connects to a unix socket and sends one fd with
// SCM_RIGHTS and `name` as payload (runc's --pidfd-socket and console protocol).
Napi::Value SendFdToSocket(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string path = info[0].As<Napi::String>();
  int fd = info[1].As<Napi::Number>().Int32Value();
  std::string name = info[2].As<Napi::String>();
  struct sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return ThrowErrno(env, "connect", ENAMETOOLONG);
  memcpy(addr.sun_path, path.c_str(), path.size());
  int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0) return ThrowErrno(env, "socket", errno);
  int rc;
  do rc = connect(sock, (struct sockaddr *)&addr, sizeof addr); while (rc < 0 && errno == EINTR);
  if (rc < 0) {
    int e = errno;
    close(sock);
    return ThrowErrno(env, "connect", e);
  }
  struct iovec iov = {(void *)name.data(), name.size() ? name.size() : 1};
  char control[CMSG_SPACE(sizeof(int))] = {};
  struct msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof fd);
  ssize_t r;
  do r = sendmsg(sock, &msg, MSG_NOSIGNAL); while (r < 0 && errno == EINTR);
  int e = errno;
  close(sock);
  if (r < 0) return ThrowErrno(env, "sendmsg", e);
  return env.Undefined();
}

Napi::Value SetWinsize(const Napi::CallbackInfo &info) {
  struct winsize ws = {};
  ws.ws_row = (unsigned short)info[1].As<Napi::Number>().Uint32Value();
  ws.ws_col = (unsigned short)info[2].As<Napi::Number>().Uint32Value();
  ioctl(info[0].As<Napi::Number>().Int32Value(), TIOCSWINSZ, &ws);
  return info.Env().Undefined();
}

// dupFd(fd): a close-on-exec duplicate, so a stream may own (and close) one while we keep the other.
Napi::Value DupFd(const Napi::CallbackInfo &info) {
  int fd = fcntl(info[0].As<Napi::Number>().Int32Value(), F_DUPFD_CLOEXEC, 3);
  if (fd < 0) return ThrowErrno(info.Env(), "dup", errno);
  return Napi::Number::New(info.Env(), fd);
}

// loadDeviceProgram(cgroupDir, bytecode, license): loads a BPF_PROG_TYPE_CGROUP_DEVICE
// program (built in TypeScript, src/cgroups/device-filter.ts) and attaches it to the cgroup.
// ALLOW_MULTI lets it sit beside programs the parent cgroups carry.
Napi::Value LoadDeviceProgram(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string dir = info[0].As<Napi::String>();
  Napi::Buffer<uint8_t> code = info[1].As<Napi::Buffer<uint8_t>>();
  std::string license = info[2].As<Napi::String>();
  static char log[65536];
  log[0] = 0;
  union bpf_attr a;
  memset(&a, 0, sizeof a);
  a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  a.insns = (uint64_t)(uintptr_t)code.Data();
  a.insn_cnt = (uint32_t)(code.Length() / 8);
  a.license = (uint64_t)(uintptr_t)license.c_str();
  a.log_buf = (uint64_t)(uintptr_t)log;
  a.log_size = sizeof log;
  a.log_level = 1;
  int prog = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof a);
  if (prog < 0) {
    int e = errno;
    return ThrowErrno(env, (std::string("BPF_PROG_LOAD (") + std::string(log).substr(0, 400) + ")").c_str(), e);
  }
  int cg = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cg < 0) {
    int e = errno;
    close(prog);
    return ThrowErrno(env, ("open " + dir).c_str(), e);
  }
  memset(&a, 0, sizeof a);
  a.target_fd = (uint32_t)cg;
  a.attach_bpf_fd = (uint32_t)prog;
  a.attach_type = BPF_CGROUP_DEVICE;
  a.attach_flags = BPF_F_ALLOW_MULTI;
  int rc = (int)syscall(SYS_bpf, BPF_PROG_ATTACH, &a, sizeof a);
  int e = errno;
  close(cg);
  close(prog);
  if (rc < 0) return ThrowErrno(env, "BPF_PROG_ATTACH", e);
  return env.Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("spawnInit", Napi::Function::New(env, SpawnInit));
  exports.Set("waitPid", Napi::Function::New(env, WaitPid));
  exports.Set("waitExit", Napi::Function::New(env, WaitExit));
  exports.Set("flock", Napi::Function::New(env, Flock));
  exports.Set("mkfifo", Napi::Function::New(env, Mkfifo));
  exports.Set("pidfdOpen", Napi::Function::New(env, PidfdOpen));
  exports.Set("pidfdSignal", Napi::Function::New(env, PidfdSignal));
  exports.Set("pollIn", Napi::Function::New(env, PollIn));
  exports.Set("recvFd", Napi::Function::New(env, RecvFd));
  exports.Set("setWinsize", Napi::Function::New(env, SetWinsize));
  exports.Set("dupFd", Napi::Function::New(env, DupFd));
  exports.Set("loadDeviceProgram", Napi::Function::New(env, LoadDeviceProgram));
  exports.Set("sendFdToSocket", Napi::Function::New(env, SendFdToSocket));
  RegisterSeccomp(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(runtime_native, Init)
