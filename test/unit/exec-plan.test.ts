// The pure half of `exec` (src/plan/exec.ts) and of socket activation (extra-fds.ts):
// which process runs, what it inherits from the container, which namespaces are joined.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { listenEnv, listenFds } from '../../src/container/extra-fds';
import { buildExecPlan, capName, checkExecProcess, execJoins, execProcess, withContainerDefaults, type NamespaceIdentity } from '../../src/plan/exec';
import type { Process } from '../../src/spec/types';

const container = (): Process => ({
  terminal: true,
  consoleSize: { height: 10, width: 20 },
  user: { uid: 0, gid: 0, additionalGids: [10] },
  args: ['sh'],
  env: ['PATH=/bin', 'A=1'],
  cwd: '/',
  capabilities: { bounding: ['CAP_KILL'], effective: ['CAP_KILL'], permitted: ['CAP_KILL'] },
  rlimits: [{ type: 'RLIMIT_NOFILE', soft: 100, hard: 200 }],
  noNewPrivileges: true,
  apparmorProfile: 'container-default',
});

const host = { lastCap: 40, bounding: (1n << 41n) - 1n };
const noLsm = { apparmor: false, selinux: false };

describe('exec process from config.json and flags', () => {
  it('takes the container\'s process and applies runc\'s flags', () => {
    const p = execProcess(container(), undefined, {
      args: ['ls', '-l'],
      cwd: '/tmp',
      env: ['B=2', 'A=3'],
      user: '1000:1001',
      additionalGids: ['5', '6'],
      noNewPrivs: true,
    });
    assert.deepEqual(p.args, ['ls', '-l']);
    assert.equal(p.cwd, '/tmp');
    assert.deepEqual(p.env, ['PATH=/bin', 'A=1', 'B=2', 'A=3']);
    assert.deepEqual(p.user, { uid: 1000, gid: 1001, additionalGids: [10, 5, 6] });
    assert.equal(p.noNewPrivileges, true);
    // No terminal unless asked for, whatever the container's process had.
    assert.equal(p.terminal, false);
    assert.equal(p.consoleSize, undefined);
    assert.equal(execProcess(container(), undefined, { args: ['sh'], tty: true }).terminal, true);
  });

  it('keeps the gid when -u names only a uid, and refuses names', () => {
    assert.deepEqual(execProcess(container(), undefined, { args: ['id'], user: '7' }).user, { uid: 7, gid: 0, additionalGids: [10] });
    assert.throws(() => execProcess(container(), undefined, { args: ['id'], user: 'nobody' }), /--user: "nobody" is not a numeric id/);
    assert.throws(() => execProcess(container(), undefined, { args: ['id'], user: '1:2:3' }), /--user: "1:2:3" is not uid\[:gid\]/);
    assert.throws(() => execProcess(container(), undefined, { args: ['id'], additionalGids: ['x'] }), /--additional-gids/);
  });

  it('adds --cap to bounding, effective and permitted; ambient only with an inheritable set', () => {
    const p = execProcess(container(), undefined, { args: ['sh'], caps: ['sys_admin', 'CAP_NET_RAW'] });
    assert.deepEqual(p.capabilities!.bounding, ['CAP_KILL', 'CAP_SYS_ADMIN', 'CAP_NET_RAW']);
    assert.deepEqual(p.capabilities!.effective, ['CAP_KILL', 'CAP_SYS_ADMIN', 'CAP_NET_RAW']);
    assert.deepEqual(p.capabilities!.permitted, ['CAP_KILL', 'CAP_SYS_ADMIN', 'CAP_NET_RAW']);
    assert.equal(p.capabilities!.ambient, undefined);
    const withInh = container();
    withInh.capabilities!.inheritable = [];
    assert.deepEqual(execProcess(withInh, undefined, { args: ['sh'], caps: ['CAP_CHOWN'] }).capabilities!.ambient, ['CAP_CHOWN']);
    assert.throws(() => capName('CAP_FLY'), /--cap: unknown capability CAP_FLY/);
  });

  it('does not change the container\'s own process object', () => {
    const c = container();
    execProcess(c, undefined, { args: ['x'], env: ['Z=1'], caps: ['CAP_CHOWN'] });
    assert.deepEqual(c, container());
  });

  it('takes a process JSON as given; --tty can only add a terminal', () => {
    const file: Process = { user: { uid: 5, gid: 5 }, args: ['top'], cwd: '/', env: [] };
    assert.deepEqual(execProcess(container(), file, { args: [] }), file);
    assert.equal(execProcess(container(), file, { args: [], tty: true }).terminal, true);
  });
});

