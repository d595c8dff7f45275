// linux.sysctl in the plan (src/plan/sysctl.ts): which namespace each sysctl belongs to, and
// the refusal of those that would change the host. Pure.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { NamespaceType } from '../../src/spec/types';
import { sysctlNamespace, sysctlSteps } from '../../src/plan/sysctl';

const only = (...types: NamespaceType[]) => (t: NamespaceType) => types.includes(t);

describe('sysctlNamespace', () => {
  it('ipc, network and uts sysctls; slashes are dots', () => {
    for (const k of ['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced', 'fs.mqueue.msg_max', 'fs/mqueue/queues_max'])
      assert.equal(sysctlNamespace(k), 'ipc', k);
    for (const k of ['net.ipv4.ip_forward', 'net/ipv4/conf/all/forwarding', 'net.core.somaxconn']) assert.equal(sysctlNamespace(k), 'network', k);
    assert.equal(sysctlNamespace('kernel.hostname'), 'uts');
    assert.equal(sysctlNamespace('kernel.domainname'), 'uts');
  });

  it('the machine-wide ones have none', () => {
    for (const k of ['vm.swappiness', 'kernel.pid_max', 'kernel.shmmax_typo', 'fs.file-max', 'kernel.core_pattern']) assert.equal(sysctlNamespace(k), undefined, k);
  });
});

describe('sysctlSteps', () => {
  it('keys and values in config order when the namespaces are there', () => {
    assert.deepEqual(sysctlSteps({ 'net.ipv4.ip_forward': '1', 'kernel.shm_rmid_forced': '1', 'kernel.domainname': 'd' }, only('network', 'ipc', 'uts')), [
      { key: 'net.ipv4.ip_forward', value: '1' },
      { key: 'kernel.shm_rmid_forced', value: '1' },
      { key: 'kernel.domainname', value: 'd' },
    ]);
    assert.deepEqual(sysctlSteps(undefined, only()), []);
  });

  it('a namespaced sysctl without its namespace is refused naming the key', () => {
    assert.throws(() => sysctlSteps({ 'net.ipv4.ip_forward': '1' }, only('ipc')), /linux\.sysctl\.net\.ipv4\.ip_forward: needs a network namespace/);
    assert.throws(() => sysctlSteps({ 'kernel.msgmax': '1' }, only('network')), /linux\.sysctl\.kernel\.msgmax: needs a ipc namespace/);
    assert.throws(() => sysctlSteps({ 'kernel.hostname': 'h' }, only('network')), /linux\.sysctl\.kernel\.hostname: needs a uts namespace/);
  });

  it('a sysctl no namespace holds is refused whatever the namespaces', () => {
    assert.throws(() => sysctlSteps({ 'vm.swappiness': '10' }, only('network', 'ipc', 'uts', 'mount', 'pid')), /linux\.sysctl\.vm\.swappiness: not a namespaced sysctl/);
  });
});
