// The runtime-namespace hook runner on its own (src/hooks/run.ts): real processes, no
// container and no root. Its log goes to a file so the test can read what it logged.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { HookError, runHooks } from '../../src/hooks/run';
import type { State } from '../../src/spec/types';
import { configureLog } from '../../src/util/log';

describe('runtime-namespace hook runner', () => {
  let dir: string;
  let logFile: string;
  let state: State;
  const strays: number[] = [];
  const logged = () => fs.readFileSync(logFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: string; msg: string });
  const script = (name: string, body: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return p;
  };

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-test-hook-runner-'));
    logFile = path.join(dir, 'log');
    configureLog({ file: logFile, format: 'json' });
    state = { ociVersion: '1.3.0', id: 'c', status: 'creating', pid: 1234, bundle: dir };
  });
  after(() => {
    for (const pid of strays) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('feeds the state on stdin, passes exactly the hook env and argv, runs from the bundle dir', () => {
    process.env.RUNNER_TEST_MARKER = 'leak';
    const out = path.join(dir, 'seen');
    const p = script('rec.sh', `cat > ${out}.stdin; env > ${out}.env; echo "$0 $*" > ${out}.args; pwd -P > ${out}.cwd`);
    runHooks('createRuntime', [{ path: p, args: ['ignored', 'a', 'b c'], env: ['X=1', 'Y=two=2'] }], state);
    assert.deepEqual(JSON.parse(fs.readFileSync(`${out}.stdin`, 'utf8')), state);
    const env = fs.readFileSync(`${out}.env`, 'utf8').split('\n');
    assert.ok(env.includes('X=1') && env.includes('Y=two=2'));
    assert.ok(!env.some((l) => l.startsWith('RUNNER_TEST_MARKER')));
    assert.equal(fs.readFileSync(`${out}.args`, 'utf8').trim(), `${p} a b c`);
    assert.equal(fs.readFileSync(`${out}.cwd`, 'utf8').trim(), fs.realpathSync(dir));
  });

  it('runs hooks in order and stops at the first failure, naming it', () => {
    const order = path.join(dir, 'order');
    const a = script('a.sh', `echo a >> ${order}`);
    const bad = script('bad.sh', `echo b >> ${order}; echo partial; echo "no network" >&2; exit 7`);
    assert.throws(
      () => runHooks('prestart', [{ path: a }, { path: bad }, { path: a }], state),
      (e: unknown) => e instanceof HookError && e.message === `hooks.prestart[1] ${bad}: exit status 7: no network` && e.index === 1,
    );
    assert.deepEqual(fs.readFileSync(order, 'utf8').split('\n').filter(Boolean), ['a', 'b']);
    assert.ok(logged().some((l) => l.level === 'info' && l.msg === `hooks.prestart[1] ${bad}: stdout: partial`));
  });

  it('warns for a failing poststop hook and runs the rest', () => {
    const order = path.join(dir, 'order-poststop');
    const a = script('pa.sh', `echo a >> ${order}`);
    const bad = script('pbad.sh', `echo bad >> ${order}; exit 1`);
    runHooks('poststop', [{ path: bad }, { path: '/nonexistent/x' }, { path: a }], { ...state, status: 'stopped' });
    assert.deepEqual(fs.readFileSync(order, 'utf8').split('\n').filter(Boolean), ['bad', 'a']);
    const warnings = logged().filter((l) => l.level === 'warning').map((l) => l.msg);
    assert.ok(warnings.includes(`hooks.poststop[0] ${bad}: exit status 1`));
    assert.ok(warnings.includes('hooks.poststop[1] /nonexistent/x: cannot execute: no such file or directory'));
  });

  it('kills a hook when its timeout passes', () => {
    const pidFile = path.join(dir, 'slow.pid');
    const slow = script('slow.sh', `echo $$ > ${pidFile}; exec sleep 60`);
    const t0 = Date.now();
    assert.throws(() => runHooks('poststart', [{ path: slow, timeout: 1 }], state), new RegExp(`^HookError: hooks\\.poststart\\[0\\] ${slow}: timed out after 1s$`));
    assert.ok(Date.now() - t0 < 5000);
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    assert.throws(() => process.kill(pid, 0), 'the hook process is gone');
  });

  it('reports a signal that ended a hook', () => {
    const p = script('segv.sh', 'kill -SEGV $$');
    assert.throws(() => runHooks('createRuntime', [{ path: p }], state), /: killed by signal SIGSEGV$/);
  });

  it('does not hang on a large state the hook never reads, nor on a daemon holding its output', () => {
    const big = { ...state, annotations: { big: 'x'.repeat(1 << 20) } };
    runHooks('createRuntime', [{ path: '/bin/true' }], big);
    const bgFile = path.join(dir, 'bg.pid');
    const p = script('bg.sh', `sleep 30 & echo $! > ${bgFile}; echo started`);
    const t0 = Date.now();
    runHooks('createRuntime', [{ path: p }], state);
    strays.push(Number(fs.readFileSync(bgFile, 'utf8')));
    assert.ok(Date.now() - t0 < 10000, `took ${Date.now() - t0}ms`);
  });

  it('runs from / when the bundle dir is gone (poststop after the bundle was removed)', () => {
    const out = path.join(dir, 'cwd-gone');
    const p = script('cwd.sh', `pwd -P > ${out}`);
    runHooks('poststop', [{ path: p }], { ...state, bundle: path.join(dir, 'no-such-bundle') });
    assert.equal(fs.readFileSync(out, 'utf8').trim(), '/');
  });
});
