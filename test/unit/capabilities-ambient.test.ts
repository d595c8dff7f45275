import * as assert from 'node:assert/strict';
import { it } from 'node:test';

import { capabilitySets } from '../../src/plan/capabilities';

const host = { lastCap: 40, bounding: (1n << 41n) - 1n };

it('keeps ambient capabilities that are permitted and inheritable, and warns about the rest', () => {
  const warnings: string[] = [];
  const sets = capabilitySets(
    { bounding: ['CAP_KILL', 'CAP_CHOWN'], permitted: ['CAP_KILL', 'CAP_CHOWN'], inheritable: ['CAP_CHOWN'], effective: ['CAP_KILL'], ambient: ['CAP_KILL', 'CAP_CHOWN'] },
    host,
    (m) => warnings.push(m),
  );
  assert.deepEqual(sets?.ambient, [0]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /ambient: CAP_KILL/);
});

it('drops capabilities outside the host bounding set with a warning', () => {
  const warnings: string[] = [];
  const sets = capabilitySets({ bounding: ['CAP_SYS_RESOURCE', 'CAP_KILL'] }, { lastCap: 40, bounding: 1n << 5n }, (m) => warnings.push(m));
  assert.deepEqual(sets?.bounding, [5]);
  assert.match(warnings[0], /CAP_SYS_RESOURCE is outside this host's bounding set/);
});
