// The pure translation of the scheduling, personality, memory policy, LSM, netDevices and
// seccomp listener fields into plan values.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { parseIdList } from '../../src/plan/cpulist';
import { checkIntelRdt } from '../../src/plan/intelrdt';
import { checkLsm, labelMountData, mountLabel } from '../../src/plan/lsm';
import { memoryPolicyStep } from '../../src/plan/mempolicy';
import { keptAddresses, netDeviceMoves } from '../../src/plan/netdevices';
import { personalityValue } from '../../src/plan/personality';
import { affinityStep, ioPriorityValue, schedulerStep } from '../../src/plan/scheduler';
import { containerProcessState, listenerGoFields, seccompPlan } from '../../src/seccomp/listener';

test('id lists: ranges, singles, duplicates, and errors naming the field', () => {
  assert.deepEqual(parseIdList('0-3,7', 'f'), [0, 1, 2, 3, 7]);
  assert.deepEqual(parseIdList('5, 1-2 ,2', 'f'), [1, 2, 5]);
  assert.throws(() => parseIdList('', 'x.y'), /config\.json: x\.y: "" is not a list/);
  assert.throws(() => parseIdList('3-1', 'x.y'), /x\.y: range 3-1 runs backwards/);
  assert.throws(() => parseIdList('0-a', 'x.y'), /x\.y/);
  assert.throws(() => parseIdList('99999999', 'x.y'), /above/);
});

test('scheduler: policy, flags and the times, with runc\'s rules', () => {
  assert.equal(schedulerStep(undefined), undefined);
  assert.deepEqual(schedulerStep({ policy: 'SCHED_RR', priority: 10, flags: ['SCHED_FLAG_RESET_ON_FORK', 'SCHED_FLAG_KEEP_PARAMS'] }), {
    policy: 2,
    flags: 0x11,
    nice: 0,
    priority: 10,
    runtime: '0',
    deadline: '0',
    period: '0',
  });
  const dl = schedulerStep({ policy: 'SCHED_DEADLINE', runtime: 1e6, deadline: 5e6, period: 1e7 })!;
  assert.deepEqual([dl.policy, dl.runtime, dl.deadline, dl.period], [6, '1000000', '5000000', '10000000']);
  assert.equal(schedulerStep({ policy: 'SCHED_BATCH', nice: -5 })!.nice, -5);
  assert.throws(() => schedulerStep({ policy: 'SCHED_NOPE' }), /process\.scheduler\.policy: unknown policy/);
  assert.throws(() => schedulerStep({ policy: 'SCHED_OTHER', flags: ['X'] }), /process\.scheduler\.flags\[0\]/);
  assert.throws(() => schedulerStep({ policy: 'SCHED_OTHER', nice: 20 }), /process\.scheduler\.nice/);
  assert.throws(() => schedulerStep({ policy: 'SCHED_BATCH', priority: 1 }), /process\.scheduler\.priority/);
  assert.throws(() => schedulerStep({ policy: 'SCHED_FIFO', priority: 1, runtime: 5 }), /process\.scheduler\.runtime/);
});

test('ioPriority: class << 13 | level', () => {
  assert.equal(ioPriorityValue({ class: 'IOPRIO_CLASS_IDLE', priority: 4 }), (3 << 13) | 4);
  assert.equal(ioPriorityValue({ class: 'IOPRIO_CLASS_RT', priority: 0 }), 1 << 13);
  assert.equal(ioPriorityValue(undefined), undefined);
  assert.throws(() => ioPriorityValue({ class: 'IOPRIO_CLASS_BE', priority: 8 }), /process\.ioPriority\.priority/);
  assert.throws(() => ioPriorityValue({ class: 'BE', priority: 1 }), /process\.ioPriority\.class/);
});

test('execCPUAffinity: empty means leave alone', () => {
  assert.deepEqual(affinityStep({ initial: '0-1', final: '3' }), { initial: [0, 1], final: [3] });
  assert.deepEqual(affinityStep({ final: '2' }), { final: [2] });
  assert.equal(affinityStep({ initial: '', final: '' }), undefined);
  assert.throws(() => affinityStep({ final: 'x' }), /process\.execCPUAffinity\.final/);
});

test('personality: LINUX and LINUX32; flags are refused', () => {
  assert.equal(personalityValue({ domain: 'LINUX' }), 0);
  assert.equal(personalityValue({ domain: 'LINUX32' }), 8);
  assert.equal(personalityValue(undefined), undefined);
  assert.throws(() => personalityValue({ domain: 'LINUX32', flags: ['ADDR_NO_RANDOMIZE'] }), /linux\.personality\.flags\[0\]/);
  assert.throws(() => personalityValue({ domain: 'PER_BSD' }), /linux\.personality\.domain/);
});

test('memoryPolicy: mode with flag bits, node list', () => {
  assert.deepEqual(memoryPolicyStep({ mode: 'MPOL_BIND', nodes: '0-1', flags: ['MPOL_F_STATIC_NODES'] }), { mode: 2 | (1 << 15), nodes: [0, 1] });
  assert.deepEqual(memoryPolicyStep({ mode: 'MPOL_LOCAL' }), { mode: 4, nodes: [] });
  assert.deepEqual(memoryPolicyStep({ mode: 'MPOL_WEIGHTED_INTERLEAVE', nodes: '2' }), { mode: 6, nodes: [2] });
  assert.throws(() => memoryPolicyStep({ mode: 'MPOL_X' }), /linux\.memoryPolicy\.mode/);
  assert.throws(() => memoryPolicyStep({ mode: 'MPOL_BIND', nodes: '0', flags: ['MPOL_F_X'] }), /linux\.memoryPolicy\.flags\[0\]/);
});

