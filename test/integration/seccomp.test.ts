// linux.seccomp in real containers: the filter compiled by the runtime, loaded by the init
// with the raw seccomp(2) call, observed from inside.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { Seccomp, Spec } from '../../src/spec/types';
import { cleanup, integrationSkip, makeBundle, makeRoot, runtime, uniqueId, type Bundle } from '../helpers/runtime';

const skip = integrationSkip();
const root = skip ? '' : makeRoot();
const bundles: Bundle[] = [];
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'seccomp-test-'));
const agents: ChildProcess[] = [];
after(() => {
  for (const a of agents) a.kill('SIGKILL');
  if (!skip) cleanup(root, bundles);
  fs.rmSync(work, { recursive: true, force: true });
});

const ENOSPC = 28;
const SIGSYS = 31;

function bundle(args: string[], seccomp: Seccomp, edit?: (s: Spec) => void): Bundle {
  const b = makeBundle(args, (s) => {
    s.linux!.seccomp = seccomp;
    edit?.(s);
  });
  bundles.push(b);
  return b;
}

function run(b: Bundle) {
  return runtime(root, ['run', '-b', b.dir, uniqueId('sc')]);
}

function checker(b: Bundle): Record<string, any> {
  const r = run(b);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const mkdirErrno: Seccomp = {
  defaultAction: 'SCMP_ACT_ALLOW',
  syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSPC }],
};

