// OCI hooks in real containers (config.md#posix-platform-hooks, runtime.md#lifecycle): every kind
// runs a shell script that records what it saw (stdin, environment, argv, namespaces) and
// appends its name to an order file; the tests then check timing, state, namespaces, path
// resolution, timeouts, and each failure rule, including that a failed create leaves nothing.
//
// Host-side hooks are /bin/sh (dash) scripts in the bundle dir; the startContainer hook is a
// busybox script inside the rootfs. All of them write under ROOTFS/hookout, which the
// container sees as /hookout, so one order file covers both sides.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { Hook, Spec } from '../../src/spec/types';
import { validateState } from '../../src/spec/validate';
import { cleanup, CLI, integrationSkip, makeBundle, makeRoot, uniqueId, type Bundle, type RunResult, waitFor } from '../helpers/runtime';

const skip = integrationSkip();
const NS = ['mnt', 'pid', 'net', 'uts', 'ipc', 'cgroup', 'user'];
const PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
// Set in the runtime's own environment: a hook must never see it (hooks get exactly their env).
const MARKER = 'RUNTIME_HOOKS_TEST_MARKER';

// What every recorder does. $1 is the label. The shell finds its own pid as /proc numbers it
// with the builtin `read` (no fork): $$ is its pid in its own pid namespace, which differs
// from /proc's numbering for a createContainer hook (the host's /proc, before pivot_root).
const RECORD_BODY = `
label="$1"; shift
d="$OUT/$label"
mkdir -p "$d"
echo "$label" >> "$OUT/order"
cat > "$d/stdin"
read -r self rest < /proc/self/stat
env > "$d/env"
tr '\\0' '\\n' < /proc/$self/cmdline > "$d/cmdline"
echo "$*" > "$d/args"
for n in ${NS.join(' ')}; do echo "$n $(readlink /proc/$self/ns/$n)"; done > "$d/ns"
readlink /proc/$self/exe > "$d/exe"
cat /proc/$self/mountinfo > "$d/mountinfo"
pwd -P > "$d/cwd"
`;

const HOST_RECORDER = `#!/bin/sh
OUT=@OUT@
${RECORD_BODY}
pid=$(sed -n 's/.*"pid":\\([0-9]*\\).*/\\1/p' "$d/stdin")
# A poststart hook may find a short-lived program already gone: its /proc files then fail
# (EINVAL, ENOENT), which is no output of the hook's own.
if [ -n "$pid" ] && [ "$pid" != 0 ] && [ -r "/proc/$pid/stat" ]; then
  tr '\\0' ' ' 2>/dev/null < "/proc/$pid/cmdline" > "$d/target-cmdline"
  cat "/proc/$pid/cgroup" > "$d/target-cgroup" 2>/dev/null
  cut -d' ' -f22 "/proc/$pid/stat" > "$d/target-start" 2>/dev/null
  cat "/proc/$pid/mountinfo" > "$d/target-mountinfo" 2>/dev/null
fi
[ -n "$HOOK_STDOUT" ] && echo "$HOOK_STDOUT"
[ -n "$HOOK_STDERR" ] && echo "$HOOK_STDERR" >&2
[ -n "$HOOK_BACKGROUND" ] && { sleep "$HOOK_BACKGROUND" & echo $! > "$d/bgpid"; }
[ -n "$HOOK_SLEEP" ] && { echo $$ > "$d/sleeper"; exec sleep "$HOOK_SLEEP"; }
exit "\${HOOK_EXIT:-0}"
`;

// Inside the container (busybox): /proc is the container's, so $PPID is the init as it sees it.
const CONTAINER_RECORDER = `#!/bin/sh
OUT=/hookout
${RECORD_BODY}
tr '\\0' ' ' < "/proc/$PPID/cmdline" > "$d/parent-cmdline"
id -u > "$d/uid"
[ -n "$HOOK_STDOUT" ] && echo "$HOOK_STDOUT"
[ -n "$HOOK_STDERR" ] && echo "$HOOK_STDERR" >&2
[ -n "$HOOK_SLEEP" ] && exec sleep "$HOOK_SLEEP"
exit "\${HOOK_EXIT:-0}"
`;