test('LSMs: refused where runc refuses, mountLabel warned about and otherwise put in mount data', () => {
  const none = { apparmor: false, selinux: false };
  const both = { apparmor: true, selinux: true };
  assert.throws(() => checkLsm({ apparmorProfile: 'p' }, none), /process\.apparmorProfile: AppArmor is not enabled/);
  assert.throws(() => checkLsm({ selinuxLabel: 'l' }, none), /process\.selinuxLabel: SELinux is disabled/);
  assert.throws(() => checkLsm({ selinuxLabel: 'l' }, none, '--process p.json'), /: --process p\.json\.selinuxLabel/);
  checkLsm({ apparmorProfile: 'p', selinuxLabel: 'l' }, both);
  checkLsm({}, none);
  const warnings: string[] = [];
  assert.equal(mountLabel({ mountLabel: 'x_t' }, none, (w) => warnings.push(w)), undefined);
  assert.match(warnings[0], /^linux\.mountLabel: /);
  assert.equal(mountLabel({ mountLabel: 'x_t' }, both, () => assert.fail('no warning')), 'x_t');
  assert.equal(labelMountData('tmpfs', 'mode=755', 'x_t', false), 'mode=755,context="x_t"');
  assert.equal(labelMountData('mqueue', '', 'x_t', false), 'context="x_t"');
  assert.equal(labelMountData('bind', 'rbind', 'x_t', true), 'rbind');
  assert.equal(labelMountData('proc', '', 'x_t', false), '');
  assert.equal(labelMountData('tmpfs', 'size=1m', undefined, false), 'size=1m');
});

test('intelRdt: a clear error whatever the host', () => {
  checkIntelRdt({}, false);
  assert.throws(() => checkIntelRdt({ intelRdt: { closID: 'a' } }, false), /linux\.intelRdt: .*not mounted/);
  assert.throws(() => checkIntelRdt({ intelRdt: { closID: 'a' } }, true), /linux\.intelRdt: .*cannot manage/);
});

test('netDevices: moves with names, a network namespace required', () => {
  assert.deepEqual(netDeviceMoves({}, false), []);
  assert.deepEqual(netDeviceMoves({ netDevices: { eth1: {}, eth2: { name: 'ctr%d' } } }, true), [
    { host: 'eth1', name: 'eth1', field: 'linux.netDevices.eth1' },
    { host: 'eth2', name: 'ctr%d', field: 'linux.netDevices.eth2' },
  ]);
  assert.throws(() => netDeviceMoves({ netDevices: { eth1: {} } }, false), /linux\.netDevices: .*network/);
});

test('netDevices: only permanent global addresses are kept', () => {
  const ip = [
    {
      ifindex: 4,
      addr_info: [
        { family: 'inet', local: '10.0.0.2', prefixlen: 24, broadcast: '10.0.0.255', scope: 'global' },
        { family: 'inet', local: '10.0.1.2', prefixlen: 24, scope: 'global', dynamic: true },
        { family: 'inet6', local: 'fd00::2', prefixlen: 64, scope: 'global' },
        { family: 'inet6', local: 'fe80::1', prefixlen: 64, scope: 'link' },
        { family: 'inet', local: '127.0.0.9', prefixlen: 8, scope: 'host' },
      ],
    },
  ];
  assert.deepEqual(keptAddresses(ip), [
    { family: 'inet', local: '10.0.0.2', prefixlen: 24, broadcast: '10.0.0.255' },
    { family: 'inet6', local: 'fd00::2', prefixlen: 64 },
  ]);
  assert.deepEqual(keptAddresses(null), []);
});

test('seccomp listener: plan, container process state and the go fields', () => {
  const compiled = { bpf: Buffer.alloc(8, 1), flags: 8, notify: true, skipped: [] };
  const spec = { defaultAction: 'SCMP_ACT_ALLOW', listenerPath: '/run/agent.sock', listenerMetadata: 'm' };
  assert.deepEqual(seccompPlan(compiled, spec), { bpf: 'AQEBAQEBAQE=', flags: 8, listenerPath: '/run/agent.sock' });
  // No notifying rule: no connection is made even with a path.
  assert.equal(seccompPlan({ ...compiled, notify: false }, spec).listenerPath, undefined);
  const state = { ociVersion: '1.0.2', id: 'c', status: 'creating' as const, pid: 42, bundle: '/b' };
  assert.deepEqual(containerProcessState(spec, 42, state), { ociVersion: '1.3.0', fds: ['seccompFd'], pid: 42, metadata: 'm', state });
  assert.equal('metadata' in containerProcessState({ defaultAction: 'SCMP_ACT_ALLOW' }, 1, state), false);
  const go = listenerGoFields(seccompPlan(compiled, spec), spec, 42, (status) => ({ ...state, status }));
  assert.equal(JSON.parse(go.seccompState!).state.status, 'creating');
  assert.equal(JSON.parse(go.seccompStartState!).state.status, 'created');
  assert.deepEqual(listenerGoFields(null, spec, 42, () => state), {});
});
