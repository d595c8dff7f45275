// libseccomp's and the kernel's numbers for the names config.json uses.
// Taken from libseccomp 2.5.4's <seccomp.h> and <linux/seccomp.h>; the
// seccomp-compile unit test holds these tables to the values the addon was
// built against, so a libseccomp upgrade that changes them fails loudly.

/** Actions without their 16-bit data (ERRNO and TRACE carry errnoRet there). */
export const ACTION_BASE = {
  SCMP_ACT_KILL: 0x00000000,
  SCMP_ACT_KILL_THREAD: 0x00000000,
  SCMP_ACT_KILL_PROCESS: 0x80000000,
  SCMP_ACT_TRAP: 0x00030000,
  SCMP_ACT_ERRNO: 0x00050000,
  SCMP_ACT_TRACE: 0x7ff00000,
  SCMP_ACT_LOG: 0x7ffc0000,
  SCMP_ACT_ALLOW: 0x7fff0000,
  SCMP_ACT_NOTIFY: 0x7fc00000,
} as const;

export type ActionName = keyof typeof ACTION_BASE;

/** The actions whose low 16 bits carry errnoRet (the errno, or the tracer's data). */
export const ACTIONS_WITH_DATA: ReadonlySet<string> = new Set(['SCMP_ACT_ERRNO', 'SCMP_ACT_TRACE']);

export const EPERM = 1;

/** libseccomp's architecture tokens (AUDIT_ARCH_* values; X32 is libseccomp's own). */
export const ARCH_TOKENS: Readonly<Record<string, number>> = {
  SCMP_ARCH_X86: 0x40000003,
  SCMP_ARCH_X86_64: 0xc000003e,
  SCMP_ARCH_X32: 0x4000003e,
  SCMP_ARCH_ARM: 0x40000028,
  SCMP_ARCH_AARCH64: 0xc00000b7,
  SCMP_ARCH_MIPS: 0x00000008,
  SCMP_ARCH_MIPS64: 0x80000008,
  SCMP_ARCH_MIPS64N32: 0xa0000008,
  SCMP_ARCH_MIPSEL: 0x40000008,
  SCMP_ARCH_MIPSEL64: 0xc0000008,
  SCMP_ARCH_MIPSEL64N32: 0xe0000008,
  SCMP_ARCH_PPC: 0x00000014,
  SCMP_ARCH_PPC64: 0x80000015,
  SCMP_ARCH_PPC64LE: 0xc0000015,
  SCMP_ARCH_S390: 0x00000016,
  SCMP_ARCH_S390X: 0x80000016,
  SCMP_ARCH_PARISC: 0x0000000f,
  SCMP_ARCH_PARISC64: 0x8000000f,
  SCMP_ARCH_RISCV64: 0xc00000f3,
};

/** Named by runtime-spec 1.3 (as of libseccomp 2.6) but unknown to libseccomp 2.5.4. */
export const ARCHS_NEWER_THAN_LIBSECCOMP: ReadonlySet<string> = new Set([
  'SCMP_ARCH_LOONGARCH64',
  'SCMP_ARCH_M68K',
  'SCMP_ARCH_SH',
  'SCMP_ARCH_SHEB',
]);

export const LIBSECCOMP_VERSION = '2.5.4';

export const OPERATORS: Readonly<Record<string, number>> = {
  SCMP_CMP_NE: 1,
  SCMP_CMP_LT: 2,
  SCMP_CMP_LE: 3,
  SCMP_CMP_EQ: 4,
  SCMP_CMP_GE: 5,
  SCMP_CMP_GT: 6,
  SCMP_CMP_MASKED_EQ: 7,
};

/** seccomp(SECCOMP_SET_MODE_FILTER) flags, <linux/seccomp.h>. */
export const FILTER_FLAG = {
  TSYNC: 1,
  LOG: 2,
  SPEC_ALLOW: 4,
  NEW_LISTENER: 8,
  TSYNC_ESRCH: 16,
  WAIT_KILLABLE_RECV: 32,
} as const;

/**
 * The flags config.json may name, and the bit each sets on the load call.
 * TSYNC is accepted and ignored: the filter is loaded by the single-threaded
 * init helper, so there are no other threads to synchronise (runc ignores it
 * for the same reason).
 */
export const SPEC_FLAGS: Readonly<Record<string, number>> = {
  SECCOMP_FILTER_FLAG_TSYNC: 0,
  SECCOMP_FILTER_FLAG_LOG: FILTER_FLAG.LOG,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW: FILTER_FLAG.SPEC_ALLOW,
  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV: FILTER_FLAG.WAIT_KILLABLE_RECV,
};

/** libseccomp's binary-tree optimisation level (SCMP_FLTATR_CTL_OPTIMIZE). */
export const OPTIMIZE_BINARY_TREE = 2;
