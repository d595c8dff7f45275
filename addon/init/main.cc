// runtime-init: the single-threaded helper the runtime spawns for `create` and `exec`.
// Node is multi-threaded, so a process cloned from it may only make raw syscalls; this
// program instead receives the launch plan over its sync socket and performs it with
// ordinary code, the way `runc init` does. It decides nothing: TypeScript built the plan.
//
// Usage: runtime-init <sync-fd>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "attributes.h"
#include "cgroups.h"
#include "channel.h"
#include "console.h"
#include "credentials.h"
#include "hooks.h"
#include "idmap.h"
#include "launch.h"
#include "listener.h"
#include "namespaces.h"
#include "rootfs.h"

namespace {

// The exec fifo, opened (O_PATH) before any namespace is entered: the container's root in a
// user namespace may not be allowed to walk the state directory's path.
int gFifo = -1;
// A cgroup namespace the helper left for the container side to join (joinNamespaces).
DeferredJoin gCgroupNs;

void setNames(const Json &plan) {
  if (plan.has("hostname")) {
    const std::string h = plan["hostname"].asString();
    if (sethostname(h.data(), h.size()) != 0) fail("sethostname", "hostname", errno, h);
  }
  if (plan.has("domainname")) {
    const std::string d = plan["domainname"].asString();
    if (setdomainname(d.data(), d.size()) != 0) fail("setdomainname", "domainname", errno, d);
  }
}

// The process's own steps, shared by init and exec, in the order the kernel needs:
// seccomp while CAP_SYS_ADMIN is still held (unless no_new_privs allows loading later),
// bounding before the uid change, capabilities after it. Returns the program to exec.
std::string applyProcess(const Json &plan, const Json &go) {
  const Json &process = plan["process"];
  umask(0022);
  applyRlimits(process["rlimits"]);
  applyProcessAttributes(plan);
  bool inCwd = enterCwd(process, true);
  const Json &seccomp = plan["seccomp"];
  bool nnp = process["noNewPrivileges"].asBool();
  if (!seccomp.isNull() && !nnp) handOverNotifyFd(loadSeccomp(seccomp), go["seccompState"].asString());
  dropBounding(process["capabilities"]);
  switchUser(process);
  applyCapabilities(process["capabilities"]);
  if (nnp) setNoNewPrivileges();
  if (process.has("umask")) umask((mode_t)process["umask"].asInt());
  if (!inCwd) enterCwd(process, false);
  return lookupExecutable(process);
}

// The container side, after the clone: runs in the new namespaces.
[[noreturn]] void containerSide(const Json &plan) {
  bool isInit = plan["mode"].asString() == "init";
  const Json &process = plan["process"];
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (gCgroupNs.fd >= 0) {
    if (setns(gCgroupNs.fd, CLONE_NEWCGROUP) != 0) fail("join namespace", gCgroupNs.field, errno, gCgroupNs.path);
    close(gCgroupNs.fd);
  }
  // Wait until the runtime wrote our id maps and placed us in the cgroups.
  Json go = receiveMessage();
  afterGo(plan);
  // Dumpable only so that an unprivileged runtime (or newuidmap) could write our id maps.
  if (plan["dumpableForIdMaps"].asBool()) prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (plan["newUserNamespace"].asBool() || plan["joinUserNamespace"].asBool()) {
    if (setresgid(0, 0, 0) != 0 || setresuid(0, 0, 0) != 0) fail("become root in user namespace", "linux.uidMappings", errno);
    // Drop the host's supplementary groups; denied (EPERM) in a rootless single-id namespace.
    if (setgroups(0, nullptr) != 0 && errno != EPERM) fail("setgroups", "linux.gidMappings", errno);
  }
  if (plan["unshareCgroup"].asBool() && unshare(CLONE_NEWCGROUP) != 0) fail("unshare cgroup namespace", "linux.namespaces", errno);
  if (plan["setsid"].asBool() && setsid() < 0) fail("setsid", "process", errno);
  setNames(plan);

  const Json &console = plan["console"];
  if (isInit) {
    const Json &rootfs = plan["rootfs"];
    prepareRootfs(rootfs);
    mountAll(rootfs, plan["mounts"]);
    createDevices(rootfs, plan["devices"], plan["symlinks"]);
    int fifo = gFifo;
    sendMessage("{\"type\":\"mounted\"}");
    Json hooksGo = receiveMessage();
    // Still in the host's mount view: run from the bundle dir, as the runtime-side hooks do.
    runHooks(plan["hooks"]["createContainer"], "createContainer", hooksGo["state"].asString(), hooksGo["hookDir"].asString());
    enterRootfs(rootfs);
    // runc makes a missing cwd (0755, inside the root) before the root may turn read-only.
    createCwd(process["cwd"].asString());
    if (!console.isNull()) {
      setupConsole(console, true);
      giveConsoleTo(process);
    }
    finishRootfs(plan);
    std::string exe = applyProcess(plan, go);
    const Json &seccomp = plan["seccomp"];
    bool nnp = process["noNewPrivileges"].asBool();
    prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
    sendMessage("{\"type\":\"ready\"}");
    close(channelFd());
    channelInit(-1);
    // Blocks until `start` opens the fifo for reading.
    int w = open(("/proc/self/fd/" + std::to_string(fifo)).c_str(), O_WRONLY | O_CLOEXEC);
    if (w < 0) _exit(1);
    close(fifo);
    if (write(w, "0", 1) != 1) _exit(1);
    // From here failures reach `start` through the fifo; the exec closes it on success.
    channelInit(w);
    runHooks(plan["hooks"]["startContainer"], "startContainer", hooksGo["startState"].asString(), "");
    if (!seccomp.isNull() && nnp) handOverNotifyFd(loadSeccomp(seccomp), go["seccompStartState"].asString());
    execProcess(process, exe, (int)plan["preserveFds"].asInt());
  }

  // exec: join an existing container; the mount namespace join already set root and cwd.
  if (!console.isNull()) {
    connectConsoleSocket(console);
    setupConsole(console, false);
    giveConsoleTo(process);
  }
  std::string exe = applyProcess(plan, go);
  const Json &seccomp = plan["seccomp"];
  bool nnp = process["noNewPrivileges"].asBool();
  if (!seccomp.isNull() && nnp) handOverNotifyFd(loadSeccomp(seccomp), go["seccompState"].asString());
  prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
  // Success is the channel closing on exec (it is close-on-exec).
  execProcess(process, exe, (int)plan["preserveFds"].asInt());
}

}  // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    static const char usage[] = "runtime-init: started by the runtime, not by hand\n";
    if (write(2, usage, sizeof usage - 1) < 0) return 2;
    return 2;
  }
  int sync = atoi(argv[1]);
  fcntl(sync, F_SETFD, FD_CLOEXEC);
  channelInit(sync);
  // Nothing of ours must be reachable through /proc/PID/exe from the container (CVE-2019-5736).
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  umask(0);
  Json plan = receiveMessage();
  beforeNamespaces(plan);
  if (plan.has("fifo")) {
    // The fifo's host path is gone after pivot_root; keep a handle to reopen it later.
    gFifo = open(plan["fifo"].asString().c_str(), O_PATH | O_CLOEXEC);
    if (gFifo < 0) fail("open exec fifo", "", errno, plan["fifo"].asString());
  }
  // Host paths, reached while we still see the host: the console socket, bind sources.
  if (!plan["console"].isNull()) connectConsoleSocket(plan["console"]);
  if (plan["mode"].asString() == "init") prepareDetachedMounts(plan["mounts"]);
  // Inherited by the container's process. Written here, with the runtime's rights: lowering it
  // needs CAP_SYS_RESOURCE of the host, and inside a user namespace our own /proc files are
  // not ours to write.
  writeOomScoreAdj(plan["process"]["oomScoreAdj"]);
  CgroupSelfJoin cgroups = openCgroupSelfJoin(plan["cgroupJoin"]);
  gCgroupNs = joinNamespaces(plan["join"], cgroups.usable && cgroups.cloneInto >= 0);
  if (plan["newTimeNamespace"].asBool()) prepareTimeNamespace(plan["timeOffsets"].asString());
  bool dumpable = plan["dumpableForIdMaps"].asBool();
  if (dumpable) prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
  // Last, so the helper spends as little of its life in the container's cgroups as it can.
  bool joined = cgroups.usable && joinCgroupTasks(cgroups);
  bool inCgroup = false;
  pid_t pid = cloneChild((unsigned long)plan["cloneFlags"].asInt(), joined ? cgroups.cloneInto : -1, &inCgroup);
  if (pid == 0) containerSide(plan);
  if (dumpable) prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  // "joined": the child was born in every cgroup of the container; else the runtime moves it.
  joined = joined && (cgroups.cloneInto < 0 || inCgroup);
  sendMessage("{\"type\":\"pid\",\"pid\":" + std::to_string(pid) + (joined ? ",\"cgroups\":\"joined\"" : "") + "}");
  return 0;
}
