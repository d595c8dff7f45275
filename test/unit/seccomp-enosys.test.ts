import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as os from 'node:os';

import { ARCH_TOKENS } from '../../src/seccomp/constants';
import { buildEnosysStub, maxSyscalls, nativeArchToken, needsEnosysStub } from '../../src/seccomp/enosys';
import { translateSeccomp } from '../../src/seccomp/translate';

const X86_64 = ARCH_TOKENS.SCMP_ARCH_X86_64;
const X32 = ARCH_TOKENS.SCMP_ARCH_X32;
const X86 = ARCH_TOKENS.SCMP_ARCH_X86;
const S390X = ARCH_TOKENS.SCMP_ARCH_S390X;
const AARCH64 = ARCH_TOKENS.SCMP_ARCH_AARCH64;
const ENOSYS_RET = 0x00050026;

/**
 * Runs the stub the way the kernel would on seccomp_data {nr, arch}: the
 * result is its return value, or 'filter' when it falls into the program
 * that follows it.
 */
function run(stub: Buffer, arch: number, nr: number): number | 'filter' {
  const le = os.endianness() === 'LE';
  const n = stub.length / 8;
  let acc = 0;
  for (let pc = 0, steps = 0; steps < 1000; steps++) {
    if (pc === n) return 'filter';
    assert.ok(pc < n, `pc ${pc} jumped past the filter start`);
    const code = le ? stub.readUInt16LE(pc * 8) : stub.readUInt16BE(pc * 8);
    const jt = stub.readUInt8(pc * 8 + 2);
    const jf = stub.readUInt8(pc * 8 + 3);
    const k = le ? stub.readUInt32LE(pc * 8 + 4) : stub.readUInt32BE(pc * 8 + 4);
    switch (code) {
      case 0x20: // ld [k]
        assert.ok(k === 0 || k === 4, `load from offset ${k}`);
        acc = k === 0 ? nr >>> 0 : arch >>> 0;
        pc++;
        break;
      case 0x05: // ja
        pc += 1 + k;
        break;
      case 0x15: // jeq
        pc += 1 + (acc === k ? jt : jf);
        break;
      case 0x25: // jgt
        pc += 1 + (acc > k ? jt : jf);
        break;
      case 0x45: // jset
        pc += 1 + ((acc & k) !== 0 ? jt : jf);
        break;
      case 0x06: // ret
        return k;
      default:
        assert.fail(`unexpected opcode 0x${code.toString(16)}`);
    }
  }
  assert.fail('stub loops');
}

test('which defaults get the stub', () => {
  assert.equal(needsEnosysStub('SCMP_ACT_ERRNO', undefined), true);
  assert.equal(needsEnosysStub('SCMP_ACT_ERRNO', 1), true);
  assert.equal(needsEnosysStub('SCMP_ACT_ERRNO', 38), false, 'already ENOSYS');
  assert.equal(needsEnosysStub('SCMP_ACT_KILL', undefined), true);
  assert.equal(needsEnosysStub('SCMP_ACT_KILL_PROCESS', undefined), true);
  assert.equal(needsEnosysStub('SCMP_ACT_TRAP', undefined), true);
  for (const permissive of ['SCMP_ACT_ALLOW', 'SCMP_ACT_LOG', 'SCMP_ACT_TRACE']) {
    assert.equal(needsEnosysStub(permissive, undefined), false, permissive);
  }
});

test('translation lists every profile name for the stub, whatever its action', () => {
  const out = translateSeccomp({
    defaultAction: 'SCMP_ACT_ERRNO',
    syscalls: [
      { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' },
      { names: ['fchmodat2', 'read'], action: 'SCMP_ACT_ERRNO' }, // same as the default: no rule, but known
    ],
  });
  assert.deepEqual(out.enosysNames, ['read', 'write', 'fchmodat2']);
  assert.equal(translateSeccomp({ defaultAction: 'SCMP_ACT_ALLOW' }).enosysNames, undefined);
  assert.equal(
    translateSeccomp({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 38 }).enosysNames,
    undefined,
  );
});

test('maxSyscalls keeps the highest known number per architecture', () => {
  const max = maxSyscalls([X86_64, X86, AARCH64], [
    [0, 452, -1],
    [3, -1, -1],
    [-1, -1, -1],
  ]);
  assert.deepEqual([...max], [
    [X86_64, 452],
    [X86, 3],
  ]);
});

test('x86_64 and x32 share the kernel arch and are told apart by the x32 bit', () => {
  const stub = buildEnosysStub(
    new Map([
      [X86_64, 452],
      [X32, 0x40000000 + 547],
      [X86, 462],
    ]),
  );
  assert.equal(run(stub, X86_64, 0), 'filter');
  assert.equal(run(stub, X86_64, 452), 'filter');
  assert.equal(run(stub, X86_64, 453), ENOSYS_RET);
  assert.equal(run(stub, X86_64, 1000), ENOSYS_RET);
  assert.equal(run(stub, X86_64, 0x40000000 + 1), 'filter', 'x32 read');
  assert.equal(run(stub, X86_64, 0x40000000 + 547), 'filter');
  assert.equal(run(stub, X86_64, 0x40000000 + 548), ENOSYS_RET);
  assert.equal(run(stub, X86, 462), 'filter');
  assert.equal(run(stub, X86, 463), ENOSYS_RET);
  // An architecture without a section (here aarch64) goes to the filter, which applies its bad-arch action.
  assert.equal(run(stub, AARCH64, 5000), 'filter');
});

test('x86_64 without x32 sends x32 numbers to the filter', () => {
  const stub = buildEnosysStub(new Map([[X86_64, 300]]));
  assert.equal(run(stub, X86_64, 301), ENOSYS_RET);
  assert.equal(run(stub, X86_64, 0x40000000 + 5000), 'filter');
});

test('s390x: syscall 0 is the multiplexer for unknown numbers and gets ENOSYS', () => {
  const stub = buildEnosysStub(new Map([[S390X, 450]]));
  assert.equal(run(stub, S390X, 0), ENOSYS_RET);
  assert.equal(run(stub, S390X, 1), 'filter');
  assert.equal(run(stub, S390X, 451), ENOSYS_RET);
});

test('an empty map still produces a stub that falls through', () => {
  const stub = buildEnosysStub(new Map());
  assert.equal(run(stub, X86_64, 1000), 'filter');
});

test('the native architecture token follows process.arch', () => {
  assert.equal(nativeArchToken('x64'), X86_64);
  assert.equal(nativeArchToken('arm64'), AARCH64);
  assert.equal(nativeArchToken('mips'), undefined);
});
