// `exec`: a second process in a running container, with runc's flags and containerd's
// process JSON. Observed from inside (what the process sees) and from the host (its pid's
// namespaces and cgroups).
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { readLsmHost } from '../../src/plan/lsm';
import { CLI, cleanup, integrationSkip, makeBundle, makeRoot, runtime, uniqueId, type Bundle, waitFor } from '../helpers/runtime';

const skip = integrationSkip();

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}


function capBits(status: string, field: string): bigint {
  const m = new RegExp(`^${field}:\\s*([0-9a-f]+)$`, 'm').exec(status);
  assert.ok(m, `${field} in /proc/self/status`);
  return BigInt('0x' + m[1]);
}

const NS = ['ipc', 'mnt', 'net', 'pid', 'uts', 'cgroup', 'user'];

/**
 * Runs the CLI with stdout and stderr in files: a detached container or process keeps the
 * fds it was given, so spawnSync on pipes would wait for it to exit.
 */
function detached(root: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const dir = fs.mkdtempSync(path.join(root, '..', 'runtime-test-out-'));
  const out = fs.openSync(path.join(dir, 'out'), 'w+');
  const err = fs.openSync(path.join(dir, 'err'), 'w+');
  try {
    const r = spawnSync(process.execPath, [CLI, '--root', root, ...args], { stdio: ['ignore', out, err], timeout: 30000 });
    return { status: r.status, stdout: fs.readFileSync(path.join(dir, 'out'), 'utf8'), stderr: fs.readFileSync(path.join(dir, 'err'), 'utf8') };
  } finally {
    fs.closeSync(out);
    fs.closeSync(err);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('exec', { skip }, () => {
  let root: string;
  const bundles: Bundle[] = [];
  let id: string;
  let initPid: number;

  const start = (args: string[], edit?: Parameters<typeof makeBundle>[1], userns = false): { id: string; pid: number; bundle: Bundle } => {
    const b = makeBundle(args, edit);
    bundles.push(b);
    // A container root mapped to another host uid must be able to reach its rootfs.
    if (userns) fs.chmodSync(b.dir, 0o755);
    const cid = uniqueId('exec');
    const r = detached(root, ['run', '-d', '-b', b.dir, cid]);
    assert.equal(r.status, 0, r.stderr);
    const pid = JSON.parse(runtime(root, ['state', cid]).stdout).pid as number;
    return { id: cid, pid, bundle: b };
  };

  before(() => {
    root = makeRoot();
    const c = start(['sleep', '1000'], (spec) => {
      spec.process!.env = [...(spec.process!.env ?? []), 'FROM_CONFIG=yes'];
      spec.process!.cwd = '/root';
      spec.process!.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 777, hard: 888 }];
      spec.process!.noNewPrivileges = false;
    });
    id = c.id;
    initPid = c.pid;
  });
  after(() => cleanup(root, bundles));

  it('joins every namespace of the container', () => {
    const r = runtime(root, ['exec', id, 'sh', '-c', `for n in ${NS.join(' ')}; do readlink /proc/self/ns/$n; done`]);
    assert.equal(r.status, 0, r.stderr);
    const inside = r.stdout.trim().split('\n');
    const expected = NS.map((n) => fs.readlinkSync(`/proc/${initPid}/ns/${n}`));
    assert.deepEqual(inside, expected);
    // ...and those are the container's own, not the host's.
    for (const n of ['ipc', 'mnt', 'net', 'pid', 'uts']) assert.notEqual(fs.readlinkSync(`/proc/${initPid}/ns/${n}`), fs.readlinkSync(`/proc/self/ns/${n}`), n);
  });

  it('sees the container\'s root filesystem and pid namespace', () => {
    const r = runtime(root, ['exec', id, 'sh', '-c', 'cat /proc/1/cmdline | tr "\\0" " "; echo; ls /bin/oci-checker /bin/busybox']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^sleep 1000 \n/);
    assert.match(r.stdout, /\/bin\/busybox/);
  });

  it('joins the container\'s cgroup', () => {
    const pidFile = path.join(bundles[0].dir, 'exec-cg.pid');
    const r = detached(root, ['exec', '-d', '--pid-file', pidFile, id, 'sleep', '30']);
    assert.equal(r.status, 0, r.stderr);
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    try {
      assert.equal(fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8'), fs.readFileSync(`/proc/${initPid}/cgroup`, 'utf8'));
      assert.match(fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8'), new RegExp(`memory:.*${id}`));
    } finally {
      process.kill(pid, 'SIGKILL');
    }
  });

  it('returns the command\'s exit code, 128+N when killed by signal N', () => {
    assert.equal(runtime(root, ['exec', id, 'sh', '-c', 'exit 3']).status, 3);
    assert.equal(runtime(root, ['exec', id, 'true']).status, 0);
    assert.equal(runtime(root, ['exec', id, 'false']).status, 1);
    assert.equal(runtime(root, ['exec', id, 'sh', '-c', 'kill -9 $$']).status, 137);
    assert.equal(runtime(root, ['exec', id, 'sh', '-c', 'kill -TERM $$']).status, 143);
  });

  it('passes its own stdio to the process', () => {
    const r = runtime(root, ['exec', id, 'sh', '-c', 'read line; echo "got $line"; echo oops >&2'], { input: 'hello\n' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'got hello\n');
    assert.match(r.stderr, /oops/);
  });

  it('names the missing program', () => {
    const r = runtime(root, ['exec', id, 'no-such-program']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /process\.args\[0\].*no-such-program/);
  });

  it('takes env, cwd, rlimits and user from config.json\'s process', () => {
    const r = runtime(root, ['exec', id, 'sh', '-c', 'echo $FROM_CONFIG; pwd; ulimit -n; ulimit -Hn; id -u']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), ['yes', '/root', '777', '888', '0']);
  });

  it('applies -u, -g, -e and --cwd', () => {
    const r = runtime(root, ['exec', '-u', '1000:1001', '-g', '5', '-g', '7', '-e', 'FOO=bar', '-e', 'FROM_CONFIG=overridden', '--cwd', '/tmp', id, 'sh', '-c', 'id -u; id -g; id -G; echo $FOO $FROM_CONFIG; pwd']);
    assert.equal(r.status, 0, r.stderr);
    const [uid, gid, groups, env, cwd] = r.stdout.trim().split('\n');
    assert.equal(uid, '1000');
    assert.equal(gid, '1001');
    assert.deepEqual(groups.split(' ').sort(), ['1001', '5', '7']);
    assert.equal(env, 'bar overridden');
    assert.equal(cwd, '/tmp');
  });

  it('keeps the container\'s capabilities and adds --cap ones', () => {
    const base = runtime(root, ['exec', id, 'cat', '/proc/self/status']);
    assert.equal(base.status, 0, base.stderr);
    const initStatus = fs.readFileSync(`/proc/${initPid}/status`, 'utf8');
    for (const f of ['CapEff', 'CapPrm', 'CapBnd']) assert.equal(capBits(base.stdout, f), capBits(initStatus, f), f);
    const CAP_SYS_ADMIN = 21n;
    assert.equal(capBits(base.stdout, 'CapEff') & (1n << CAP_SYS_ADMIN), 0n, 'the default config has no CAP_SYS_ADMIN');
    const more = runtime(root, ['exec', '--cap', 'CAP_SYS_ADMIN', id, 'cat', '/proc/self/status']);
    assert.equal(more.status, 0, more.stderr);
    for (const f of ['CapEff', 'CapPrm', 'CapBnd']) assert.notEqual(capBits(more.stdout, f) & (1n << CAP_SYS_ADMIN), 0n, f);
    const bad = runtime(root, ['exec', '--cap', 'CAP_NOPE', id, 'true']);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /--cap: unknown capability CAP_NOPE/);
  });

  it('sets no_new_privs with --no-new-privs', () => {
    const off = runtime(root, ['exec', id, 'grep', 'NoNewPrivs', '/proc/self/status']);
    assert.match(off.stdout, /NoNewPrivs:\s+0/);
    const on = runtime(root, ['exec', '--no-new-privs', id, 'grep', 'NoNewPrivs', '/proc/self/status']);
    assert.match(on.stdout, /NoNewPrivs:\s+1/);
  });

  it('refuses an AppArmor profile or SELinux label the host cannot apply, as create does', () => {
    const lsm = readLsmHost();
    if (!lsm.apparmor) {
      const r = runtime(root, ['exec', '--apparmor', 'some-profile', id, 'true']);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /exec: process\.apparmorProfile: AppArmor is not enabled on this host/);
    }
    if (!lsm.selinux) {
      const r = runtime(root, ['exec', '--process-label', 'system_u:system_r:container_t:s0', id, 'true']);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /exec: process\.selinuxLabel: SELinux is disabled/);
    }
  });

  it('runs a process JSON given with --process, filling the rest from the container', () => {
    const file = path.join(bundles[0].dir, 'process.json');
    fs.writeFileSync(file, JSON.stringify({
      terminal: false,
      user: { uid: 2000, gid: 2000, additionalGids: [3000] },
      args: ['sh', '-c', 'id -u; id -G; echo $ONLY_HERE; pwd; ulimit -n; grep NoNewPrivs /proc/self/status'],
      env: ['PATH=/bin:/usr/bin', 'ONLY_HERE=1'],
      cwd: '/etc',
    }));
    const r = runtime(root, ['exec', '--process', file, id]);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], '2000');
    assert.deepEqual(lines[1].split(' ').sort(), ['2000', '3000']);
    assert.deepEqual(lines.slice(2, 5), ['1', '/etc', '777']);
    const bad = path.join(bundles[0].dir, 'bad-process.json');
    fs.writeFileSync(bad, JSON.stringify({ user: { uid: 0, gid: 0 }, args: [], cwd: '/' }));
    const rb = runtime(root, ['exec', '--process', bad, id]);
    assert.notEqual(rb.status, 0);
    assert.match(rb.stderr, /args: must not be empty/);
  });

  it('detaches with -d and writes the pid file', () => {
    const pidFile = path.join(bundles[0].dir, 'exec-d.pid');
    const t0 = Date.now();
    const r = detached(root, ['exec', '-d', '--pid-file', pidFile, id, 'sleep', '20']);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(Date.now() - t0 < 10000);
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    try {
      assert.equal(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'), 'sleep\x0020\x00');
      assert.equal(fs.readlinkSync(`/proc/${pid}/ns/pid`), fs.readlinkSync(`/proc/${initPid}/ns/pid`));
    } finally {
      process.kill(pid, 'SIGKILL');
    }
  });

  it('forwards signals to the process and returns 128+N', async () => {
    const pidFile = path.join(bundles[0].dir, 'exec-sig.pid');
    fs.rmSync(pidFile, { force: true });
    const child = spawn(process.execPath, [CLI, '--root', root, 'exec', '--pid-file', pidFile, id, 'sleep', '30'], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 10000;
    while (!fs.existsSync(pidFile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(fs.existsSync(pidFile), 'exec wrote its pid file');
    child.kill('SIGTERM');
    assert.equal(await exited, 143);
  });

  it('passes --preserve-fds', () => {
    const file = path.join(bundles[0].dir, 'preserved.txt');
    fs.writeFileSync(file, 'preserved-content\n');
    const fd = fs.openSync(file, 'r');
    try {
      const r = spawnSync(process.execPath, [CLI, '--root', root, 'exec', '--preserve-fds', '1', id, 'sh', '-c', 'cat <&3; ls /proc/self/fd | sort -n | tr "\\n" " "'], {
        stdio: ['ignore', 'pipe', 'pipe', fd],
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^preserved-content\n0 1 2 3 /);
      // Without the flag, nothing beyond stdio (the shell's own fd for `ls` aside).
      const plain = spawnSync(process.execPath, [CLI, '--root', root, 'exec', id, 'sh', '-c', 'cat <&3'], { stdio: ['ignore', 'pipe', 'pipe', fd], encoding: 'utf8' });
      assert.notEqual(plain.status, 0);
    } finally {
      fs.closeSync(fd);
    }
  });

  it('runs in a sub-cgroup with --cgroup', () => {
    const saved = JSON.parse(fs.readFileSync(path.join(root, id, 'state.json'), 'utf8')).cgroups;
    const memory = saved?.hierarchies?.find((h: { name: string }) => h.name === 'memory');
    if (!memory) return; // no v1 memory hierarchy on this host
    const sub = path.join(memory.dir, 'sub');
    fs.mkdirSync(sub);
    try {
      const r = runtime(root, ['exec', '--cgroup', 'memory:sub', id, 'cat', '/proc/self/cgroup']);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /memory:\/sub$/m);
      const bad = runtime(root, ['exec', '--cgroup', 'memory:../escape', id, 'true']);
      assert.notEqual(bad.status, 0);
      assert.match(bad.stderr, /--cgroup/);
    } finally {
      waitFor(() => {
        try {
          fs.rmdirSync(sub);
          return true;
        } catch {
          return false;
        }
      });
    }
  });

  it('applies the container\'s seccomp filter', () => {
    const c = start(['sleep', '1000'], (spec) => {
      spec.linux!.seccomp = {
        defaultAction: 'SCMP_ACT_ALLOW',
        architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32', 'SCMP_ARCH_AARCH64'],
        syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }],
      };
    });
    // The default config sets noNewPrivileges, and exec inherits it.
    assert.match(runtime(root, ['exec', c.id, 'grep', 'NoNewPrivs', '/proc/self/status']).stdout, /NoNewPrivs:\s+1/);
    const r = runtime(root, ['exec', c.id, 'mkdir', '/tmp/denied']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /Operation not permitted/);
    assert.equal(runtime(root, ['exec', c.id, 'touch', '/tmp/allowed']).status, 0);
    assert.equal(runtime(root, ['delete', '-f', c.id]).status, 0);
  });

  it('enters a container with its own user namespace', () => {
    const c = start(['sleep', '1000'], (spec) => {
      spec.linux!.namespaces!.push({ type: 'user' });
      spec.linux!.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
      spec.linux!.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
    }, true);
    const r = runtime(root, ['exec', c.id, 'sh', '-c', 'readlink /proc/self/ns/user; id -u; cat /proc/self/uid_map']);
    assert.equal(r.status, 0, r.stderr);
    const [ns, uid, map] = r.stdout.trim().split('\n');
    assert.equal(ns, fs.readlinkSync(`/proc/${c.pid}/ns/user`));
    assert.notEqual(ns, fs.readlinkSync('/proc/self/ns/user'));
    assert.equal(uid, '0');
    assert.match(map, /^\s*0\s+100000\s+65536$/);
    const pidFile = path.join(c.bundle.dir, 'u.pid');
    assert.equal(detached(root, ['exec', '-d', '--pid-file', pidFile, '-u', '1000', c.id, 'sleep', '20']).status, 0);
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    try {
      // Seen from the host, container uid 1000 is 101000.
      assert.match(fs.readFileSync(`/proc/${pid}/status`, 'utf8'), /^Uid:\s+101000\s/m);
    } finally {
      process.kill(pid, 'SIGKILL');
    }
    assert.equal(runtime(root, ['delete', '-f', c.id]).status, 0);
  });

  it('refuses a paused container unless --ignore-paused', async () => {
    const c = start(['sleep', '1000']);
    const saved = JSON.parse(fs.readFileSync(path.join(root, c.id, 'state.json'), 'utf8')).cgroups;
    const freezer = saved?.hierarchies?.find((h: { name: string }) => h.name === 'freezer')?.dir;
    if (!freezer) return; // the freezer is a v1 hierarchy; pause on v2 belongs to the cgroup tests
    fs.writeFileSync(path.join(freezer, 'freezer.state'), 'FROZEN');
    try {
      assert.ok(waitFor(() => JSON.parse(runtime(root, ['state', c.id]).stdout).status === 'paused'));
      const r = runtime(root, ['exec', c.id, 'true']);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /paused.*--ignore-paused/);
      // With --ignore-paused the process joins the frozen cgroup and runs once thawed.
      const child = spawn(process.execPath, [CLI, '--root', root, 'exec', '--ignore-paused', c.id, 'sh', '-c', 'exit 5'], { stdio: 'ignore' });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await new Promise((r) => setTimeout(r, 500));
      fs.writeFileSync(path.join(freezer, 'freezer.state'), 'THAWED');
      assert.equal(await exited, 5);
    } finally {
      fs.writeFileSync(path.join(freezer, 'freezer.state'), 'THAWED');
      runtime(root, ['delete', '-f', c.id]);
    }
  });

  it('refuses a stopped container and an unknown one with runc\'s phrases', () => {
    const c = start(['true']);
    assert.ok(waitFor(() => JSON.parse(runtime(root, ['state', c.id]).stdout).status === 'stopped'));
    const r = runtime(root, ['exec', c.id, 'true']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /container not running/);
    const u = runtime(root, ['exec', 'no-such-container', 'true']);
    assert.notEqual(u.status, 0);
    assert.match(u.stderr, /container no-such-container does not exist/);
    runtime(root, ['delete', c.id]);
  });
});
