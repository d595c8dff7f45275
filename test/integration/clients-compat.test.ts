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