interface HookBundle extends Bundle {
  out: string;
  /** The host recorder: a path that exists only on the host, outside the rootfs. */
  rec: string;
}

/** A hook running the recorder with `label`; `env` adds HOOK_* settings to the hook's env. */
function host(b: HookBundle, label: string, env: string[] = [], extra: Partial<Hook> = {}): Hook {
  return { path: b.rec, args: [b.rec, label], env: [PATH, `HOOKVAR=${label}`, ...env], ...extra };
}

function inContainer(label: string, env: string[] = [], extra: Partial<Hook> = {}): Hook {
  return { path: '/hooks/rec.sh', args: ['/hooks/rec.sh', label], env: [PATH, `HOOKVAR=${label}`, ...env], ...extra };
}

const read = (p: string) => fs.readFileSync(p, 'utf8');
const lines = (p: string) => (fs.existsSync(p) ? read(p).split('\n').filter((l) => l !== '') : []);

function nsOf(pid: number | 'self'): Record<string, string> {
  return Object.fromEntries(NS.map((n) => [n, fs.readlinkSync(`/proc/${pid}/ns/${n}`)]));
}

function recordedNs(dir: string): Record<string, string> {
  return Object.fromEntries(lines(path.join(dir, 'ns')).map((l) => l.split(' ') as [string, string]));
}


