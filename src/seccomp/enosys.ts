// The -ENOSYS prefix runc puts in front of libseccomp's filter.
//
// A profile lists the syscalls its author knew. A syscall added to the
// kernel later falls to the default action, usually ERRNO(EPERM), and libc
// treats EPERM as a real refusal instead of falling back to an older call
// (glibc's fchmodat2, clone3 and faccessat2 probes, for instance). So, like
// runc, syscalls numbered above the highest one the profile names return
// ENOSYS, "not implemented", which every libc handles. The prefix is plain
// classic BPF, built here and prepended to the addon's exported program.

import * as os from 'node:os';

import { ARCH_TOKENS } from './constants';

const ENOSYS = 38;
const RET_ERRNO_ENOSYS = 0x00050000 | ENOSYS;

/** The x32 ABI runs under AUDIT_ARCH_X86_64 and marks its syscall numbers with this bit. */
const X32_SYSCALL_BIT = 0x40000000;

// Classic BPF opcodes (<linux/bpf_common.h>).
const LD_W_ABS = 0x20;
const JMP_JA = 0x05;
const JMP_JEQ_K = 0x15;
const JMP_JGT_K = 0x25;
const JMP_JSET_K = 0x45;
const RET_K = 0x06;

// Offsets in struct seccomp_data.
const DATA_NR = 0;
const DATA_ARCH = 4;

/** The actions after which unknown syscalls already behave well (or are meant to reach the tracer). */
const PERMISSIVE_DEFAULTS = new Set(['SCMP_ACT_ALLOW', 'SCMP_ACT_LOG', 'SCMP_ACT_TRACE']);

/**
 * Whether the filter needs the prefix: not when the default lets unknown
 * syscalls through, nor when it already answers ENOSYS.
 */
export function needsEnosysStub(defaultAction: string, defaultErrnoRet: number | undefined): boolean {
  if (PERMISSIVE_DEFAULTS.has(defaultAction)) return false;
  if (defaultAction === 'SCMP_ACT_ERRNO' && defaultErrnoRet === ENOSYS) return false;
  return true;
}

/** The libseccomp token of the architecture Node runs on (always in a filter), if known. */
export function nativeArchToken(arch: string = process.arch): number | undefined {
  const names: Record<string, string> = {
    x64: 'SCMP_ARCH_X86_64',
    ia32: 'SCMP_ARCH_X86',
    arm: 'SCMP_ARCH_ARM',
    arm64: 'SCMP_ARCH_AARCH64',
    ppc64: os.endianness() === 'LE' ? 'SCMP_ARCH_PPC64LE' : 'SCMP_ARCH_PPC64',
    s390x: 'SCMP_ARCH_S390X',
    riscv64: 'SCMP_ARCH_RISCV64',
  };
  const name = names[arch];
  return name === undefined ? undefined : ARCH_TOKENS[name];
}

/** Highest syscall number the profile names, per libseccomp architecture token. */
export type MaxSyscalls = Map<number, number>;

/** From resolveSyscalls' rows (one per arch, -1 for absent names) to the highest number per arch. */
export function maxSyscalls(archs: number[], rows: number[][]): MaxSyscalls {
  const out: MaxSyscalls = new Map();
  archs.forEach((arch, i) => {
    const max = Math.max(-1, ...rows[i]);
    if (max >= 0) out.set(arch >>> 0, max);
  });
  return out;
}

interface Insn {
  code: number;
  jt?: string;
  jf?: string;
  /** ja's target. */
  to?: string;
  k: number;
  label?: string;
}

/**
 * The prefix program: dispatch on seccomp_data.arch, return ENOSYS for a
 * syscall number above that architecture's maximum, otherwise fall into the
 * original filter, which reloads what it needs. An architecture without a
 * maximum (or not in the filter) goes straight to the filter.
 */
export function buildEnosysStub(max: MaxSyscalls): Buffer {
  const x86_64 = ARCH_TOKENS.SCMP_ARCH_X86_64;
  const x32 = ARCH_TOKENS.SCMP_ARCH_X32;
  const s390 = new Set([ARCH_TOKENS.SCMP_ARCH_S390, ARCH_TOKENS.SCMP_ARCH_S390X]);

  // Kernel arch value -> its section. x32 shares AUDIT_ARCH_X86_64 with x86_64.
  const sections = new Map<number, Insn[]>();
  const gt = (limit: number): Insn => ({ code: JMP_JGT_K, k: limit >>> 0, jt: 'enosys', jf: 'filter' });
  const toFilter: Insn = { code: JMP_JA, k: 0, to: 'filter' };
  for (const [arch, limit] of max) {
    if (arch === x86_64 || arch === x32) continue;
    const body: Insn[] = [{ code: LD_W_ABS, k: DATA_NR }];
    // s390 multiplexes syscall numbers it does not know onto 0, setup(2),
    // which no one calls any more.
    if (s390.has(arch)) body.push({ code: JMP_JEQ_K, k: 0, jt: 'enosys' });
    body.push(gt(limit));
    sections.set(arch, body);
  }
  if (max.has(x86_64) || max.has(x32)) {
    const native64 = max.get(x86_64);
    const abi32 = max.get(x32);
    sections.set(x86_64, [
      { code: LD_W_ABS, k: DATA_NR },
      { code: JMP_JSET_K, k: X32_SYSCALL_BIT, jt: 'x32', jf: 'x86_64' },
      native64 === undefined ? { ...toFilter, label: 'x86_64' } : { ...gt(native64), label: 'x86_64' },
      abi32 === undefined ? { ...toFilter, label: 'x32' } : { ...gt(abi32), label: 'x32' },
    ]);
  }

  const program: Insn[] = [{ code: LD_W_ABS, k: DATA_ARCH }];
  // A conditional jump without jf falls through to the next instruction.
  for (const arch of sections.keys()) program.push({ code: JMP_JEQ_K, k: arch, jt: `arch-${arch}` });
  program.push(toFilter);
  for (const [arch, body] of sections) {
    body[0].label = `arch-${arch}`;
    program.push(...body);
  }
  program.push({ code: RET_K, k: RET_ERRNO_ENOSYS, label: 'enosys' });
  return assemble(program);
}

/** Resolves labels to forward offsets and encodes struct sock_filter in host byte order. */
function assemble(program: Insn[]): Buffer {
  const at = new Map<string, number>();
  program.forEach((insn, i) => {
    if (insn.label) at.set(insn.label, i);
  });
  at.set('filter', program.length);
  const offset = (from: number, label: string | undefined): number => {
    if (label === undefined) return 0;
    const target = at.get(label);
    if (target === undefined) throw new Error(`seccomp stub: no label ${label}`);
    const off = target - (from + 1);
    if (off < 0 || off > 255) throw new Error(`seccomp stub: jump to ${label} out of range (${off})`);
    return off;
  };
  const buf = Buffer.alloc(program.length * 8);
  const le = os.endianness() === 'LE';
  program.forEach((insn, i) => {
    let k = insn.k >>> 0;
    if (insn.code === JMP_JA) k = offset(i, insn.to);
    const base = i * 8;
    if (le) {
      buf.writeUInt16LE(insn.code, base);
      buf.writeUInt32LE(k, base + 4);
    } else {
      buf.writeUInt16BE(insn.code, base);
      buf.writeUInt32BE(k, base + 4);
    }
    buf.writeUInt8(offset(i, insn.jt), base + 2);
    buf.writeUInt8(offset(i, insn.jf), base + 3);
  });
  return buf;
}
