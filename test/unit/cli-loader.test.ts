import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { it } from 'node:test';

import { ALL_COMMANDS } from '../../src/cli/commands/index';
import { bundlesFor, unpack, wrap } from '../../src/cli/loader';

const DIST = path.resolve(__dirname, '..', '..', '..', '..', 'dist', 'cli');

it('takes the bundle of the command on the line, then the whole CLI', () => {
  assert.deepEqual(bundlesFor(['--root', '/run/x', 'state', 'id']), ['state', 'all']);
  assert.deepEqual(bundlesFor(['--log', 'state', 'delete', '-f', 'id']), ['delete', 'all']);
  assert.deepEqual(bundlesFor(['--help']), ['all']);
  assert.deepEqual(bundlesFor([]), ['all']);
  // A word that is no file name of ours never becomes a path.
  assert.deepEqual(bundlesFor(['../../etc/passwd']), ['all']);
  assert.deepEqual(bundlesFor(['State']), ['all']);
});

it('splits a .jsc file into its code cache and its source', () => {
  const cache = Buffer.from([0, 10, 255, 13, 10]);
  const source = 'console.log("\\u00e9")\n';
  const jsc = Buffer.concat([Buffer.from(JSON.stringify({ cache: cache.length }) + '\n'), cache, Buffer.from(source, 'latin1')]);
  const out = unpack(jsc);
  assert.deepEqual(out.cache, cache);
  assert.equal(out.source, source);
});

it('has a bundle for every command, and a code cache this Node accepts for its source', { skip: !fs.existsSync(DIST) && 'no dist/cli: run npm run build' }, () => {
  for (const name of [...Object.keys(ALL_COMMANDS), 'all']) {
    const js = fs.readFileSync(path.join(DIST, `${name}.js`), 'latin1');
    const { cache, source } = unpack(fs.readFileSync(path.join(DIST, `${name}.jsc`)));
    assert.equal(source, js, `${name}.jsc holds the source of ${name}.js`);
    const script = new vm.Script(wrap(source), { filename: path.join(DIST, `${name}.js`), cachedData: cache });
    assert.equal(script.cachedDataRejected, false, `${name}.jsc: V8 rejected the cache`);
  }
});

it('runs a command from its bundle without a code cache, and help from the whole CLI', { skip: !fs.existsSync(DIST) && 'no dist/cli: run npm run build' }, () => {
  // A copy of the loader with only state.js (no .jsc) and all.js beside it.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-loader-'));
  try {
    fs.mkdirSync(path.join(tmp, 'cli'));
    fs.copyFileSync(path.join(DIST, '..', 'runtime.js'), path.join(tmp, 'runtime.js'));
    for (const f of ['state.js', 'all.js']) fs.copyFileSync(path.join(DIST, f), path.join(tmp, 'cli', f));
    const run = (...args: string[]) => spawnSync(process.execPath, [path.join(tmp, 'runtime.js'), ...args], { encoding: 'utf8' });
    const state = run('--root', path.join(tmp, 'root'), 'state', 'nothere');
    assert.equal(state.status, 1);
    assert.match(state.stderr, /state: container nothere does not exist/);
    const help = run('--help');
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /Commands:[\s\S]*\bcreate\b[\s\S]*\bstate\b/);
    // No bundle of its own (kill.js was not copied): the whole CLI answers.
    const kill = run('--root', path.join(tmp, 'root'), 'kill', 'nothere');
    assert.match(kill.stderr, /kill: container nothere does not exist/);
    const version = run('--version');
    assert.match(version.stdout, /^runtime version \S+\ncommit: \S+\nspec: 1\.3\.0\n$/);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
