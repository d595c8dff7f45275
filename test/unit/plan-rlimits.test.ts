// process.rlimits -> setrlimit steps (src/plan/rlimits.ts). Pure.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { RLIMITS, rlimitSteps, rlimitValue } from '../../src/plan/rlimits';

describe('rlimitSteps', () => {
  it('types become resource numbers, values decimal strings, fields name the entry', () => {
    assert.deepEqual(
      rlimitSteps([
        { type: 'RLIMIT_NOFILE', soft: 1024, hard: 4096 },
        { type: 'RLIMIT_CORE', soft: 0, hard: 0 },
        { type: 'RLIMIT_NPROC', soft: 500, hard: 600 },
      ]),
      [
        { resource: 7, soft: '1024', hard: '4096', field: 'process.rlimits[0]' },
        { resource: 4, soft: '0', hard: '0', field: 'process.rlimits[1]' },
        { resource: 6, soft: '500', hard: '600', field: 'process.rlimits[2]' },
      ],
    );
  });

  it('the sixteen resources of setrlimit(2)', () => {
    assert.equal(Object.keys(RLIMITS).length, 16);
    assert.deepEqual(Object.values(RLIMITS).sort((a, b) => a - b), [...Array(16).keys()]);
    assert.equal(RLIMITS.RLIMIT_RTTIME, 15);
    assert.equal(RLIMITS.RLIMIT_MEMLOCK, 8);
  });

  it('an unknown type is an error naming the entry', () => {
    assert.throws(() => rlimitSteps([{ type: 'RLIMIT_NOFILE', soft: 1, hard: 1 }, { type: 'RLIMIT_BOGUS', soft: 1, hard: 1 }]), /process\.rlimits\[1\]\.type: unknown rlimit RLIMIT_BOGUS/);
  });

  it('the field prefix can be changed (exec --process)', () => {
    assert.equal(rlimitSteps([{ type: 'RLIMIT_AS', soft: 1, hard: 2 }], 'rlimits')[0].field, 'rlimits[0]');
  });

  it('none: no steps', () => {
    assert.deepEqual(rlimitSteps(), []);
  });
});

describe('rlimitValue', () => {
  it('RLIM_INFINITY as JSON.parse reads it (2^64, rounded) is kept at 2^64-1', () => {
    const parsed = JSON.parse('{"v": 18446744073709551615}').v as number;
    assert.equal(rlimitValue(parsed, 'f'), '18446744073709551615');
    assert.equal(rlimitValue(2 ** 70, 'f'), '18446744073709551615');
  });

  it('large exact values and strings', () => {
    assert.equal(rlimitValue(2 ** 53, 'f'), '9007199254740992');
    assert.equal(rlimitValue('18446744073709551615', 'f'), '18446744073709551615');
    assert.equal(rlimitValue(0, 'f'), '0');
  });

  it('negative or fractional values are errors naming the field', () => {
    assert.throws(() => rlimitValue(-1, 'process.rlimits[0].soft'), /process\.rlimits\[0\]\.soft: -1 is negative/);
    assert.throws(() => rlimitValue(1.5, 'process.rlimits[0].hard'), /process\.rlimits\[0\]\.hard: 1\.5 is not a whole number/);
  });
});
