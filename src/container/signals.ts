// Signal names and numbers as `kill` accepts them: KILL, SIGKILL, 9.
import { constants } from 'os';

import { RuntimeError } from '../util/errors';

const BY_NAME = constants.signals as Record<string, number>;

export function parseSignal(input: string | undefined, fallback = 'SIGTERM'): number {
  const s = (input ?? fallback).trim();
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    if (n < 1 || n > 64) throw new RuntimeError(`invalid signal ${s}`);
    return n;
  }
  const name = s.toUpperCase().startsWith('SIG') ? s.toUpperCase() : `SIG${s.toUpperCase()}`;
  const rt = /^SIGRTMIN(?:\+(\d+))?$/.exec(name) ?? /^SIGRTMAX(?:-(\d+))?$/.exec(name);
  if (rt) return name.startsWith('SIGRTMIN') ? 34 + Number(rt[1] ?? 0) : 64 - Number(rt[1] ?? 0);
  const n = BY_NAME[name];
  if (n === undefined) throw new RuntimeError(`invalid signal ${s}`);
  return n;
}