function alive(pid: number, startTime?: string): boolean {
  try {
    const stat = read(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return false;
    return startTime === undefined || fields[19] === startTime.trim();
  } catch {
    return false;
  }
}

/** Every cgroup directory this container could have had: the default path in every hierarchy. */
function defaultCgroupDirs(id: string): string[] {
  return fs.readdirSync('/sys/fs/cgroup').map((h) => path.join('/sys/fs/cgroup', h, 'runtime', id));
}

/** The directories of a recorded /proc/PID/cgroup, on this host's hierarchy mounts. */
function recordedCgroupDirs(file: string): string[] {
  return lines(file).flatMap((l) => {
    const [, controllers, p] = l.split(':');
    if (p === '/') return [];
    const mount = controllers === '' ? 'unified' : controllers.startsWith('name=') ? controllers.slice(5) : controllers;
    return [path.join('/sys/fs/cgroup', mount, p)];
  });
}

describe('hooks', { skip }, () => {
  let root: string;
  const bundles: Bundle[] = [];
  const strays: number[] = [];
  const children: ChildProcess[] = [];
  const env = { ...process.env, [MARKER]: 'leaked' };
  let io: string;
  // The runtime's stdout/stderr go to files, not pipes: a created container inherits them, and
  // a pipe would keep spawnSync waiting for the container rather than for the command.
  const rt = (args: string[], timeout = 30000): RunResult => {
    const [o, e] = [path.join(io, 'out'), path.join(io, 'err')];
    const fds = [fs.openSync(o, 'w+'), fs.openSync(e, 'w+')];
    try {
      const r = spawnSync(process.execPath, [CLI, '--root', root, ...args], { env, timeout, stdio: ['ignore', fds[0], fds[1]] });
      return { status: r.status, signal: r.signal, stdout: read(o), stderr: read(e) };
    } finally {
      fds.forEach((fd) => fs.closeSync(fd));
    }
  };
  const state = (id: string) => JSON.parse(rt(['state', id]).stdout);

  before(() => {
    root = makeRoot();
    io = fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-test-hooks-io-'));
  });
  after(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const pid of strays) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    cleanup(root, bundles);
    fs.rmSync(io, { recursive: true, force: true });
  });

  function hookBundle(args: string[], hooks: (b: HookBundle) => Spec['hooks'], edit?: (s: Spec) => void): HookBundle {
    const b = makeBundle(args, edit) as HookBundle;
    bundles.push(b);
    b.out = path.join(b.rootfs, 'hookout');
    b.rec = path.join(b.dir, 'rec.sh');
    fs.mkdirSync(b.out);
    fs.writeFileSync(b.rec, HOST_RECORDER.replace('@OUT@', b.out), { mode: 0o755 });
    fs.mkdirSync(path.join(b.rootfs, 'hooks'));
    fs.writeFileSync(path.join(b.rootfs, 'hooks', 'rec.sh'), CONTAINER_RECORDER, { mode: 0o755 });
    b.spec.hooks = hooks(b);
    b.write();
    return b;
  }

  const stdinOf = (b: HookBundle, label: string) => JSON.parse(read(path.join(b.out, label, 'stdin')));
  const order = (b: HookBundle) => lines(path.join(b.out, 'order'));

  /** After a failure the runtime must have removed everything it made. */
  function assertNothingLeft(b: HookBundle, id: string, hostPid: number, startTime?: string): void {
    assert.ok(!fs.existsSync(path.join(root, id)), 'state dir removed');
    const st = rt(['state', id]);
    assert.notEqual(st.status, 0);
    assert.match(st.stderr, /does not exist/);
    assert.ok(waitFor(() => !alive(hostPid, startTime)), `container init ${hostPid} gone`);
    for (const d of defaultCgroupDirs(id)) assert.ok(!fs.existsSync(d), `${d} removed`);
    const recorded = recordedCgroupDirs(path.join(b.out, 'prestart-ok', 'target-cgroup'));
    assert.ok(recorded.length >= 5, 'prestart saw the container in its cgroups');
    for (const d of recorded) assert.ok(!fs.existsSync(d), `${d} removed`);
    assert.ok(!read('/proc/self/mountinfo').includes(b.rootfs), 'no mount of the rootfs left on the host');
  }

  it('runs all six kinds at their moments, with state, argv, env and namespaces as the spec says', () => {
    const b = hookBundle(
      ['sleep', '1000'],
      (b) => ({
        // args[0] is argv[0]: busybox picks its applet from it, so only a correct argv[0] runs `sh`.
        prestart: [{ path: '/bin/busybox', args: ['sh', b.rec, 'prestart', 'p1'], env: [PATH, 'HOOKVAR=prestart'], timeout: 10 }],
        createRuntime: [{ ...host(b, 'createRuntime'), args: ['ignored-by-the-kernel-for-scripts', 'createRuntime', 'r1', 'r2'] }],
        createContainer: [host(b, 'createContainer', [], { timeout: 10 })],
        startContainer: [inContainer('startContainer', [], { timeout: 10 })],
        poststart: [host(b, 'poststart')],
        poststop: [host(b, 'poststop')],
      }),
      (s) => {
        s.annotations = { 'org.example.hooks': 'yes' };
      },
    );
    const id = uniqueId('hk');
    const hostNs = nsOf('self');

    const c = rt(['create', '-b', b.dir, id]);
    assert.equal(c.status, 0, c.stderr);
    assert.deepEqual(order(b), ['prestart', 'createRuntime', 'createContainer'], 'create runs prestart, createRuntime, createContainer and no more');
    const st = state(id);
    assert.equal(st.status, 'created');
    const hostPid: number = st.pid;
    const containerNs = nsOf(hostPid);
    assert.notEqual(containerNs.pid, hostNs.pid, 'the default config has a pid namespace');

    for (const kind of ['prestart', 'createRuntime', 'createContainer']) {
      const s = stdinOf(b, kind);
      assert.equal(s.status, 'creating', `${kind} status`);
      assert.equal(s.id, id);
      assert.equal(s.bundle, b.dir);
      assert.equal(s.ociVersion, b.spec.ociVersion);
      assert.deepEqual(s.annotations, { 'org.example.hooks': 'yes' });
      assert.deepEqual(validateState(s), [], `${kind} state is valid`);
      const envLines = lines(path.join(b.out, kind, 'env'));
      assert.ok(envLines.includes(`HOOKVAR=${kind}`), `${kind} gets its env`);
      assert.ok(!envLines.some((l) => l.startsWith(MARKER)), `${kind} does not inherit the runtime's environment`);
    }
    // Runtime-namespace hooks: the host pid and the host's namespaces.
    assert.equal(stdinOf(b, 'prestart').pid, hostPid);
    assert.equal(stdinOf(b, 'createRuntime').pid, hostPid);
    // "after the runtime environment has been created": the container's mounts exist and it
    // is in its cgroups when the runtime-namespace hooks run.
    for (const kind of ['prestart', 'createRuntime']) {
      assert.ok(read(path.join(b.out, kind, 'target-mountinfo')).includes(` ${b.rootfs}/proc `), `${kind}: the container's /proc is mounted`);
      assert.ok(recordedCgroupDirs(path.join(b.out, kind, 'target-cgroup')).some((d) => d.endsWith(`/runtime/${id}`)), `${kind}: in the cgroup`);
    }
    assert.deepEqual(recordedNs(path.join(b.out, 'prestart')), hostNs);
    assert.deepEqual(recordedNs(path.join(b.out, 'createRuntime')), hostNs);
    // argv: prestart's argv[0] is args[0]; for a #! script the kernel puts the interpreter and
    // the script path first, but args[1..] arrive as given.
    assert.deepEqual(lines(path.join(b.out, 'prestart', 'cmdline')), ['sh', b.rec, 'prestart', 'p1']);
    assert.equal(read(path.join(b.out, 'prestart', 'exe')).trim(), fs.realpathSync('/bin/busybox'));
    assert.equal(read(path.join(b.out, 'createRuntime', 'args')).trim(), 'r1 r2');
    assert.deepEqual(lines(path.join(b.out, 'createRuntime', 'cmdline')), ['/bin/sh', b.rec, 'createRuntime', 'r1', 'r2']);

    // createContainer: every container namespace, the pid as the container sees it (1), and a
    // path resolved in the runtime namespace (the recorder exists only on the host).
    assert.equal(stdinOf(b, 'createContainer').pid, 1);
    assert.deepEqual(recordedNs(path.join(b.out, 'createContainer')), containerNs);
    assert.ok(!fs.existsSync(path.join(b.rootfs, b.rec)), 'the createContainer path is not in the rootfs');
    assert.equal(read(path.join(b.out, 'createContainer', 'exe')).trim(), fs.realpathSync('/bin/sh'), 'host /bin/sh (dash) ran it');
    // After the mounts, before pivot_root: it sees the container's mounts under the rootfs path.
    const ccMounts = read(path.join(b.out, 'createContainer', 'mountinfo'));
    assert.ok(ccMounts.includes(` ${b.rootfs}/proc `) && ccMounts.includes(` ${b.rootfs}/dev/pts `), 'createContainer sees the container mounts');

    const s = rt(['start', id]);
    assert.equal(s.status, 0, s.stderr);
    assert.deepEqual(order(b), ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart']);

    // startContainer: in the container, path resolved in the container (busybox's sh from the
    // rootfs ran /hooks/rec.sh, which the host does not have), before the user process: its
    // parent, the init, had not exec'd `sleep` yet.
    const sc = stdinOf(b, 'startContainer');
    assert.equal(sc.status, 'created');
    assert.equal(sc.pid, 1);
    assert.deepEqual(validateState(sc), []);
    assert.ok(!fs.existsSync('/hooks/rec.sh'));
    assert.equal(read(path.join(b.out, 'startContainer', 'exe')).trim(), '/bin/busybox');
    assert.deepEqual(recordedNs(path.join(b.out, 'startContainer')), containerNs);
    assert.doesNotMatch(read(path.join(b.out, 'startContainer', 'parent-cmdline')), /sleep/);
    assert.ok(lines(path.join(b.out, 'startContainer', 'env')).includes('HOOKVAR=startContainer'));
    assert.ok(!lines(path.join(b.out, 'startContainer', 'env')).some((l) => l.startsWith(MARKER)));

    // poststart: after the user process executed, before start returned.
    const ps = stdinOf(b, 'poststart');
    assert.equal(ps.status, 'running');
    assert.equal(ps.pid, hostPid);
    assert.equal(read(path.join(b.out, 'poststart', 'target-cmdline')).trim(), 'sleep 1000');
    assert.deepEqual(recordedNs(path.join(b.out, 'poststart')), hostNs);

    assert.equal(rt(['kill', id, 'KILL']).status, 0);
    assert.ok(waitFor(() => state(id).status === 'stopped'));
    assert.deepEqual(order(b).slice(5), [], 'nothing runs on stop itself');
    const d = rt(['delete', id]);
    assert.equal(d.status, 0, d.stderr);
    assert.deepEqual(order(b), ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop']);
    const pst = stdinOf(b, 'poststop');
    assert.equal(pst.status, 'stopped');
    assert.deepEqual(validateState(pst), []);
    assert.deepEqual(recordedNs(path.join(b.out, 'poststop')), hostNs);
    assert.ok(!fs.existsSync(path.join(root, id)), 'poststop runs after the container is deleted');

    // Hooks in the host's mount view run from the bundle dir (as runc's do); startContainer
    // from the process's cwd inside the container.
    for (const kind of ['prestart', 'createRuntime', 'createContainer', 'poststart', 'poststop'])
      assert.equal(read(path.join(b.out, kind, 'cwd')).trim(), fs.realpathSync(b.dir), `${kind} cwd`);
    assert.equal(read(path.join(b.out, 'startContainer', 'cwd')).trim(), b.spec.process!.cwd);
  });

  it('gives in-container hooks the host pid when the container shares the host pid namespace', () => {
    const b = hookBundle(
      ['true'],
      (b) => ({
        prestart: [host(b, 'prestart')],
        createContainer: [host(b, 'createContainer')],
        startContainer: [inContainer('startContainer')],
      }),
      (s) => {
        s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== 'pid');
      },
    );
    const r = rt(['run', '-b', b.dir, uniqueId('hkpid')]);
    assert.equal(r.status, 0, r.stderr);
    const hostPid = stdinOf(b, 'prestart').pid;
    assert.ok(hostPid > 1);
    assert.equal(stdinOf(b, 'createContainer').pid, hostPid);
    assert.equal(stdinOf(b, 'startContainer').pid, hostPid);
    assert.equal(recordedNs(path.join(b.out, 'createContainer')).pid, nsOf('self').pid);
  });

  it("sends hook output to the runtime's log, never to the container's stdio", () => {
    const kinds = ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop'] as const;
    const out = (k: string) => [`HOOK_STDOUT=hook-out-${k}`, `HOOK_STDERR=hook-err-${k}`];
    const b = hookBundle(['sh', '-c', 'echo container-out; echo container-err >&2'], (b) =>
      Object.fromEntries(kinds.map((k) => [k, [k === 'startContainer' ? inContainer(k, out(k)) : host(b, k, out(k))]])),
    );
    // Logged to stderr when there is no --log: still not on the container's stdout.
    const plain = rt(['run', '-b', b.dir, uniqueId('hkout')]);
    assert.equal(plain.status, 0, plain.stderr);
    assert.equal(plain.stdout, 'container-out\n');
    for (const k of kinds) {
      assert.match(plain.stderr, new RegExp(`hooks\\.${k}\\[0\\] \\S+: stdout: hook-out-${k}`));
      assert.match(plain.stderr, new RegExp(`hooks\\.${k}\\[0\\] \\S+: stderr: hook-err-${k}`));
    }
    // With --log, all of it goes to the log: the container's stdio carries only its own output.
    fs.rmSync(path.join(b.out, 'order'));
    const logFile = path.join(b.dir, 'log.json');
    const logged = rt(['--log', logFile, '--log-format', 'json', 'run', '-b', b.dir, uniqueId('hkout')]);
    assert.equal(logged.status, 0, logged.stderr);
    assert.equal(logged.stdout, 'container-out\n');
    assert.equal(logged.stderr, 'container-err\n');
    const entries = lines(logFile).map((l) => JSON.parse(l) as { level: string; msg: string });
    for (const k of kinds) {
      assert.ok(entries.some((e) => e.level === 'info' && e.msg.endsWith(`stdout: hook-out-${k}`)), `${k} stdout logged`);
      assert.ok(entries.some((e) => e.level === 'info' && e.msg.endsWith(`stderr: hook-err-${k}`)), `${k} stderr logged`);
    }
  });

  it('runs a Docker-style hook: path /proc/PID/exe, argv[0] choosing the program', () => {
    // dockerd's prestart hook is `/proc/<dockerd pid>/exe` with argv[0] `libnetwork-setkey`;
    // here a busybox process stands in for dockerd and argv[0] `sh` picks busybox's shell.
    const proxy = spawn('/bin/busybox', ['sleep', '600'], { stdio: 'ignore' });
    children.push(proxy);
    const b = hookBundle(['true'], (b) => ({
      prestart: [
        {
          path: `/proc/${proxy.pid}/exe`,
          args: ['sh', '-c', `tr '\\0' '\\n' < /proc/self/cmdline > ${b.out}/docker-cmdline; cat > ${b.out}/docker-stdin`, 'setkey', 'abc'],
        },
      ],
    }));
    const id = uniqueId('hkdocker');
    const r = rt(['run', '-b', b.dir, id]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(lines(path.join(b.out, 'docker-cmdline'))[0], 'sh');
    assert.deepEqual(lines(path.join(b.out, 'docker-cmdline')).slice(-2), ['setkey', 'abc']);
    assert.equal(JSON.parse(read(path.join(b.out, 'docker-stdin'))).id, id);
  });

  it('passes a state larger than a pipe buffer, to hooks that read it and to hooks that do not', () => {
    const big = 'x'.repeat(200 * 1024);
    const b = hookBundle(
      ['true'],
      (b) => ({
        prestart: [{ path: '/bin/true' }, host(b, 'prestart')],
        createContainer: [{ path: '/bin/true' }, host(b, 'createContainer')],
        startContainer: [{ path: '/bin/true' }, inContainer('startContainer')],
      }),
      (s) => {
        s.annotations = { big };
      },
    );
    const r = rt(['run', '-b', b.dir, uniqueId('hkbig')]);
    assert.equal(r.status, 0, r.stderr);
    for (const kind of ['prestart', 'createContainer', 'startContainer']) assert.equal(stdinOf(b, kind).annotations.big, big, kind);
  });

  it('does not wait for a process a hook leaves behind holding its output', () => {
    const b = hookBundle(['true'], (b) => ({
      prestart: [host(b, 'prestart', ['HOOK_BACKGROUND=30'])],
      createContainer: [host(b, 'createContainer', ['HOOK_BACKGROUND=30'])],
    }));
    const t0 = Date.now();
    const r = rt(['run', '-b', b.dir, uniqueId('hkbg')]);
    const bg = Number(read(path.join(b.out, 'prestart', 'bgpid')));
    strays.push(bg);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(Date.now() - t0 < 15000, `run took ${Date.now() - t0}ms`);
  });

  describe('timeouts', () => {
    it('kills a runtime-namespace hook when its timeout passes and fails create', () => {
      const b = hookBundle(['true'], (b) => ({
        prestart: [host(b, 'prestart-ok'), host(b, 'slow', ['HOOK_SLEEP=60'], { timeout: 1 })],
        createRuntime: [host(b, 'createRuntime')],
        poststop: [host(b, 'poststop')],
      }));
      const id = uniqueId('hkto');
      const t0 = Date.now();
      const r = rt(['create', '-b', b.dir, id]);
      const took = Date.now() - t0;
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, new RegExp(`hooks\\.prestart\\[1\\] ${b.rec}: timed out after 1s`));
      assert.ok(took < 10000, `create took ${took}ms`);
      const sleeper = Number(read(path.join(b.out, 'slow', 'sleeper')));
      assert.ok(!alive(sleeper), 'the timed-out hook was killed');
      assert.deepEqual(order(b), ['prestart-ok', 'slow', 'poststop']);
      assertNothingLeft(b, id, stdinOf(b, 'prestart-ok').pid, read(path.join(b.out, 'prestart-ok', 'target-start')));
    });

    it('kills a createContainer hook when its timeout passes', () => {
      const b = hookBundle(['true'], (b) => ({
        prestart: [host(b, 'prestart-ok')],
        createContainer: [host(b, 'slow', ['HOOK_SLEEP=60'], { timeout: 1 })],
        poststop: [host(b, 'poststop')],
      }));
      const id = uniqueId('hkto');
      const t0 = Date.now();
      const r = rt(['create', '-b', b.dir, id]);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, new RegExp(`hooks\\.createContainer\\[0\\] ${b.rec}: timed out after 1s`));
      assert.ok(Date.now() - t0 < 10000);
      assert.deepEqual(order(b), ['prestart-ok', 'slow', 'poststop']);
      assertNothingLeft(b, id, stdinOf(b, 'prestart-ok').pid, read(path.join(b.out, 'prestart-ok', 'target-start')));
    });

    it('kills a startContainer hook when its timeout passes and fails start', () => {
      const b = hookBundle(['sh', '-c', 'touch /userran; exec sleep 1000'], (b) => ({
        prestart: [host(b, 'prestart-ok')],
        startContainer: [inContainer('slow', ['HOOK_SLEEP=60'], { timeout: 1 })],
        poststart: [host(b, 'poststart')],
        poststop: [host(b, 'poststop')],
      }));
      const id = uniqueId('hkto');
      assert.equal(rt(['create', '-b', b.dir, id]).status, 0);
      const t0 = Date.now();
      const r = rt(['start', id]);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /hooks\.startContainer\[0\] \/hooks\/rec\.sh: timed out after 1s/);
      assert.ok(Date.now() - t0 < 10000);
      assert.ok(!fs.existsSync(path.join(b.rootfs, 'userran')), 'the user process never ran');
      assert.deepEqual(order(b), ['prestart-ok', 'slow', 'poststop']);
      assertNothingLeft(b, id, stdinOf(b, 'prestart-ok').pid, read(path.join(b.out, 'prestart-ok', 'target-start')));
    });
  });

  describe('failure rules (runtime.md#lifecycle)', () => {
    const FAIL = ['HOOK_EXIT=3', 'HOOK_STDERR=boom'];

    for (const kind of ['prestart', 'createRuntime', 'createContainer'] as const) {
      it(`a failing ${kind} hook fails create, destroys the container, runs poststop, leaves nothing`, () => {
        const b = hookBundle(['true'], (b) => {
          const hooks: NonNullable<Spec['hooks']> = {
            prestart: [host(b, 'prestart-ok')],
            createRuntime: [host(b, 'createRuntime')],
            createContainer: [host(b, 'createContainer')],
            startContainer: [inContainer('startContainer')],
            poststart: [host(b, 'poststart')],
            poststop: [host(b, 'poststop'), host(b, 'poststop2')],
          };
          const failing = host(b, `${kind}-fail`, FAIL);
          hooks[kind] = kind === 'prestart' ? [host(b, 'prestart-ok'), failing] : [host(b, kind), failing];
          return hooks;
        });
        const id = uniqueId('hkfail');
        const r = rt(['create', '-b', b.dir, id]);
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, new RegExp(`hooks\\.${kind}\\[1\\] ${b.rec}: exit status 3: boom$`, 'm'));
        const upTo = ['prestart-ok', 'createRuntime', 'createContainer'];
        const before = kind === 'prestart' ? ['prestart-ok'] : upTo.slice(0, upTo.indexOf(kind) + 1);
        assert.deepEqual(order(b), [...before, `${kind}-fail`, 'poststop', 'poststop2']);
        assert.equal(stdinOf(b, 'poststop').status, 'stopped');
        assertNothingLeft(b, id, stdinOf(b, 'prestart-ok').pid, read(path.join(b.out, 'prestart-ok', 'target-start')));
      });
    }

    it('a failing startContainer hook fails start before the user process runs, destroys, runs poststop', () => {
      const b = hookBundle(['sh', '-c', 'touch /userran; exec sleep 1000'], (b) => ({
        prestart: [host(b, 'prestart-ok')],
        startContainer: [inContainer('startContainer'), inContainer('startContainer-fail', FAIL)],
        poststart: [host(b, 'poststart')],
        poststop: [host(b, 'poststop')],
      }));
      const id = uniqueId('hkfail');
      assert.equal(rt(['create', '-b', b.dir, id]).status, 0);
      const r = rt(['start', id]);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /hooks\.startContainer\[1\] \/hooks\/rec\.sh: exit status 3: boom$/m);
      assert.ok(!fs.existsSync(path.join(b.rootfs, 'userran')), 'the user process never ran');
      assert.deepEqual(order(b), ['prestart-ok', 'startContainer', 'startContainer-fail', 'poststop']);
      assertNothingLeft(b, id, stdinOf(b, 'prestart-ok').pid, read(path.join(b.out, 'prestart-ok', 'target-start')));
    });

    it('a failing poststart hook fails start, kills and destroys the running container, runs poststop', () => {
      const b = hookBundle(['sh', '-c', 'touch /userran; exec sleep 1000'], (b) => ({
        prestart: [host(b, 'prestart-ok')],
        poststart: [host(b, 'poststart-fail', FAIL), host(b, 'poststart-never')],
        poststop: [host(b, 'poststop')],
      }));
      const id = uniqueId('hkfail');
      assert.equal(rt(['create', '-b', b.dir, id]).status, 0);
      const r = rt(['start', id]);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, new RegExp(`hooks\\.poststart\\[0\\] ${b.rec}: exit status 3: boom$`, 'm'));
      assert.ok(fs.existsSync(path.join(b.rootfs, 'userran')), 'the user process had run');
      assert.deepEqual(order(b), ['prestart-ok', 'poststart-fail', 'poststop']);
      assertNothingLeft(b, id, stdinOf(b, 'prestart-ok').pid, read(path.join(b.out, 'prestart-ok', 'target-start')));
    });

    it('a failing poststart hook under `run` ends the same way', () => {
      const b = hookBundle(['sleep', '1000'], (b) => ({
        prestart: [host(b, 'prestart-ok')],
        poststart: [host(b, 'poststart-fail', FAIL)],
        poststop: [host(b, 'poststop')],
      }));
      const id = uniqueId('hkfail');
      const r = rt(['run', '-b', b.dir, id], 20000);
      assert.notEqual(r.status, 0);
      assert.equal(r.signal, null, 'run returned by itself');
      assert.match(r.stderr, new RegExp(`hooks\\.poststart\\[0\\] ${b.rec}: exit status 3: boom$`, 'm'));
      assert.deepEqual(order(b), ['prestart-ok', 'poststart-fail', 'poststop']);
      assertNothingLeft(b, id, stdinOf(b, 'prestart-ok').pid, read(path.join(b.out, 'prestart-ok', 'target-start')));
    });

    it('a failing poststop hook is a warning: the other poststop hooks and the delete go on', () => {
      const b = hookBundle(['true'], (b) => ({
        prestart: [host(b, 'prestart-ok')],
        poststop: [host(b, 'poststop-fail', FAIL), host(b, 'poststop2'), { path: '/nonexistent/hook' }, host(b, 'poststop4')],
      }));
      const id = uniqueId('hkfail');
      assert.equal(rt(['create', '-b', b.dir, id]).status, 0);
      assert.equal(rt(['start', id]).status, 0);
      assert.ok(waitFor(() => state(id).status === 'stopped'));
      const d = rt(['delete', id]);
      assert.equal(d.status, 0, d.stderr);
      assert.match(d.stderr, new RegExp(`warning: hooks\\.poststop\\[0\\] ${b.rec}: exit status 3: boom`));
      assert.match(d.stderr, /warning: hooks\.poststop\[2\] \/nonexistent\/hook: cannot execute: no such file or directory/);
      assert.deepEqual(order(b), ['prestart-ok', 'poststop-fail', 'poststop2', 'poststop4']);
      assertNothingLeft(b, id, stdinOf(b, 'prestart-ok').pid, read(path.join(b.out, 'prestart-ok', 'target-start')));
    });

    it('a hook that cannot be executed fails like one that exits non-zero', () => {
      const b = hookBundle(['true'], (b) => ({
        prestart: [host(b, 'prestart-ok')],
        createContainer: [{ path: '/nonexistent/hook', args: ['x'] }],
        poststop: [host(b, 'poststop')],
      }));
      const id = uniqueId('hkfail');
      const r = rt(['create', '-b', b.dir, id]);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /hooks\.createContainer\[0\] \/nonexistent\/hook: cannot execute: no such file or directory$/m);
      assert.deepEqual(order(b), ['prestart-ok', 'poststop']);
      assertNothingLeft(b, id, stdinOf(b, 'prestart-ok').pid, read(path.join(b.out, 'prestart-ok', 'target-start')));
    });
  });
});
