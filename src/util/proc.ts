// Facts about host processes from /proc, used to tell a live container from a reused pid.
import * as fs from 'fs';

export interface ProcStat {
  state: string;
  startTime: string;
  ppid: number;
}

export function readProcStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name may contain spaces and parentheses: fields start after the last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: rest[0], ppid: Number(rest[1]), startTime: rest[19] };
}

/** Alive and the same process we started (same start time), not a zombie. */
export function isAlive(pid: number, startTime?: string): boolean {
  const st = readProcStat(pid);
  if (!st || st.state === 'Z' || st.state === 'X') return false;
  return startTime === undefined || st.startTime === startTime;
}
