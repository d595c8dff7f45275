import { test } from 'node:test';
import assert from 'node:assert/strict';

import { seccompFeatures, SeccompInfo } from '../../src/seccomp/features';

const info: SeccompInfo = {
  version: '2.5.4',
  apiLevel: 6,
  nativeArch: 'SCMP_ARCH_X86_64',
  actions: ['SCMP_ACT_KILL', 'SCMP_ACT_ALLOW', 'SCMP_ACT_ERRNO', 'SCMP_ACT_FUTURE'],
  operators: ['SCMP_CMP_EQ', 'SCMP_CMP_MASKED_EQ'],
  archs: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_LOONGARCH64'],
  supportedFlags: ['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_NEW_LISTENER'],
  tokens: {},
};

test('features list only names both libseccomp and the translation accept', () => {
  const f = seccompFeatures(info);
  assert.equal(f.enabled, true);
  assert.deepEqual(f.actions, ['SCMP_ACT_ALLOW', 'SCMP_ACT_ERRNO', 'SCMP_ACT_KILL']);
  assert.deepEqual(f.operators, ['SCMP_CMP_EQ', 'SCMP_CMP_MASKED_EQ']);
  // LOONGARCH64 would need a token table entry we do not have for 2.5.4.
  assert.deepEqual(f.archs, ['SCMP_ARCH_X86', 'SCMP_ARCH_X86_64']);
});

test('knownFlags are the config flags we accept; supportedFlags add the kernel view, TSYNC always', () => {
  const f = seccompFeatures(info);
  assert.deepEqual(f.knownFlags, [
    'SECCOMP_FILTER_FLAG_LOG',
    'SECCOMP_FILTER_FLAG_SPEC_ALLOW',
    'SECCOMP_FILTER_FLAG_TSYNC',
    'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV',
  ]);
  assert.deepEqual(f.supportedFlags, ['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_TSYNC']);
});

test('without the addon seccomp is reported disabled', () => {
  assert.deepEqual(seccompFeatures(undefined), { enabled: false });
});
