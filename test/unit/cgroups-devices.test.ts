import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveDeviceRules, normalizeDeviceRules, v1DeviceLine } from '../../src/cgroups/device-rules';
import { deviceProgram } from '../../src/cgroups/device-filter';
import { containerDeviceRules, DEFAULT_DEVICE_RULES } from '../../src/cgroups/default-devices';

test('device rules: defaults of type, access and wildcards', () => {
  const [r] = normalizeDeviceRules([{ allow: true }]);
  assert.deepEqual(r, { allow: true, type: 'a', major: null, minor: null, access: 'rwm' });
  const [s] = normalizeDeviceRules([{ allow: false, type: 'c', major: 5, minor: -1, access: 'mwr' }]);
  assert.deepEqual(s, { allow: false, type: 'c', major: 5, minor: null, access: 'rwm' });
  assert.equal(v1DeviceLine(s!), 'c 5:* rwm');
  assert.equal(v1DeviceLine(r!), 'a');
  assert.equal(v1DeviceLine(normalizeDeviceRules([{ allow: true, type: 'b', access: 'r' }])[0]!), 'b *:* r');
});

test('device rules: effective set follows the v1 kernel list semantics', () => {
  const rules = normalizeDeviceRules([
    { allow: false, access: 'rwm' },
    { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' },
    { allow: true, type: 'c', major: 1, minor: 3, access: 'r' }, // merged into the same exception
    { allow: false, type: 'c', major: 1, minor: 3, access: 'w' }, // takes w away
    { allow: false, type: 'c', major: 10, minor: 229, access: 'rwm' }, // no-op under deny-all
    { allow: true, type: 'c', major: 5, minor: 0, access: 'rw' },
    { allow: false, type: 'c', major: 5, minor: 0, access: 'rw' }, // removes it entirely
  ]);
  assert.deepEqual(effectiveDeviceRules(rules), {
    defaultAllow: false,
    exceptions: [{ allow: true, type: 'c', major: 1, minor: 3, access: 'rm' }],
  });
  const open = effectiveDeviceRules(normalizeDeviceRules([
    { allow: true, type: 'c', major: 1, minor: 3, access: 'r' },
    { allow: true, access: 'rwm' }, // reset to allow-all
    { allow: false, type: 'b', major: 8, access: 'w' },
  ]));
  assert.deepEqual(open, { defaultAllow: true, exceptions: [{ allow: false, type: 'b', major: 8, minor: null, access: 'w' }] });
  assert.deepEqual(effectiveDeviceRules([]), { defaultAllow: false, exceptions: [] });
});

test('device program: deny-by-default with exceptions', () => {
  const prog = deviceProgram(normalizeDeviceRules([
    { allow: false, access: 'rwm' },
    { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' },
    { allow: true, type: 'c', major: 136, access: 'rw' },
    { allow: true, type: 'b', access: 'm' },
  ]));
  assert.equal(prog.defaultAllow, false);
  assert.deepEqual(prog.insns.map((i) => i.text), [
    'r2 = *(u32 *)(r1 + 0)',
    'w2 &= 0xffff',
    'r3 = *(u32 *)(r1 + 0)',
    'w3 >>= 16',
    'r4 = *(u32 *)(r1 + 4)',
    'r5 = *(u32 *)(r1 + 8)',
    // c 1:3 rwm
    'if r2 != 2 goto +4',
    'if r4 != 1 goto +3',
    'if r5 != 3 goto +2',
    'w0 = 1',
    'exit',
    // c 136:* rw
    'if r2 != 2 goto +6',
    'w1 = w3',
    'w1 &= 6',
    'if r1 != r3 goto +3',
    'if r4 != 136 goto +2',
    'w0 = 1',
    'exit',
    // b *:* m
    'if r2 != 1 goto +5',
    'w1 = w3',
    'w1 &= 1',
    'if r1 != r3 goto +2',
    'w0 = 1',
    'exit',
    // default
    'w0 = 0',
    'exit',
  ]);
  assert.equal(prog.bytecode.length, prog.insns.length * 8);
  assert.equal(prog.license, 'Apache');
});

test('device program: kernel encoding of struct bpf_insn', () => {
  const prog = deviceProgram(normalizeDeviceRules([{ allow: true, type: 'c', major: 1, minor: 3, access: 'r' }]));
  const hex = (i: number) => prog.bytecode.subarray(i * 8, i * 8 + 8).toString('hex');
  assert.equal(hex(0), '6112000000000000'); // ldxw r2, [r1+0]
  assert.equal(hex(1), '54020000ffff0000'); // and32 r2, 0xffff
  assert.equal(hex(3), '7403000010000000'); // rsh32 r3, 16
  assert.equal(hex(4), '6114040000000000'); // ldxw r4, [r1+4]
  assert.equal(hex(5), '6115080000000000'); // ldxw r5, [r1+8]
  assert.equal(hex(6), '5502070002000000'); // jne r2, 2, +7
  assert.equal(hex(7), 'bc31000000000000'); // mov32 r1, r3
  assert.equal(hex(8), '5401000002000000'); // and32 r1, 2
  assert.equal(hex(9), '5d31040000000000'); // jne r1, r3, +4
  assert.equal(hex(12), 'b400000001000000'); // mov32 r0, 1
  assert.equal(hex(13), '9500000000000000'); // exit
  assert.equal(hex(14), 'b400000000000000'); // mov32 r0, 0 (default deny)
});

test('device program: allow-all is a two-instruction verdict after the loads', () => {
  const prog = deviceProgram(normalizeDeviceRules([{ allow: true, access: 'rwm' }]));
  assert.equal(prog.defaultAllow, true);
  assert.deepEqual(prog.insns.slice(6).map((i) => i.text), ['w0 = 1', 'exit']);
});

test('default device rules: runc\'s list follows the config, minus devices the config defines', () => {
  const rules = containerDeviceRules([{ allow: false, access: 'rwm' }], [{ type: 'c', path: '/dev/null', major: 1, minor: 3 }]);
  assert.deepEqual(rules[0], { allow: false, access: 'rwm' });
  assert.equal(rules.length, 1 + DEFAULT_DEVICE_RULES.length - 1);
  assert.ok(!rules.some((r) => r.major === 1 && r.minor === 3));
  assert.ok(rules.some((r) => r.type === 'c' && r.major === 136 && r.minor === null && r.access === 'rwm'));
  assert.ok(rules.every((r) => !('path' in r)));
  const lines = normalizeDeviceRules(containerDeviceRules(undefined, undefined)).map(v1DeviceLine);
  assert.deepEqual(lines, ['c *:* m', 'b *:* m', 'c 1:3 rwm', 'c 1:8 rwm', 'c 1:7 rwm', 'c 5:0 rwm', 'c 1:5 rwm', 'c 1:9 rwm', 'c 136:* rwm', 'c 5:2 rwm']);
});
