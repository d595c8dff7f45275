// Pure translation of config.json's linux.seccomp into the numeric plan the
// addon compiles (addon/seccomp.cc) plus the flags the init helper passes to
// seccomp(2). Every decision about names, defaults and rule shapes is made
// here; the addon only calls libseccomp with what it is given.

import type { Seccomp, SeccompSyscall } from '../spec/types';
import {
  ACTION_BASE,
  ACTIONS_WITH_DATA,
  ARCH_TOKENS,
  ARCHS_NEWER_THAN_LIBSECCOMP,
  EPERM,
  FILTER_FLAG,
  LIBSECCOMP_VERSION,
  OPERATORS,
  OPTIMIZE_BINARY_TREE,
  SPEC_FLAGS,
} from './constants';
import { needsEnosysStub } from './enosys';

export interface SeccompArgPlan {
  index: number;
  op: number;
  /** uint64; MASKED_EQ: the mask. */
  value: bigint;
  /** uint64; MASKED_EQ: the value the masked argument must equal. */
  valueTwo: bigint;
}

export interface SeccompRulePlan {
  syscall: string;
  action: number;
  /** ANDed within the rule. */
  args: SeccompArgPlan[];
}

/** What the addon's compileSeccomp() takes. */
export interface SeccompCompilePlan {
  defaultAction: number;
  architectures: number[];
  rules: SeccompRulePlan[];
  /** SCMP_FLTATR_CTL_OPTIMIZE level, absent for libseccomp's default. */
  optimize?: number;
}

export interface SeccompTranslation {
  compile: SeccompCompilePlan;
  /** SECCOMP_FILTER_FLAG_* bits for seccomp(SECCOMP_SET_MODE_FILTER, flags, &prog). */
  loadFlags: number;
  /** Some rule uses SCMP_ACT_NOTIFY: the load returns a listener fd for listenerPath. */
  needsListener: boolean;
  /** For each compile.rules[i], the config entry it came from (for error messages). */
  ruleSources: string[];
  /**
   * When set, prefix the filter with the -ENOSYS stub (see enosys.ts) built
   * from the highest-numbered of these names: every name the profile lists,
   * whatever its action.
   */
  enosysNames?: string[];
}

/** A problem in linux.seccomp; `field` is the JSON path the message starts with. */
export class SeccompConfigError extends Error {
  constructor(
    readonly field: string,
    cause: string,
  ) {
    super(`${field}: ${cause}`);
    this.name = 'SeccompConfigError';
  }
}

/**
 * libseccomp 2.5.x can build a wrong binary tree for a filter without rules,
 * so, like runc, ask for the tree only when the rule list is long enough to
 * gain from it.
 */
const BINARY_TREE_MIN_RULES = 32;

const MAX_SYSCALL_ARGS = 6;

/** Syscalls the init makes between loading a notifying filter and the agent getting its fd. */
export const NOT_NOTIFIABLE: ReadonlySet<string> = new Set(['write', 'sendmsg']);

const UINT64_MAX = (1n << 64n) - 1n;

/** The argument values config.json may carry: a JSON number, or a lossless BigInt/decimal string. */
type ArgValue = number | bigint | string;

export function translateSeccomp(seccomp: Seccomp, field = 'linux.seccomp'): SeccompTranslation {
  const defaultAction = translateAction(
    seccomp.defaultAction,
    seccomp.defaultErrnoRet,
    `${field}.defaultAction`,
    `${field}.defaultErrnoRet`,
  );
  // A notifying default would also catch the write the init helper uses to
  // hand the listener fd out, and hang the container before it starts (runc
  // refuses it for the same reason).
  if (seccomp.defaultAction === 'SCMP_ACT_NOTIFY') {
    throw new SeccompConfigError(`${field}.defaultAction`, 'SCMP_ACT_NOTIFY cannot be the default action');
  }

  const architectures = (seccomp.architectures ?? []).map((name, i) =>
    translateArch(name, `${field}.architectures[${i}]`),
  );

  let loadFlags = 0;
  (seccomp.flags ?? []).forEach((name, i) => {
    const bit = SPEC_FLAGS[name];
    if (bit === undefined) {
      throw new SeccompConfigError(
        `${field}.flags[${i}]`,
        `unknown flag ${JSON.stringify(name)} (known: ${Object.keys(SPEC_FLAGS).join(', ')})`,
      );
    }
    loadFlags |= bit;
  });

  const rules: SeccompRulePlan[] = [];
  const ruleSources: string[] = [];
  let needsListener = false;
  (seccomp.syscalls ?? []).forEach((entry, i) => {
    const where = `${field}.syscalls[${i}]`;
    const action = translateAction(entry.action, entry.errnoRet, `${where}.action`, `${where}.errnoRet`);
    checkNames(entry, where);
    if (entry.action === 'SCMP_ACT_NOTIFY') {
      needsListener = true;
      // Right after the load the init sends the notify fd to the agent with
      // sendmsg, and then reports over its sync socket with write: a
      // notification on either would wait for an agent that has no fd yet
      // (runc refuses write for the same reason).
      entry.names.forEach((name, k) => {
        if (NOT_NOTIFIABLE.has(name)) {
          throw new SeccompConfigError(
            `${where}.names[${k}]`,
            `SCMP_ACT_NOTIFY cannot be used for ${name}: the runtime needs it to hand the notify fd to listenerPath`,
          );
        }
      });
    }
    const args = (entry.args ?? []).map((arg, j) => translateArg(arg, `${where}.args[${j}]`));
    // libseccomp refuses a rule whose action is the default one; it would
    // change nothing, so drop it the way runc does.
    if (action === defaultAction) return;
    entry.names.forEach((syscall, k) => {
      for (const argSet of splitArgs(args)) {
        rules.push({ syscall, action, args: argSet });
        ruleSources.push(`${where}.names[${k}]`);
      }
    });
  });

  if (needsListener) {
    if (!seccomp.listenerPath) {
      throw new SeccompConfigError(`${field}.listenerPath`, 'required when a rule uses SCMP_ACT_NOTIFY');
    }
    loadFlags |= FILTER_FLAG.NEW_LISTENER;
  } else {
    // WAIT_KILLABLE_RECV describes how the listener receives; the kernel
    // rejects it without a listener, so it means nothing here.
    loadFlags &= ~FILTER_FLAG.WAIT_KILLABLE_RECV;
  }
  if (seccomp.listenerMetadata !== undefined && !seccomp.listenerPath) {
    throw new SeccompConfigError(`${field}.listenerMetadata`, 'must not be set without listenerPath');
  }

  const compile: SeccompCompilePlan = { defaultAction, architectures, rules };
  if (rules.length > BINARY_TREE_MIN_RULES) compile.optimize = OPTIMIZE_BINARY_TREE;
  const out: SeccompTranslation = { compile, loadFlags, needsListener, ruleSources };
  if (needsEnosysStub(seccomp.defaultAction, seccomp.defaultErrnoRet)) {
    out.enosysNames = [...new Set((seccomp.syscalls ?? []).flatMap((e) => e.names))];
  }
  return out;
}