describe('seccomp', { skip }, () => {
  for (const nnp of [true, false]) {
    test(`ERRNO makes mkdir fail with errnoRet while the rest works (noNewPrivileges ${nnp})`, () => {
      const b = bundle(['/bin/oci-checker', 'mkdir', '/made', '--', 'write', '/written', '--', 'all'], mkdirErrno, (s) => {
        s.process!.noNewPrivileges = nnp;
      });
      const out = checker(b);
      assert.equal(out['mkdir /made'].ok, false);
      assert.equal(out['mkdir /made'].errno, ENOSPC);
      assert.equal(out['write /written'].ok, true);
      assert.equal(out.all.status.Seccomp, 2, 'filter mode');
      assert.equal(out.all.status.Seccomp_filters, 1);
      assert.equal(out.all.status.NoNewPrivs, nnp ? 1 : 0);
      assert.equal(fs.existsSync(path.join(b.rootfs, 'made')), false);
      assert.equal(fs.existsSync(path.join(b.rootfs, 'written')), true);
    });
  }

  test('a shell under the ERRNO filter: mkdir reports the errno, other commands run', () => {
    const b = bundle(['sh', '-c', 'mkdir /d; echo "mkdir=$?"; touch /f && echo touched; ls / >/tmp/ls && echo listed'], mkdirErrno);
    const r = run(b);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'mkdir=1\ntouched\nlisted\n');
    assert.match(r.stderr, /No space left on device/);
  });

  for (const action of ['SCMP_ACT_KILL', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_KILL_THREAD', 'SCMP_ACT_TRAP']) {
    test(`${action} ends the process with SIGSYS`, () => {
      const b = bundle(['/bin/mkdir', '/killed'], { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action }] });
      const r = run(b);
      assert.equal(r.status, 128 + SIGSYS, `${r.stdout}${r.stderr}`);
      assert.equal(fs.existsSync(path.join(b.rootfs, 'killed')), false);
    });
  }

  test('argument filters match only the given values (EQ, MASKED_EQ, GT)', () => {
    const chmodArgs = (op: string, value: number, valueTwo?: number) => [
      { names: ['chmod'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSPC, args: [{ index: 1, op, value, valueTwo }] },
      { names: ['fchmodat'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSPC, args: [{ index: 2, op, value, valueTwo }] },
    ];
    const b = bundle(
      [
        'sh',
        '-c',
        'touch /f; for m in 700 755 777 775 4755 644; do chmod $m /f 2>/tmp/err; echo "$m=$?"; done',
      ],
      {
        defaultAction: 'SCMP_ACT_ALLOW',
        syscalls: [
          // exactly 0700
          ...chmodArgs('SCMP_CMP_EQ', 0o700),
          // world-writable: (mode & 0o002) == 0o002
          ...chmodArgs('SCMP_CMP_MASKED_EQ', 0o002, 0o002),
          // above 0o4000 (setuid and up)
          ...chmodArgs('SCMP_CMP_GT', 0o4000),
        ],
      },
    );
    const r = run(b);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '700=1\n755=0\n777=1\n775=0\n4755=1\n644=0\n');
  });

  test("podman's default profile loads and a busybox shell works under it", () => {
    const podman = JSON.parse(fs.readFileSync('/work/shared/configs/podman-run-default.json', 'utf8')) as Spec;
    const profile = podman.linux!.seccomp!;
    assert.ok(profile.syscalls!.length > 10);
    const b = bundle(
      ['sh', '-c', 'echo hello; mkdir -p /tmp/a/b && echo made; ls /tmp/a; cat /proc/self/status | grep -E "^Seccomp:"; date +%Y >/tmp/date && echo dated'],
      profile,
    );
    const first = run(b);
    assert.equal(first.status, 0, first.stderr);
    assert.equal(first.stdout.replace(/\t/g, ' '), 'hello\nmade\nb\nSeccomp: 2\ndated\n');
    // The compiled filter was kept in the state root's private cache and serves the next run.
    const cache = path.join(root, '@seccomp-cache');
    const st = fs.statSync(cache);
    assert.equal(st.mode & 0o777, 0o700);
    assert.equal(st.uid, 0);
    assert.ok(fs.readdirSync(cache).some((f) => f.endsWith('.json')));
    const again = run(b);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(again.stdout, first.stdout);
  });

  test("podman's default profile under the checker: allowed calls succeed", () => {
    const podman = JSON.parse(fs.readFileSync('/work/shared/configs/podman-run-default.json', 'utf8')) as Spec;
    const b = bundle(['/bin/oci-checker', 'mkdir', '/ok', '--', 'read', '/proc/self/status'], podman.linux!.seccomp!);
    const out = checker(b);
    assert.equal(out['mkdir /ok'].ok, true);
    assert.equal(out['read /proc/self/status'].ok, true);
  });

  test('LOG and SPEC_ALLOW flags are accepted; TSYNC is a no-op', () => {
    const b = bundle(['/bin/oci-checker', 'mkdir', '/m'], {
      ...mkdirErrno,
      flags: ['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW', 'SECCOMP_FILTER_FLAG_TSYNC'],
    });
    const out = checker(b);
    assert.equal(out['mkdir /m'].errno, ENOSPC);
  });

  test('errors name the field', () => {
    const cases: [Seccomp, RegExp][] = [
      [{ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_LOONGARCH64'] }, /linux\.seccomp\.architectures\[0\]: .*LOONGARCH64/],
      [{ defaultAction: 'SCMP_ACT_ALLOW', flags: ['SECCOMP_FILTER_FLAG_NOPE'] }, /linux\.seccomp\.flags\[0\]/],
      [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_NOTIFY' }] }, /linux\.seccomp\.listenerPath/],
    ];
    for (const [seccomp, re] of cases) {
      const b = bundle(['true'], seccomp);
      const r = run(b);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, re);
    }
  });
});

// x86_64 syscall numbers the agent answers.
const NR_MKDIR = 83;
const NR_MKDIRAT = 258;

/** test/helpers/seccomp-agent.c, compiled once for this file. */
function agentBinary(): string | undefined {
  const out = path.join(work, 'seccomp-agent');
  if (fs.existsSync(out)) return out;
  const src = path.join(__dirname, '..', '..', '..', '..', 'test', 'helpers', 'seccomp-agent.c');
  const r = spawnSync('gcc', ['-O2', '-Wall', '-o', out, src], { encoding: 'utf8' });
  return r.status === 0 ? out : undefined;
}

interface Agent {
  socket: string;
  stateFile: string;
  state(): Record<string, any>;
  answered(): string[];
}

/** Starts an agent answering mkdir/mkdirat with `errno` (0: success without running it). */
function startAgent(name: string, errno: number): Promise<Agent> {
  const bin = agentBinary();
  assert.ok(bin, 'gcc could not build test/helpers/seccomp-agent.c');
  const socket = path.join(work, `${name}.sock`);
  const stateFile = path.join(work, `${name}.json`);
  const proc = spawn(bin, [socket, stateFile, String(NR_MKDIR), String(errno), String(NR_MKDIRAT)], { stdio: ['ignore', 'pipe', 'inherit'] });
  agents.push(proc);
  return new Promise((resolve, reject) => {
    proc.once('error', reject);
    proc.once('exit', (code) => reject(new Error(`seccomp-agent exited with ${code}`)));
    proc.stdout!.once('data', () =>
      resolve({
        socket,
        stateFile,
        state: () => JSON.parse(fs.readFileSync(stateFile, 'utf8')),
        answered: () => (fs.existsSync(`${stateFile}.log`) ? fs.readFileSync(`${stateFile}.log`, 'utf8').trim().split('\n') : []),
      }),
    );
  });
}

function notifying(agent: Agent, extra: Partial<Seccomp> = {}): Seccomp {
  return {
    defaultAction: 'SCMP_ACT_ALLOW',
    listenerPath: agent.socket,
    listenerMetadata: 'agent-metadata;x=1',
    syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_NOTIFY' }],
    ...extra,
  };
}

describe('seccomp user notification', { skip: skip || (agentBinary() ? false : 'gcc cannot build the agent') }, () => {
  for (const nnp of [true, false]) {
    test(`the agent gets the notify fd with the container process state and answers mkdir (noNewPrivileges ${nnp})`, async () => {
      const agent = await startAgent(`answer-${nnp}`, 0);
      const id = uniqueId('notify');
      const b = bundle(['sh', '-c', 'mkdir /x; echo "mkdir=$?"; test -d /x && echo exists || echo absent; mkdir -p /tmp/ok && echo also'], notifying(agent), (s) => {
        s.process!.noNewPrivileges = nnp;
      });
      const r = runtime(root, ['run', '-b', b.dir, id]);
      assert.equal(r.status, 0, r.stderr);
      // The agent made mkdir return 0 without running it.
      assert.equal(r.stdout, 'mkdir=0\nabsent\nalso\n');
      const state = agent.state();
      assert.equal(state.ociVersion, '1.3.0');
      assert.deepEqual(state.fds, ['seccompFd']);
      assert.equal(state.metadata, 'agent-metadata;x=1');
      assert.equal(typeof state.pid, 'number');
      assert.ok(state.pid > 1);
      assert.equal(state.state.id, id);
      assert.equal(state.state.pid, state.pid);
      assert.equal(state.state.bundle, b.dir);
      // Loaded during create without no_new_privs; after start opened the fifo with it.
      assert.equal(state.state.status, nnp ? 'created' : 'creating');
      const answered = agent.answered();
      assert.ok(answered.length >= 2, answered.join(','));
      assert.ok(answered.every((l) => /^(83|258) \d+$/.test(l)), answered.join(','));
    });
  }

  test('the agent answers with an errno of its choosing', async () => {
    const agent = await startAgent('errno', ENOSPC);
    const b = bundle(['/bin/oci-checker', 'mkdir', '/m', '--', 'write', '/w'], notifying(agent));
    const out = checker(b);
    assert.equal(out['mkdir /m'].errno, ENOSPC);
    assert.equal(out['write /w'].ok, true);
  });

  test('a listener nobody listens on fails create naming listenerPath', () => {
    const b = bundle(['true'], {
      defaultAction: 'SCMP_ACT_ALLOW',
      listenerPath: path.join(work, 'nobody.sock'),
      syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_NOTIFY' }],
    });
    const r = run(b);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /linux\.seccomp\.listenerPath: connect seccomp listener .*nobody\.sock.*No such file/);
  });

  test('a filter that refuses sendmsg cannot hand the fd over, and says so', async () => {
    const agent = await startAgent('nosend', 0);
    const b = bundle(['true'], notifying(agent, { syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_NOTIFY' }, { names: ['sendmsg'], action: 'SCMP_ACT_ERRNO' }] }));
    const r = run(b);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /linux\.seccomp\.listenerPath: send seccomp notify fd.*sendmsg/);
  });

  test('NOTIFY on sendmsg or write is refused before anything runs', () => {
    const b = bundle(['true'], { defaultAction: 'SCMP_ACT_ALLOW', listenerPath: '/x.sock', syscalls: [{ names: ['mkdir', 'sendmsg'], action: 'SCMP_ACT_NOTIFY' }] });
    const r = run(b);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /linux\.seccomp\.syscalls\[0\]\.names\[1\]: SCMP_ACT_NOTIFY cannot be used for sendmsg/);
  });
});

describe('exec under the container filter', { skip: skip || (runtime(root, ['exec', '--help']).status === 0 ? false : 'no exec command in this build') }, () => {
  for (const nnp of [true, false]) {
    test(`the joining process gets linux.seccomp (noNewPrivileges ${nnp})`, () => {
      const id = uniqueId('exec');
      // The container lets go of our stdout/stderr pipes, or runtime() would wait for it.
      const b = bundle(['sh', '-c', 'exec sleep 30 >/tmp/out 2>&1'], mkdirErrno, (s) => {
        s.process!.noNewPrivileges = nnp;
      });
      const started = runtime(root, ['run', '-d', '-b', b.dir, id]);
      assert.equal(started.status, 0, started.stderr);
      try {
        const r = runtime(root, ['exec', id, '/bin/oci-checker', 'mkdir', '/from-exec', '--', 'write', '/w', '--', 'all']);
        assert.equal(r.status, 0, r.stderr);
        const out = JSON.parse(r.stdout);
        assert.equal(out['mkdir /from-exec'].errno, ENOSPC);
        assert.equal(out['write /w'].ok, true);
        assert.equal(out.all.status.Seccomp, 2);
        assert.equal(out.all.status.Seccomp_filters, 1, 'one filter: the one exec loaded');
      } finally {
        runtime(root, ['delete', '-f', id]);
      }
    });
  }

  test('an exec under a notifying filter hands its own notify fd to the agent', async () => {
    const id = uniqueId('exec-notify');
    const forInit = await startAgent('exec-init', ENOSPC);
    const b = bundle(['sh', '-c', 'exec sleep 30 >/tmp/out 2>&1'], notifying(forInit));
    const started = runtime(root, ['run', '-d', '-b', b.dir, id]);
    assert.equal(started.status, 0, started.stderr);
    try {
      assert.equal(forInit.state().state.id, id);
      // The first agent took its one connection and left the path free for the next.
      const forExec = await startAgent('exec-init', 0);
      const r = runtime(root, ['exec', id, 'sh', '-c', 'mkdir /e; echo "mkdir=$?"; test -d /e && echo exists || echo absent']);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, 'mkdir=0\nabsent\n');
      const state = forExec.state();
      assert.deepEqual(state.fds, ['seccompFd']);
      assert.equal(state.state.id, id);
      assert.equal(state.state.status, 'running');
      assert.notEqual(state.pid, state.state.pid, 'the exec\'d process, not the init');
      assert.ok(forExec.answered().length >= 1);
    } finally {
      runtime(root, ['delete', '-f', id]);
    }
  });
});
