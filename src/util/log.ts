// Logging as runc does it: text or JSON lines to --log (default stderr). Writes are
// synchronous on purpose: process.stderr on a pipe would make the fd non-blocking, and
// that file description may be shared with the container.
import * as fs from 'fs';

export type LogFormat = 'text' | 'json';
type Level = 'debug' | 'info' | 'warning' | 'error';

let logFd = 2;
let format: LogFormat = 'text';
let debugEnabled = false;

export function configureLog(opts: { file?: string; format?: string; debug?: boolean }): void {
  if (opts.format) {
    if (opts.format !== 'text' && opts.format !== 'json') throw new Error(`--log-format: unknown format ${opts.format} (text or json)`);
    format = opts.format;
  }
  debugEnabled = !!opts.debug;
  if (opts.file) logFd = fs.openSync(opts.file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT, 0o644);
}

function write(level: Level, msg: string): void {
  let line: string;
  if (format === 'json') {
    line = JSON.stringify({ level, msg, time: new Date().toISOString() });
  } else if (logFd === 2) {
    line = level === 'error' ? msg : `${level}: ${msg}`;
  } else {
    line = `time="${new Date().toISOString()}" level=${level} msg=${JSON.stringify(msg)}`;
  }
  try {
    fs.writeSync(logFd, line + '\n');
  } catch {
    // Nowhere left to report a failed log write.
  }
}

export const log = {
  debug: (msg: string) => debugEnabled && write('debug', msg),
  info: (msg: string) => write('info', msg),
  warn: (msg: string) => write('warning', msg),
  error: (msg: string) => write('error', msg),
  /** Errors also go to stderr when the log is a file, so a person sees them. */
  fatal(msg: string): void {
    write('error', msg);
    if (logFd !== 2) {
      try {
        fs.writeSync(2, msg + '\n');
      } catch {
        // stderr closed
      }
    }
  },
};
