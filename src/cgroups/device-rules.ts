// Device cgroup rules (linux.resources.devices): validation, the v1 devices.allow/deny
// lines, and the effective rule set both cgroup versions enforce.
//
// Semantics follow the v1 kernel (and runc, which emulates v1 on v2): the rules start from
// "deny everything"; a rule of type "a" with wildcard numbers resets the whole list to
// allow-all or deny-all; any other rule either adds an exception to the default or, when it
// has the same verdict as the default, takes access bits away from a matching exception.

import type { DeviceCgroupRule } from '../spec/types';
import { CgroupError, } from './errors';
import { RES } from './types';

export interface DeviceRule {
  allow: boolean;
  type: 'a' | 'b' | 'c';
  /** null = wildcard */
  major: number | null;
  minor: number | null;
  /** subset of "rwm", in that order */
  access: string;
}

const FIELD = `${RES}.devices`;

export function normalizeDeviceRules(rules: DeviceCgroupRule[] | undefined): DeviceRule[] {
  return (rules ?? []).map((r, i) => {
    const field = `${FIELD}[${i}]`;
    const type = r.type ?? 'a';
    if (type !== 'a' && type !== 'b' && type !== 'c') {
      throw new CgroupError(`${field}.type`, `invalid device type "${type}" (want a, b or c)`);
    }
    const access = r.access ?? 'rwm';
    if (access === '' || /[^rwm]/.test(access)) {
      throw new CgroupError(`${field}.access`, `invalid access "${access}" (want letters from "rwm")`);
    }
    const num = (v: number | null | undefined, name: string): number | null => {
      if (v === undefined || v === null || v === -1) return null;
      if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
        throw new CgroupError(`${field}.${name}`, `invalid device number ${v}`);
      }
      return v;
    };
    return {
      allow: r.allow,
      type,
      major: num(r.major, 'major'),
      minor: num(r.minor, 'minor'),
      access: ['r', 'w', 'm'].filter((c) => access.includes(c)).join(''),
    };
  });
}

/** True for a rule the kernel treats as "the whole list" (v1 writes just "a"). */
export function isWholeListRule(r: DeviceRule): boolean {
  return r.type === 'a';
}

/** The devices.allow / devices.deny line of one rule: "c 1:3 rwm", "c 136:* rwm", or "a". */
export function v1DeviceLine(r: DeviceRule): string {
  if (isWholeListRule(r)) return 'a';
  const n = (v: number | null) => (v === null ? '*' : String(v));
  return `${r.type} ${n(r.major)}:${n(r.minor)} ${r.access}`;
}

export interface EffectiveDeviceRules {
  defaultAllow: boolean;
  /** Rules whose verdict is the opposite of the default; the order does not matter. */
  exceptions: DeviceRule[];
}

/** Apply the rules in order, starting from deny-all, the way the v1 kernel does. */
export function effectiveDeviceRules(rules: DeviceRule[]): EffectiveDeviceRules {
  let defaultAllow = false;
  let exceptions: DeviceRule[] = [];
  const sameDevice = (a: DeviceRule, b: DeviceRule) =>
    a.type === b.type && a.major === b.major && a.minor === b.minor;
  for (const r of rules) {
    if (isWholeListRule(r)) {
      defaultAllow = r.allow;
      exceptions = [];
      continue;
    }
    if (r.allow === defaultAllow) {
      // Same verdict as the default: remove these access bits from the matching exception.
      exceptions = exceptions
        .map((e) => (sameDevice(e, r) ? { ...e, access: [...e.access].filter((c) => !r.access.includes(c)).join('') } : e))
        .filter((e) => e.access !== '');
      continue;
    }
    const existing = exceptions.find((e) => sameDevice(e, r));
    if (existing) {
      existing.access = ['r', 'w', 'm'].filter((c) => existing.access.includes(c) || r.access.includes(c)).join('');
    } else {
      exceptions.push({ ...r, allow: !defaultAllow });
    }
  }
  return { defaultAllow, exceptions };
}
