// Capability names -> numbers per set (src/plan/capabilities.ts): what the kernel or the
// host's bounding set cannot grant is dropped with one warning, never a failure. Pure.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { CAPS, capabilitySets } from '../../src/plan/capabilities';

const ALL = { lastCap: 40, bounding: (1n << 41n) - 1n };
const cap = (n: string) => CAPS.indexOf(n);

function collect() {
  const warnings: string[] = [];
  return { warnings, warn: (m: string) => warnings.push(m) };
}

describe('capabilitySets', () => {
  it('no capabilities object: null (the process gets none)', () => {
    assert.equal(capabilitySets(undefined, ALL, () => assert.fail('no warning expected')), null);
  });

  it('the table is the kernel\'s bit order', () => {
    assert.equal(cap('CAP_CHOWN'), 0);
    assert.equal(cap('CAP_KILL'), 5);
    assert.equal(cap('CAP_NET_BIND_SERVICE'), 10);
    assert.equal(cap('CAP_SYS_ADMIN'), 21);
    assert.equal(cap('CAP_SYS_RESOURCE'), 24);
    assert.equal(cap('CAP_AUDIT_WRITE'), 29);
    assert.equal(cap('CAP_CHECKPOINT_RESTORE'), 40);
  });

  it('all five sets, in config order, duplicates removed', () => {
    const { warnings, warn } = collect();
    const out = capabilitySets(
      {
        bounding: ['CAP_KILL', 'CAP_CHOWN', 'CAP_KILL', 'CAP_NET_RAW'],
        effective: ['CAP_CHOWN'],
        permitted: ['CAP_CHOWN', 'CAP_NET_RAW'],
        inheritable: ['CAP_NET_RAW'],
        ambient: ['CAP_NET_RAW'],
      },
      ALL,
      warn,
    )!;
    assert.deepEqual(out.bounding, [5, 0, 13]);
    assert.deepEqual(out.effective, [0]);
    assert.deepEqual(out.permitted, [0, 13]);
    assert.deepEqual(out.inheritable, [13]);
    assert.deepEqual(out.ambient, [13]);
    assert.equal(out.lastCap, 40);
    assert.deepEqual(warnings, []);
  });

  it('names are matched case-insensitively', () => {
    assert.deepEqual(capabilitySets({ bounding: ['cap_chown', 'Cap_Kill'] }, ALL, () => {})!.bounding, [0, 5]);
  });

  it('a capability outside the host\'s bounding set: one warning, dropped from every set', () => {
    const { warnings, warn } = collect();
    const host = { lastCap: 40, bounding: ALL.bounding & ~(1n << 24n) };
    const sets = ['CAP_KILL', 'CAP_SYS_RESOURCE'];
    const out = capabilitySets({ bounding: sets, effective: sets, permitted: sets, inheritable: sets, ambient: sets }, host, warn)!;
    for (const s of ['bounding', 'effective', 'permitted', 'inheritable', 'ambient'] as const) assert.deepEqual(out[s], [5], s);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /CAP_SYS_RESOURCE is outside this host's bounding set/);
  });

  it('a name the kernel does not know (or newer than cap_last_cap): warned once and ignored', () => {
    const { warnings, warn } = collect();
    const old = { lastCap: 37, bounding: (1n << 38n) - 1n };
    const out = capabilitySets({ bounding: ['CAP_PERFMON', 'CAP_NOT_A_CAP', 'CAP_KILL'], permitted: ['CAP_PERFMON'] }, old, warn)!;
    assert.deepEqual(out.bounding, [5]);
    assert.deepEqual(out.permitted, []);
    assert.equal(warnings.length, 2);
    assert.match(warnings[0], /CAP_PERFMON is not known to this kernel/);
    assert.match(warnings[1], /CAP_NOT_A_CAP/);
  });

  it('ambient capabilities not both permitted and inheritable are dropped with a warning', () => {
    const { warnings, warn } = collect();
    const out = capabilitySets({ permitted: ['CAP_KILL'], inheritable: ['CAP_CHOWN'], ambient: ['CAP_KILL', 'CAP_CHOWN'] }, ALL, warn)!;
    assert.deepEqual(out.ambient, []);
    assert.equal(warnings.length, 2);
  });

  it('the field in warnings can be changed (exec --cap uses another)', () => {
    const { warnings, warn } = collect();
    capabilitySets({ bounding: ['CAP_BOGUS'] }, ALL, warn, 'exec --cap');
    assert.match(warnings[0], /^exec --cap\.bounding: CAP_BOGUS/);
  });
});
