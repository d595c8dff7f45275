// The container lifecycle through the CLI: create -> created -> start -> running ->
// kill -> stopped -> delete -> gone, and the error rules around it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { validateState } from '../../src/spec/validate';
import { cleanup, integrationSkip, makeBundle, makeRoot, runtime, uniqueId, type Bundle, waitFor } from '../helpers/runtime';

const skip = integrationSkip();


describe('lifecycle', { skip }, () => {
  let root: string;
  const bundles: Bundle[] = [];
  before(() => {
    root = makeRoot();
  });
  after(() => cleanup(root, bundles));

  const state = (id: string) => JSON.parse(runtime(root, ['state', id]).stdout);

  it('goes create -> created -> start -> running -> kill -> stopped -> delete', () => {
    const b = makeBundle(['sh', '-c', 'while true; do sleep 0.1; done']);
    bundles.push(b);
    const id = uniqueId('life');
    const pidFile = path.join(b.dir, 'pid');
    const c = runtime(root, ['create', '--bundle', b.dir, '--pid-file', pidFile, id]);
    assert.equal(c.status, 0, c.stderr);
    const s1 = state(id);
    assert.equal(s1.status, 'created');
    assert.equal(s1.pid, Number(fs.readFileSync(pidFile, 'utf8')));
    assert.equal(s1.bundle, b.dir);
    assert.deepEqual(validateState(s1), []);
    assert.equal(runtime(root, ['start', id]).status, 0);
    assert.equal(state(id).status, 'running');
    assert.equal(runtime(root, ['kill', id, 'KILL']).status, 0);
    assert.ok(waitFor(() => state(id).status === 'stopped'));
    assert.deepEqual(validateState(state(id)), []);
    const d = runtime(root, ['delete', id]);
    assert.equal(d.status, 0, d.stderr);
    const gone = runtime(root, ['state', id]);
    assert.notEqual(gone.status, 0);
    assert.match(gone.stderr, /container .* does not exist/);
  });

  it('refuses a duplicate id and leaves the first container alone', () => {
    const b = makeBundle(['sleep', '30']);
    bundles.push(b);
    const id = uniqueId('dup');
    assert.equal(runtime(root, ['create', '-b', b.dir, id]).status, 0);
    const pid = state(id).pid;
    const again = runtime(root, ['create', '-b', b.dir, id]);
    assert.notEqual(again.status, 0);
    assert.match(again.stderr, /already exists/);
    assert.equal(state(id).status, 'created');
    assert.equal(state(id).pid, pid);
    assert.equal(runtime(root, ['delete', id]).status, 0);
  });

  it('starts only a created container', () => {
    const b = makeBundle(['sleep', '30']);
    bundles.push(b);
    const id = uniqueId('start');
    assert.equal(runtime(root, ['create', '-b', b.dir, id]).status, 0);
    assert.equal(runtime(root, ['start', id]).status, 0);
    const twice = runtime(root, ['start', id]);
    assert.notEqual(twice.status, 0);
    assert.match(twice.stderr, /running/);
    assert.equal(runtime(root, ['delete', '--force', id]).status, 0);
  });

  it('refuses to delete a running container without --force', () => {
    const b = makeBundle(['sleep', '30']);
    bundles.push(b);
    const id = uniqueId('del');
    assert.equal(runtime(root, ['run', '-d', '-b', b.dir, id]).status, 0);
    const d = runtime(root, ['delete', id]);
    assert.notEqual(d.status, 0);
    assert.match(d.stderr, /not stopped: running/);
    assert.equal(state(id).status, 'running');
    assert.equal(runtime(root, ['delete', '-f', id]).status, 0);
    assert.notEqual(runtime(root, ['state', id]).status, 0);
  });

  it('deletes a created container by killing it, as runc does', () => {
    const b = makeBundle(['sleep', '30']);
    bundles.push(b);
    const id = uniqueId('delc');
    assert.equal(runtime(root, ['create', '-b', b.dir, id]).status, 0);
    const pid = state(id).pid;
    assert.equal(runtime(root, ['delete', id]).status, 0);
    assert.ok(!fs.existsSync(`/proc/${pid}/stat`) || /\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')));
  });

  it('kills only created or running containers', () => {
    const b = makeBundle(['true']);
    bundles.push(b);
    const id = uniqueId('kill');
    assert.equal(runtime(root, ['run', '-d', '-b', b.dir, id]).status, 0);
    assert.ok(waitFor(() => state(id).status === 'stopped'));
    const k = runtime(root, ['kill', id, '9']);
    assert.notEqual(k.status, 0);
    assert.match(k.stderr, /container not running/);
    assert.equal(runtime(root, ['delete', id]).status, 0);
  });

  it('accepts signal names and numbers, and rejects unknown ones', () => {
    const b = makeBundle(['sh', '-c', 'trap "exit 7" USR1; while true; do sleep 0.1; done']);
    bundles.push(b);
    const id = uniqueId('sig');
    assert.equal(runtime(root, ['run', '-d', '-b', b.dir, id]).status, 0);
    const bad = runtime(root, ['kill', id, 'NOPE']);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /invalid signal/);
    assert.equal(runtime(root, ['kill', id, 'SIGUSR1']).status, 0);
    assert.ok(waitFor(() => state(id).status === 'stopped'));
    assert.equal(runtime(root, ['delete', id]).status, 0);
  });

  it('errors on unknown ids, and delete -f of an unknown id succeeds', () => {
    for (const cmd of [['state'], ['start'], ['kill'], ['delete']]) {
      const r = runtime(root, [...cmd, 'no-such-container']);
      assert.notEqual(r.status, 0, cmd.join(' '));
      assert.match(r.stderr, /container no-such-container does not exist/);
    }
    assert.equal(runtime(root, ['delete', '-f', 'no-such-container']).status, 0);
  });

  it('rejects invalid ids', () => {
    const b = makeBundle(['true']);
    bundles.push(b);
    for (const id of ['..', 'a/b', 'white space', '']) {
      const r = runtime(root, ['create', '-b', b.dir, id]);
      assert.notEqual(r.status, 0, id);
    }
    assert.deepEqual(fs.readdirSync(root), []);
  });

  it('lists containers as a table and as JSON', () => {
    const b = makeBundle(['sleep', '30']);
    bundles.push(b);
    const id = uniqueId('list');
    assert.equal(runtime(root, ['create', '-b', b.dir, id]).status, 0);
    const json = JSON.parse(runtime(root, ['list', '--format', 'json']).stdout);
    assert.ok(json.some((c: { id: string; status: string }) => c.id === id && c.status === 'created'));
    assert.match(runtime(root, ['list']).stdout, new RegExp(`^ID\\s+PID\\s+STATUS[\\s\\S]*${id}\\s+\\d+\\s+created`, 'm'));
    assert.match(runtime(root, ['list', '-q']).stdout, new RegExp(`^${id}$`, 'm'));
    assert.equal(runtime(root, ['delete', id]).status, 0);
  });

  it('run returns the exit code of the container', () => {
    const b = makeBundle(['sh', '-c', 'exit 42']);
    bundles.push(b);
    assert.equal(runtime(root, ['run', '-b', b.dir, uniqueId('code')]).status, 42);
    assert.deepEqual(fs.readdirSync(root), []);
  });

  it('run returns 128+N when the container is killed by signal N', async () => {
    const b = makeBundle(['sleep', '30']);
    bundles.push(b);
    const id = uniqueId('sigcode');
    const { spawn } = await import('node:child_process');
    const { CLI } = await import('../helpers/runtime');
    const child = spawn(process.execPath, [CLI, '--root', root, 'run', '-b', b.dir, id], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    assert.ok(waitFor(() => runtime(root, ['state', id]).stdout.includes('"running"')));
    assert.equal(runtime(root, ['kill', id, 'KILL']).status, 0);
    assert.equal(await exited, 137);
    assert.deepEqual(fs.readdirSync(root), []);
  });

  it('run passes stdio straight through', () => {
    const b = makeBundle(['sh', '-c', 'read line; echo "got $line"; echo err >&2']);
    bundles.push(b);
    const r = runtime(root, ['run', '-b', b.dir, uniqueId('io')], { input: 'hello\n' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'got hello\n');
    assert.equal(r.stderr, 'err\n');
  });

  it('run forwards SIGTERM to the container', async () => {
    const b = makeBundle(['sh', '-c', 'trap "echo term; exit 5" TERM; echo ready; while true; do sleep 0.1; done']);
    bundles.push(b);
    const { spawn } = await import('node:child_process');
    const { CLI } = await import('../helpers/runtime');
    const child = spawn(process.execPath, [CLI, '--root', root, 'run', '-b', b.dir, uniqueId('fwd')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    await new Promise<void>((resolve) => child.stdout.on('data', () => out.includes('ready') && resolve()));
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    assert.equal(code, 5);
    assert.match(out, /term/);
  });

  it('spec writes a config that validates, and refuses to overwrite it', () => {
    const dir = fs.mkdtempSync('/tmp/runtime-test-spec-');
    try {
      assert.equal(runtime(root, ['spec', '--bundle', dir]).status, 0);
      const v = runtime(root, ['validate', '--bundle', dir]);
      assert.equal(v.stdout, 'config.json: valid\n', v.stderr);
      const again = runtime(root, ['spec', '--bundle', dir]);
      assert.notEqual(again.status, 0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints the version like runc', () => {
    const r = runtime(root, ['--version']);
    assert.match(r.stdout, /^runtime version \S+\ncommit: \S+\nspec: 1\.3\.0\n$/);
  });
});
