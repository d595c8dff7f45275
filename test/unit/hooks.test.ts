// The pure parts of hooks: how an outcome reads as an error, the state each kind gets, the
// init's report frames, argv/env handling. Real hook runs are in test/integration/hooks*.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { outcomeOfFrame, settleHookFrame } from '../../src/hooks/init-report';
import { failureCause, HookError, settle, type HookOutcome } from '../../src/hooks/outcome';
import { argvOf, envObject } from '../../src/hooks/spawn';
import { HOOK_STATUS, hookState, IN_CONTAINER, pidInOwnNamespace } from '../../src/hooks/state';
import type { ContainerRecord } from '../../src/state/record';

const ok: HookOutcome = { exitCode: 0, signal: null, timedOut: false, execError: null, stdout: '', stderr: '' };

describe('hook outcomes', () => {
  it('names the cause of each kind of failure', () => {
    assert.equal(failureCause(ok, undefined), null);
    assert.equal(failureCause({ ...ok, exitCode: 3 }, undefined), 'exit status 3');
    assert.equal(failureCause({ ...ok, exitCode: null, signal: 'SIGSEGV' }, undefined), 'killed by signal SIGSEGV');
    assert.equal(failureCause({ ...ok, exitCode: null, signal: 'SIGKILL', timedOut: true }, 2), 'timed out after 2s');
    assert.equal(failureCause({ ...ok, exitCode: null, execError: 'no such file or directory' }, undefined), 'cannot execute: no such file or directory');
  });

  it('words the error as hooks.KIND[i] PATH: cause: stderr', () => {
    const err = settle('prestart', 1, '/usr/bin/x', undefined, { ...ok, exitCode: 3, stderr: 'it broke\n' });
    assert.ok(err instanceof HookError);
    assert.equal(err.message, 'hooks.prestart[1] /usr/bin/x: exit status 3: it broke');
    assert.equal(err.kind, 'prestart');
    assert.equal(err.index, 1);
    assert.equal(settle('poststart', 0, '/x', undefined, { ...ok, exitCode: 1 })?.message, 'hooks.poststart[0] /x: exit status 1');
  });

  it('keeps the error on one line and bounded', () => {
    const multi = settle('createRuntime', 0, '/x', undefined, { ...ok, exitCode: 1, stderr: 'first\n\n  second  \nthird\n' });
    assert.equal(multi?.message, 'hooks.createRuntime[0] /x: exit status 1: first; second; third');
    const long = settle('createRuntime', 0, '/x', undefined, { ...ok, exitCode: 1, stderr: `${'a'.repeat(10000)}END` });
    assert.ok(long!.message.length < 4200);
    assert.ok(long!.message.endsWith('END'), 'the end of stderr, where the cause usually is, is kept');
  });

  it('is no error when the hook succeeded, whatever it printed', () => {
    assert.equal(settle('poststop', 0, '/x', 5, { ...ok, stdout: 'hello', stderr: 'note' }), null);
  });
});

describe('hook state', () => {
  it('gives each kind the status the spec gives that moment', () => {
    assert.deepEqual(HOOK_STATUS, {
      prestart: 'creating',
      createRuntime: 'creating',
      createContainer: 'creating',
      startContainer: 'created',
      poststart: 'running',
      poststop: 'stopped',
    });
    assert.deepEqual([...IN_CONTAINER].sort(), ['createContainer', 'startContainer']);
  });

  it('reads the pid a process has in its own pid namespace from NSpid', () => {
    assert.equal(pidInOwnNamespace(4242, 'Name:\tsh\nNSpid:\t4242\t1\nNSpgid:\t4242\t1\n'), 1);
    assert.equal(pidInOwnNamespace(4242, 'Name:\tsh\nNSpid:\t4242\t77\t5\n'), 5);
    assert.equal(pidInOwnNamespace(4242, 'Name:\tsh\nNSpid:\t4242\n'), 4242);
    assert.equal(pidInOwnNamespace(4242, 'Name:\tsh\n'), 4242, 'no NSpid line: the host pid');
  });

  it('builds the state per kind: runtime-namespace hooks get our pid, in-container ones theirs', () => {
    const rec = {
      id: 'c1',
      bundle: '/b',
      rootfs: '/b/rootfs',
      created: '2024-01-01T00:00:00Z',
      owner: '',
      pid: process.pid,
      spec: { ociVersion: '1.3.0', annotations: { a: 'b' } },
    } as ContainerRecord;
    const own = pidInOwnNamespace(process.pid);
    for (const kind of Object.keys(HOOK_STATUS) as (keyof typeof HOOK_STATUS)[]) {
      const s = hookState(rec, kind);
      assert.equal(s.status, HOOK_STATUS[kind]);
      assert.equal(s.id, 'c1');
      assert.equal(s.bundle, '/b');
      assert.deepEqual(s.annotations, { a: 'b' });
      if (kind === 'poststop') continue;
      assert.equal(s.pid, IN_CONTAINER.has(kind) ? own : process.pid, kind);
    }
  });
});

describe('init hook reports', () => {
  const frame = { type: 'hook', kind: 'createContainer', index: 2, path: '/h', timeout: null, exitCode: 0, signal: 0, timedOut: false, execErrno: 0, stdout: '', stderr: '' };

  it('turns the frame into the same outcome the runtime-side runner gives', () => {
    assert.deepEqual(outcomeOfFrame(frame), ok);
    assert.deepEqual(outcomeOfFrame({ ...frame, exitCode: -1, signal: 9, timedOut: true }), { ...ok, exitCode: null, signal: 'SIGKILL', timedOut: true });
    assert.equal(outcomeOfFrame({ ...frame, exitCode: 127, execErrno: 2 }).execError, 'no such file or directory');
  });

  it('words a failed in-container hook like a runtime-side one', () => {
    assert.equal(settleHookFrame({ ...frame, exitCode: 3, stderr: 'boom\n' })?.message, 'hooks.createContainer[2] /h: exit status 3: boom');
    assert.equal(settleHookFrame({ ...frame, exitCode: -1, signal: 9, timedOut: true, timeout: 4 })?.message, 'hooks.createContainer[2] /h: timed out after 4s');
    assert.equal(settleHookFrame(frame), null);
  });
});

describe('hook argv and env', () => {
  it('uses args[0] as argv[0], the path when args are absent', () => {
    assert.deepEqual(argvOf({ path: '/proc/1/exe', args: ['libnetwork-setkey', '-exec-root=/var/run/docker', 'id'] }), [
      'libnetwork-setkey',
      '-exec-root=/var/run/docker',
      'id',
    ]);
    assert.deepEqual(argvOf({ path: '/bin/true' }), ['/bin/true']);
    assert.deepEqual(argvOf({ path: '/bin/true', args: [] }), ['/bin/true']);
  });

  it('passes env entries as given, and nothing else', () => {
    assert.deepEqual(envObject(['A=1', 'B=x=y', 'C=', 'D']), { A: '1', B: 'x=y', C: '', D: '' });
    assert.deepEqual(envObject(undefined), {});
  });
});