describe('exec defaults from the container', () => {
  it('fills capabilities, rlimits, noNewPrivileges and AppArmor the process leaves unset', () => {
    const bare: Process = { user: { uid: 0, gid: 0 }, args: ['sh'], cwd: '/' };
    const p = withContainerDefaults(bare, container(), () => false);
    assert.deepEqual(p.capabilities, container().capabilities);
    assert.deepEqual(p.rlimits, container().rlimits);
    assert.equal(p.noNewPrivileges, true);
    assert.equal(p.apparmorProfile, 'container-default');
  });

  it('keeps what the process sets, including an explicit noNewPrivileges: false', () => {
    const own: Process = {
      user: { uid: 0, gid: 0 },
      args: ['sh'],
      cwd: '/',
      capabilities: { bounding: [] },
      rlimits: [{ type: 'RLIMIT_CORE', soft: 0, hard: 0 }],
      noNewPrivileges: false,
    };
    const p = withContainerDefaults(own, container(), (k) => k in own);
    assert.deepEqual(p.capabilities, { bounding: [] });
    assert.deepEqual(p.rlimits, own.rlimits);
    assert.equal(p.noNewPrivileges, false);
  });

  it('checks what runc validates', () => {
    assert.throws(() => checkExecProcess({ user: { uid: 0, gid: 0 }, args: [], cwd: '/' }, 'exec'), /exec: args: must not be empty/);
    assert.throws(() => checkExecProcess({ user: { uid: 0, gid: 0 }, args: ['x'], cwd: '' }, 'exec'), /cwd: must not be empty/);
    assert.throws(() => checkExecProcess({ user: { uid: 0, gid: 0 }, args: ['x'], cwd: 'tmp' }, '--process p.json'), /--process p\.json: cwd: "tmp" is not an absolute path/);
    checkExecProcess({ user: { uid: 0, gid: 0 }, args: ['x'], cwd: '/' }, 'exec');
  });
});

describe('exec namespaces', () => {
  const ns = (type: NamespaceIdentity['type'], container: string | null, self: string | null): NamespaceIdentity => ({ type, container, self });

  it('joins only namespaces that differ from the runtime\'s, the user namespace last', () => {
    const joins = execJoins(42, [
      ns('user', '1:10', '1:1'),
      ns('mount', '1:11', '1:2'),
      ns('network', '1:3', '1:3'),
      ns('pid', '1:12', '1:4'),
      ns('time', null, '1:5'),
      ns('ipc', '1:13', '1:6'),
      ns('uts', '1:14', '1:7'),
      ns('cgroup', '1:15', '1:8'),
    ]);
    assert.deepEqual(joins.map((j) => j.path), ['/proc/42/ns/ipc', '/proc/42/ns/uts', '/proc/42/ns/pid', '/proc/42/ns/cgroup', '/proc/42/ns/mnt', '/proc/42/ns/user']);
    assert.deepEqual(joins.map((j) => j.nstype), [0x08000000, 0x04000000, 0x20000000, 0x02000000, 0x00020000, 0x10000000]);
    assert.match(joins[0].field, /ipc namespace/);
  });
});

describe('exec plan', () => {
  const base = () => ({ process: { ...container(), terminal: false }, source: 'exec', linux: {}, joins: [], host, lsm: noLsm, seccomp: null, preserveFds: 0, warn: () => {} });

  it('is an exec plan with the process and no container setup', () => {
    const p = { ...container(), terminal: false, apparmorProfile: undefined };
    const plan = buildExecPlan({ ...base(), process: p, linux: { personality: { domain: 'LINUX32' } }, preserveFds: 2 });
    assert.equal(plan.mode, 'exec');
    assert.equal(plan.cloneFlags, 0);
    assert.equal(plan.setsid, true);
    assert.deepEqual(plan.mounts, []);
    assert.equal(plan.console, null);
    assert.equal(plan.preserveFds, 2);
    assert.equal(plan.process.uid, 0);
    assert.deepEqual(plan.process.args, ['sh']);
    assert.ok(plan.personality !== undefined);
  });

  it('sends the pty to a socket or to the runtime, and refuses mismatches', () => {
    const tty = { ...container(), apparmorProfile: undefined };
    assert.deepEqual(buildExecPlan({ ...base(), process: tty, consoleSocket: '/run/s.sock' }).console, { socket: '/run/s.sock', width: 20, height: 10 });
    assert.deepEqual(buildExecPlan({ ...base(), process: tty, consoleSocket: '' }).console, { socket: undefined, width: 20, height: 10 });
    assert.throws(() => buildExecPlan({ ...base(), process: tty }), /terminal but nowhere to send it/);
    assert.throws(() => buildExecPlan({ ...base(), process: { ...tty, terminal: false }, consoleSocket: '/s' }), /--console-socket given but the process has no terminal/);
  });

  it('refuses an AppArmor profile the host cannot apply, naming the source', () => {
    assert.throws(() => buildExecPlan({ ...base(), process: { ...container(), terminal: false } }), /exec: process\.apparmorProfile: AppArmor is not enabled/);
    buildExecPlan({ ...base(), process: { ...container(), terminal: false }, lsm: { apparmor: true, selinux: false } });
  });
});

describe('socket activation', () => {
  it('counts LISTEN_FDS only when LISTEN_PID is ours', () => {
    assert.equal(listenFds({ LISTEN_FDS: '2', LISTEN_PID: '77' }, 77), 2);
    assert.equal(listenFds({ LISTEN_FDS: '2', LISTEN_PID: '78' }, 77), 0);
    assert.equal(listenFds({ LISTEN_FDS: '2' }, 77), 0);
    assert.equal(listenFds({ LISTEN_FDS: 'x', LISTEN_PID: '77' }, 77), 0);
    assert.equal(listenFds({}, 77), 0);
  });

  it('tells the container its fds as runc does', () => {
    assert.deepEqual(listenEnv(2), ['LISTEN_FDS=2', 'LISTEN_PID=1']);
    assert.deepEqual(listenEnv(0), []);
  });
});
