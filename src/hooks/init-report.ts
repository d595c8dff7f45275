// createContainer and startContainer hooks are run by the container's init (addon/init/hooks.cc),
// which reports each run as a frame of facts:
//   {"type":"hook","kind","index","path","timeout","exitCode","signal","timedOut","execErrno","stdout","stderr"}
// (createContainer over the sync socket, startContainer over the exec fifo). This turns a frame
// into the same outcome the runtime's own runner produces, so both read alike.
import type { HookKind } from '../spec/types';
import { errnoText, settle, type HookError, type HookOutcome } from './outcome';

export interface HookFrame {
  type: string;
  [key: string]: unknown;
}

/** A signal's name; built on first use, since loading `os` costs every command a little. */
let signalNames: Map<number, string> | undefined;
function signalName(n: number): string {
  signalNames ??= new Map(Object.entries((require('os') as typeof import('os')).constants.signals).map(([name, num]) => [num as number, name]));
  return signalNames.get(n) ?? `signal ${n}`;
}

export function isHookFrame(msg: HookFrame): boolean {
  return msg.type === 'hook';
}

export function outcomeOfFrame(msg: HookFrame): HookOutcome {
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);
  const exitCode = num(msg.exitCode);
  const signal = num(msg.signal);
  const execErrno = num(msg.execErrno);
  return {
    exitCode: exitCode >= 0 && !signal ? exitCode : null,
    signal: signal ? signalName(signal) : null,
    timedOut: msg.timedOut === true,
    execError: execErrno ? errnoText(execErrno) : null,
    stdout: typeof msg.stdout === 'string' ? msg.stdout : '',
    stderr: typeof msg.stderr === 'string' ? msg.stderr : '',
  };
}

/** Logs the hook's output; returns the error when it failed. */
export function settleHookFrame(msg: HookFrame): HookError | null {
  const timeout = typeof msg.timeout === 'number' ? msg.timeout : undefined;
  return settle(msg.kind as HookKind, num0(msg.index), String(msg.path ?? ''), timeout, outcomeOfFrame(msg));
}

function num0(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}
