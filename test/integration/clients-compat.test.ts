// Regressions found by the end-to-end client scenarios (conformance/clients): what the
// engines read from the runtime's output, checked here without the engines.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { cleanup, integrationSkip, makeBundle, makeRoot, runtime, uniqueId, type Bundle } from '../helpers/runtime';

const skip = integrationSkip();

describe('what the engines match in our errors', { skip }, () => {
  let root: string;
  let tmp: string;
  const bundles: Bundle[] = [];
  before(() => {
    root = makeRoot();
    tmp = fs.mkdtempSync('/tmp/clients-compat-');
  });
  after(() => {
    cleanup(root, bundles);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  // Docker's CLI exits 127 when the daemon's error contains "no such file or directory" or
  // "executable file not found", 126 for "permission denied": case-sensitive, as runc words them.
  const cases: [string, string[], RegExp][] = [
    ['a missing program path', ['/no/such/program'], /exec: "\/no\/such\/program": no such file or directory/],
    ['a program not on PATH', ['no-such-program'], /exec: "no-such-program": executable file not found in \$PATH/],
    ['a file that is not executable', ['/etc/passwd'], /exec: "\/etc\/passwd": permission denied/],
  ];
  for (const [what, args, phrase] of cases) {
    it(`${what}: runc's phrase on stderr and on the JSON log's last error line`, () => {
      const b = makeBundle(args);
      bundles.push(b);
      const log = path.join(tmp, `${uniqueId('log')}.json`);
      const r = runtime(root, ['--log', log, '--log-format', 'json', 'create', '-b', b.dir, uniqueId('cc')]);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, phrase);
      const errors = fs
        .readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { level: string; msg: string })
        .filter((l) => l.level === 'error');
      assert.match(errors[errors.length - 1].msg, phrase);
    });
  }
});

function dead(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return true;
  }
}

function waitUntil(check: () => boolean, ms: number): boolean {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) return false;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
  return true;
}

describe('kill --all after the init exited (containerd\'s shim cleanup)', { skip }, () => {
  let root: string;
  const bundles: Bundle[] = [];
  const strays: number[] = [];
  before(() => {
    root = makeRoot();
  });
  after(() => {
    for (const pid of strays) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    cleanup(root, bundles);
  });

  it('signals what is left in the cgroup and succeeds, as runc does; a plain kill says not running', () => {
    // No pid namespace: the background sleep outlives the init.
    const b = makeBundle(['sh', '-c', 'sleep 600 & echo $! > /tmp/stray; sleep 0.3'], (s) => {
      s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== 'pid');
    });
    bundles.push(b);
    const id = uniqueId('stray');
    const r = runtime(root, ['run', '-d', '-b', b.dir, id]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(waitUntil(() => /"status": "stopped"/.test(runtime(root, ['state', id]).stdout), 10_000), 'the init did not exit');
    const pid = Number(fs.readFileSync(path.join(b.rootfs, 'tmp/stray'), 'utf8'));
    strays.push(pid);
    assert.ok(!dead(pid), 'the stray sleep should still run');
    const plain = runtime(root, ['kill', id, '9']);
    assert.notEqual(plain.status, 0);
    assert.match(plain.stderr, /container not running/);
    const all = runtime(root, ['kill', '--all', id, '9']);
    assert.equal(all.status, 0, all.stderr);
    assert.ok(waitUntil(() => dead(pid), 5_000), `pid ${pid} survived kill --all`);
    assert.equal(runtime(root, ['kill', '--all', id, '9']).status, 0, 'a second kill --all is no error either');
    assert.equal(runtime(root, ['delete', id]).status, 0);
    const gone = runtime(root, ['kill', '--all', id, '9']);
    assert.notEqual(gone.status, 0);
    assert.match(gone.stderr, /does not exist/);
  });
});

