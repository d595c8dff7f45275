#include "rootfs.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <string>

#include "channel.h"
#include "idmap.h"
#include "mountattr.h"
#include "paths.h"

namespace {

const unsigned long kPropagation = MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE;

int gRootfd = -1;  // the rootfs (before pivot) or "/" (after), for in-root lookups

int rootfd(const Json &rootfs) {
  if (gRootfd < 0) {
    gRootfd = open(rootfs["path"].asString().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (gRootfd < 0) fail("open rootfs", "root.path", errno, rootfs["path"].asString());
  }
  return gRootfd;
}

// The mount point that contains `path`, from mountinfo: the longest matching prefix.
std::string mountPointOf(const std::string &path) {
  FILE *f = fopen("/proc/self/mountinfo", "re");
  std::string best = "/";
  if (!f) return best;
  char line[4096];
  while (fgets(line, sizeof line, f)) {
    char mp[4096];
    if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1) continue;
    std::string m = mp;
    if (path.compare(0, m.size(), m) == 0 && (path.size() == m.size() || path[m.size()] == '/' || m == "/") &&
        m.size() > best.size())
      best = m;
  }
  fclose(f);
  return best;
}

void remountBind(const std::string &target, unsigned long flags, const std::string &field, const std::string &dest) {
  unsigned long f = MS_BIND | MS_REMOUNT | flags;
  if (mount(nullptr, target.c_str(), nullptr, f, nullptr) == 0) return;
  // Inside a user namespace the kernel refuses to drop flags the original mount had.
  if (errno == EPERM && mount(nullptr, target.c_str(), nullptr, f | lockedFlags(target.c_str()), nullptr) == 0) return;
  fail("remount " + dest, field, errno, dest);
}

bool isProcfs(int fd) {
  struct statfs sf;
  return fstatfs(fd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
}

}  // namespace

unsigned long lockedFlags(const char *path) {
  struct statvfs sv;
  if (statvfs(path, &sv) != 0) return 0;
  unsigned long out = 0;
  if (sv.f_flag & ST_NOSUID) out |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV) out |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC) out |= MS_NOEXEC;
  if (sv.f_flag & ST_RDONLY) out |= MS_RDONLY;
  if (sv.f_flag & ST_NOATIME) out |= MS_NOATIME;
  if (sv.f_flag & ST_NODIRATIME) out |= MS_NODIRATIME;
  if (sv.f_flag & ST_RELATIME) out |= MS_RELATIME;
  return out;
}

void prepareRootfs(const Json &rootfs) {
  const std::string path = rootfs["path"].asString();
  unsigned long prop = (unsigned long)rootfs["propagation"].asInt(MS_SLAVE | MS_REC);
  if (mount(nullptr, "/", nullptr, prop, nullptr) != 0) fail("set propagation of /", "linux.rootfsPropagation", errno);
  // pivot_root refuses a new root whose parent mount is shared, and a non-recursive
  // rootfsPropagation leaves a shared host mount holding the rootfs shared: make it private
  // for "shared", else a slave (host mount events still reach "slave" roots).
  std::string parent = mountPointOf(path);
  if (mount(nullptr, parent.c_str(), nullptr, (prop & MS_SHARED) ? MS_PRIVATE : MS_SLAVE, nullptr) != 0)
    fail("make rootfs parent unshared", "linux.rootfsPropagation", errno, parent);
  if (mount(path.c_str(), path.c_str(), "bind", MS_BIND | MS_REC, nullptr) != 0) fail("bind rootfs", "root.path", errno, path);
}

