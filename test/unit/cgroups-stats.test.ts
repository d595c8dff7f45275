import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_U64, parseBlkio, parsePsi, parseU64, statsJSON } from '../../src/cgroups/stats';

test('stats: 64-bit counters stay exact and print as JSON numbers', () => {
  assert.equal(parseU64('42'), 42);
  assert.equal(parseU64('9223372036854771712'), 9223372036854771712n);
  assert.equal(parseU64('max'), MAX_U64);
  assert.equal(parseU64('-1'), 0);
  assert.equal(statsJSON({ a: 9223372036854771712n, b: [1n << 60n, 2], c: 'x' }), '{"a":9223372036854771712,"b":[1152921504606846976,2],"c":"x"}');
});

test('stats: PSI and blkio line formats', () => {
  assert.deepEqual(parsePsi('some avg10=0.10 avg60=0.20 avg300=0.30 total=400\n'), { some: { avg10: 0.1, avg60: 0.2, avg300: 0.3, total: 400 } });
  assert.equal(parsePsi(undefined), undefined);
  assert.deepEqual(parseBlkio('8:16 Read 10\n8:16 Sync 0\nTotal 10\n8:16 77\n'), [
    { major: 8, minor: 16, op: 'Read', value: 10 }, { major: 8, minor: 16, op: 'Sync' }, { major: 8, minor: 16, value: 77 },
  ]);
});