/** The numeric action, with errnoRet in the low 16 bits for ERRNO and TRACE (default EPERM). */
export function translateAction(
  name: string,
  errnoRet: number | undefined,
  field: string,
  errnoField: string,
): number {
  if (!Object.prototype.hasOwnProperty.call(ACTION_BASE, name)) {
    throw new SeccompConfigError(
      field,
      `unknown action ${JSON.stringify(name)} (known: ${Object.keys(ACTION_BASE).join(', ')})`,
    );
  }
  const base = ACTION_BASE[name as keyof typeof ACTION_BASE];
  if (!ACTIONS_WITH_DATA.has(name)) {
    if (errnoRet !== undefined) throw new SeccompConfigError(errnoField, `${name} does not return an errno`);
    return base;
  }
  const data = errnoRet ?? EPERM;
  if (!Number.isInteger(data) || data < 0 || data > 0xffff) {
    throw new SeccompConfigError(errnoField, `${String(data)} is not an errno (0-65535)`);
  }
  return (base | data) >>> 0;
}

export function translateArch(name: string, field: string): number {
  const token = ARCH_TOKENS[name];
  if (token !== undefined) return token;
  if (ARCHS_NEWER_THAN_LIBSECCOMP.has(name)) {
    throw new SeccompConfigError(field, `${name} is not supported by libseccomp ${LIBSECCOMP_VERSION}`);
  }
  throw new SeccompConfigError(field, `unknown architecture ${JSON.stringify(name)}`);
}

function checkNames(entry: SeccompSyscall, where: string): void {
  if (!Array.isArray(entry.names) || entry.names.length === 0) {
    throw new SeccompConfigError(`${where}.names`, 'must name at least one syscall');
  }
  entry.names.forEach((name, k) => {
    if (typeof name !== 'string' || name === '') {
      throw new SeccompConfigError(`${where}.names[${k}]`, 'must be a non-empty syscall name');
    }
  });
}

function translateArg(
  arg: { index: number; value: ArgValue; valueTwo?: ArgValue; op: string },
  where: string,
): SeccompArgPlan {
  if (!Number.isInteger(arg.index) || arg.index < 0 || arg.index >= MAX_SYSCALL_ARGS) {
    throw new SeccompConfigError(`${where}.index`, `${String(arg.index)} is not a syscall argument index (0-5)`);
  }
  const op = OPERATORS[arg.op];
  if (op === undefined) {
    throw new SeccompConfigError(
      `${where}.op`,
      `unknown operator ${JSON.stringify(arg.op)} (known: ${Object.keys(OPERATORS).join(', ')})`,
    );
  }
  return {
    index: arg.index,
    op,
    value: toUint64(arg.value, `${where}.value`),
    valueTwo: arg.valueTwo === undefined ? 0n : toUint64(arg.valueTwo, `${where}.valueTwo`),
  };
}

/**
 * A uint64 from what JSON parsing may have produced. A plain number above
 * 2^53 has already lost precision in JSON.parse; it is taken as parsed, and
 * the config loader should hand such values over as BigInt or string.
 */
export function toUint64(value: unknown, field: string): bigint {
  let out: bigint;
  if (typeof value === 'bigint') {
    out = value;
  } else if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new SeccompConfigError(field, `${value} is not an unsigned integer`);
    out = BigInt(value);
  } else if (typeof value === 'string' && /^[0-9]+$/.test(value)) {
    out = BigInt(value);
  } else {
    throw new SeccompConfigError(field, `${JSON.stringify(value)} is not an unsigned 64-bit integer`);
  }
  if (out < 0n || out > UINT64_MAX) {
    throw new SeccompConfigError(field, `${out} is out of the unsigned 64-bit range`);
  }
  return out;
}

/**
 * Comparisons in one syscall entry are ANDed (libseccomp does that within a
 * rule). But when two comparisons test the same argument, runc adds one rule
 * per comparison instead, which ORs them: profiles rely on that to allow a
 * list of values, e.g. several personality() arguments in one entry.
 */
export function splitArgs(args: SeccompArgPlan[]): SeccompArgPlan[][] {
  if (args.length === 0) return [[]];
  const indexes = new Set(args.map((a) => a.index));
  if (indexes.size === args.length) return [args];
  return args.map((a) => [a]);
}