void mountAll(const Json &rootfs, const Json &mounts) {
  int root = rootfd(rootfs);
  // The bind of the rootfs onto itself is a new mount: look it up afresh.
  close(root);
  gRootfd = -1;
  root = rootfd(rootfs);
  for (size_t i = 0; i < mounts.size(); i++) {
    const Json &m = mounts[i];
    const std::string field = m["field"].asString();
    const std::string dest = m["destination"].asString();
    const std::string source = m["source"].asString();
    const std::string type = m["type"].asString();
    unsigned long flags = (unsigned long)m["flags"].asInt();
    if (m["remount"].asBool()) {
      int top = openInRoot(root, dest, O_PATH);
      if (top < 0) fail("open mount point", field + ".destination", errno, dest);
      remountBind(fdPath(top), flags & ~(MS_BIND | MS_REC | MS_REMOUNT), field, dest);
      close(top);
      continue;
    }
    bool bind = m["bind"].asBool();
    bool asFile = false;
    // A tree the helper cloned before entering the namespaces. An id-mapped one is always
    // used; a plain clone only when the container's root cannot reach the source itself,
    // because a bind made here inherits the flag locks (ro, nodev...) of the host's mount
    // and a clone made outside does not.
    int tree = bind ? detachedTree(i) : -1;
    bool useTree = tree >= 0 && m.has("idmap");
    if (bind) {
      struct stat st;
      int rc = useTree ? fstat(tree, &st) : stat(source.c_str(), &st);
      if (rc != 0 && (errno == EACCES || errno == EPERM) && tree >= 0) {
        useTree = true;
        rc = fstat(tree, &st);
      }
      if (rc != 0) fail("stat mount source", field + ".source", errno, source);
      asFile = !S_ISDIR(st.st_mode);
    }
    int fd = ensureInRoot(root, dest, asFile);
    if (fd < 0) fail("create mount point", field + ".destination", errno, dest);
    // The plan allows only a few destinations under /proc by name; one that reaches procfs
    // through a symlink in the rootfs is refused, and so is a bind over /proc that is not procfs.
    if (isProcfs(fd) && dest != "/proc" && dest.compare(0, 6, "/proc/") != 0)
      fail("mount on " + dest, field + ".destination", EPERM, "it resolves to a path inside /proc");
    if (bind && dest == "/proc" && tree < 0) {
      struct statfs sf;
      if (statfs(source.c_str(), &sf) != 0 || sf.f_type != PROC_SUPER_MAGIC)
        fail("bind mount " + source + " on /proc", field + ".source", EPERM, "only a procfs may be bound over /proc");
    }
    std::string target = fdPath(fd);
    if (useTree) {
      attachDetached(i, fd, field, dest);
    } else if (bind) {
      if (mount(source.c_str(), target.c_str(), nullptr, MS_BIND | (flags & MS_REC), nullptr) != 0) {
        if ((errno != EACCES && errno != EPERM) || tree < 0) fail("bind mount " + source + " on " + dest, field, errno);
        attachDetached(i, fd, field, dest);
      } else if (tree >= 0) {
        discardDetached(i);
      }
    } else {
      const std::string data = m["data"].asString();
      if (mount(source.c_str(), target.c_str(), type.c_str(), flags & ~(kPropagation | MS_REC),
                data.empty() ? nullptr : data.c_str()) != 0) {
        // sysfs in a user namespace needs a network namespace of its own; without one the
        // plan says to bind the host's instead, as runc does.
        const std::string fallback = m["fallbackBind"].asString();
        if (errno != EPERM || fallback.empty()) fail("mount " + type + " on " + dest, field, errno, data);
        if (mount(fallback.c_str(), target.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0)
          fail("bind mount " + fallback + " on " + dest + " (" + type + " is not allowed here)", field, errno);
        bind = true;
      }
    }
    close(fd);
    // Later steps act on the new mount, not on the directory beneath it.
    unsigned long remount = flags & ~(MS_BIND | MS_REC | kPropagation | MS_REMOUNT);
    if (bind && remount) {
      int top = openInRoot(root, dest, O_PATH);
      if (top < 0) fail("reopen mount point", field + ".destination", errno, dest);
      remountBind(fdPath(top), remount, field, dest);
      close(top);
    }
    const Json &props = m["propagation"];
    for (size_t k = 0; k < props.size(); k++) {
      int top = openInRoot(root, dest, O_PATH);
      if (top < 0 || mount(nullptr, fdPath(top).c_str(), nullptr, (unsigned long)props[k].asInt(), nullptr) != 0)
        fail("set propagation of " + dest, field + ".options", errno);
      close(top);
    }
    if (m.has("recursiveAttrs")) {
      int top = openInRoot(root, dest, O_PATH);
      if (top < 0) fail("reopen mount point", field + ".destination", errno, dest);
      applyRecursiveAttrs(top, m, dest);
      close(top);
    }
  }
}

void createDevices(const Json &rootfs, const Json &devices, const Json &symlinks) {
  int root = rootfd(rootfs);
  for (size_t i = 0; i < devices.size(); i++) {
    const Json &d = devices[i];
    const std::string path = d["path"].asString();
    const std::string field = d["field"].asString();
    std::string parent, base;
    splitPath(path, parent, base);
    int dir = ensureInRoot(root, parent, false);
    if (dir < 0) fail("create device directory", field, errno, parent);
    mode_t mode = (mode_t)d["mode"].asInt();
    dev_t dev = makedev((unsigned)d["major"].asInt(), (unsigned)d["minor"].asInt());
    // A real directory fd is needed for mknodat; O_PATH fds are not accepted there.
    int realDir = openat(dir, ".", O_DIRECTORY | O_CLOEXEC);
    close(dir);
    if (realDir < 0) fail("open device directory", field, errno, parent);
    // config-linux.md#devices: a file already at path must be the requested device; anything
    // else is an error (never deleted: the rootfs belongs to the caller). A match is kept.
    struct stat existing;
    if (fstatat(realDir, base.c_str(), &existing, AT_SYMLINK_NOFOLLOW) == 0) {
      bool same = (existing.st_mode & S_IFMT) == (mode & S_IFMT) && ((mode & S_IFMT) == S_IFIFO || existing.st_rdev == dev);
      if (!same) fail("a different file exists at the device path", field, EEXIST, path);
      close(realDir);
      continue;
    }
    if (mknodat(realDir, base.c_str(), mode, dev) == 0) {
      if (fchownat(realDir, base.c_str(), (uid_t)d["uid"].asInt(), (gid_t)d["gid"].asInt(), AT_SYMLINK_NOFOLLOW) != 0)
        fail("chown device", field, errno, path);
      if (fchmodat(realDir, base.c_str(), mode & 07777, 0) != 0) fail("chmod device", field, errno, path);
    } else if (errno == EPERM && d["hostPath"].kind == Json::String) {
      // Without CAP_MKNOD (user namespaces) the host's node is bound in instead, as runc does.
      int f = openat(realDir, base.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (f < 0) fail("create device bind target", field, errno, path);
      close(f);
      int target = openInRoot(root, path, O_PATH);
      if (target < 0 || mount(d["hostPath"].asString().c_str(), fdPath(target).c_str(), nullptr, MS_BIND, nullptr) != 0)
        fail("bind device", field, errno, path);
      close(target);
    } else {
      fail("mknod", field, errno, path);
    }
    close(realDir);
  }
  for (size_t i = 0; i < symlinks.size(); i++) {
    std::string parent, base;
    const std::string path = symlinks[i]["path"].asString();
    splitPath(path, parent, base);
    int dir = ensureInRoot(root, parent, false);
    int realDir = dir < 0 ? -1 : openat(dir, ".", O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) close(dir);
    if (realDir < 0 || (symlinkat(symlinks[i]["target"].asString().c_str(), realDir, base.c_str()) != 0 && errno != EEXIST))
      fail("symlink " + path, "linux.devices", errno);
    close(realDir);
  }
}

void enterRootfs(const Json &rootfs) {
  const std::string path = rootfs["path"].asString();
  if (chdir(path.c_str()) != 0) fail("chdir to rootfs", "root.path", errno, path);
  if (rootfs["noPivot"].asBool()) {
    if (mount(path.c_str(), "/", nullptr, MS_MOVE, nullptr) != 0) fail("move rootfs to /", "root.path", errno);
    if (chroot(".") != 0) fail("chroot", "root.path", errno);
  } else {
    int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    int newroot = open(path.c_str(), O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (oldroot < 0 || newroot < 0) fail("open roots for pivot", "root.path", errno);
    if (fchdir(newroot) != 0) fail("chdir to rootfs", "root.path", errno);
    // pivot_root(".", ".") stacks the old root on the new one, so no put_old dir is needed.
    if (syscall(SYS_pivot_root, ".", ".") != 0) fail("pivot_root", "root.path", errno, path);
    if (fchdir(oldroot) != 0) fail("chdir to old root", "root.path", errno);
    // Keep the detach below from propagating to the host's mounts.
    if (mount(nullptr, ".", nullptr, MS_SLAVE | MS_REC, nullptr) != 0) fail("make old root rslave", "root.path", errno);
    if (umount2(".", MNT_DETACH) != 0) fail("detach old root", "root.path", errno);
    close(oldroot);
    close(newroot);
  }
  if (chdir("/") != 0) fail("chdir /", "root.path", errno);
  if (gRootfd >= 0) close(gRootfd);
  gRootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfs["propagationAfterPivot"].asBool() &&
      mount(nullptr, "/", nullptr, (unsigned long)rootfs["propagation"].asInt(), nullptr) != 0)
    fail("set propagation of new root", "linux.rootfsPropagation", errno);
}

void createCwd(const std::string &cwd) {
  int fd = ensureInRoot(gRootfd, cwd, false, 0755);
  if (fd < 0) fail("create cwd", "process.cwd", errno, cwd);
  close(fd);
}

void finishRootfs(const Json &plan) {
  int root = gRootfd;
  // Sysctls first: the default readonlyPaths make /proc/sys read-only (runc's order too).
  const Json &sysctl = plan["sysctl"];
  for (size_t i = 0; i < sysctl.size(); i++) {
    const std::string key = sysctl[i]["key"].asString();
    const std::string field = "linux.sysctl." + key;
    std::string rel = key;
    for (char &c : rel)
      if (c == '.') c = '/';
    // Only ever write through a file that really is on procfs (CVE-2025-52881).
    int fd = openInRoot(root, "/proc/sys/" + rel, O_WRONLY);
    if (fd < 0) fail("open sysctl", field, errno, "/proc/sys/" + rel);
    if (!isProcfs(fd)) fail("write sysctl", field, EXDEV, "not on procfs");
    const std::string value = sysctl[i]["value"].asString();
    if (write(fd, value.data(), value.size()) < 0) fail("write sysctl", field, errno, value);
    close(fd);
  }
  const Json &masked = plan["maskedPaths"];
  for (size_t i = 0; i < masked.size(); i++) {
    const std::string p = masked[i].asString();
    const std::string field = "linux.maskedPaths[" + std::to_string(i) + "]";
    int fd = openInRoot(root, p, O_PATH);
    if (fd < 0) {
      if (errno == ENOENT) continue;
      fail("open masked path", field, errno, p);
    }
    struct stat st;
    fstat(fd, &st);
    if (S_ISDIR(st.st_mode)) {
      if (mount("tmpfs", fdPath(fd).c_str(), "tmpfs", MS_RDONLY, nullptr) != 0) fail("mask " + p, field, errno);
    } else {
      // /dev/null may be planted by the image (CVE-2025-31133): use it only if it really is 1:3.
      int null = openInRoot(root, "/dev/null", O_PATH);
      struct stat ns;
      if (null < 0 || fstat(null, &ns) != 0 || !S_ISCHR(ns.st_mode) || ns.st_rdev != makedev(1, 3))
        fail("mask " + p, field, null < 0 ? errno : EINVAL, "/dev/null in the container is not the null device");
      if (mount(fdPath(null).c_str(), fdPath(fd).c_str(), nullptr, MS_BIND, nullptr) != 0) fail("mask " + p, field, errno);
      close(null);
    }
    close(fd);
  }
  const Json &ro = plan["readonlyPaths"];
  for (size_t i = 0; i < ro.size(); i++) {
    const std::string p = ro[i].asString();
    const std::string field = "linux.readonlyPaths[" + std::to_string(i) + "]";
    int fd = openInRoot(root, p, O_PATH);
    if (fd < 0) {
      if (errno == ENOENT) continue;
      fail("open readonly path", field, errno, p);
    }
    if (mount(fdPath(fd).c_str(), fdPath(fd).c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0)
      fail("bind readonly path " + p, field, errno);
    close(fd);
    int top = openInRoot(root, p, O_PATH);
    if (top < 0) fail("reopen readonly path", field, errno, p);
    // Read-only and nothing more: the path keeps the flags it had, as in runc (a forced
    // noexec would stop the binaries of a read-only /usr).
    const std::string at = fdPath(top);
    remountBind(at, MS_RDONLY | lockedFlags(at.c_str()), field, p);
    // A remount changes one mount; the mounts beneath the path turn read-only too (5.12+).
    MountAttr ro;
    ro.attrSet = 0x1;  // MOUNT_ATTR_RDONLY
    if (mountSetattr(top, "", AT_EMPTY_PATH | 0x8000 /* AT_RECURSIVE */, ro) != 0 && errno != ENOSYS)
      fail("make readonly path read-only beneath", field, errno, p);
    close(top);
  }
  if (plan["rootfs"]["readonly"].asBool()) remountBind("/", MS_RDONLY, "root.readonly", "/");
}
