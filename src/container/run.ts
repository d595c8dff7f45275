// `run`: create + start + wait + delete, with the container's exit status as ours.
import * as fs from 'fs';
import * as path from 'path';
import * as tty from 'tty';

import { native } from '../native';
import { RuntimeError } from '../util/errors';
import { writeFileAtomic } from '../util/fsx';
import { createContainer, type CreateOptions } from './create';
import { destroyContainer } from './destroy';
import { signalInit } from './signal';
import { startCreated } from './start';

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH', 'SIGCONT', 'SIGTSTP'];

export interface RunOptions extends CreateOptions {
  detach?: boolean;
  keep?: boolean;
}

/** Resolves to the exit code `run` should return (128+N when killed by signal N). */
export async function runContainer(opts: RunOptions): Promise<number> {
  // In the foreground the pid file waits until our signals are forwarded: whoever reads it
  // may signal us at once.
  const { rec, dir, consoleMaster } = createContainer({
    ...opts,
    takeConsoleIfTerminal: !opts.consoleSocket && !opts.detach,
    detachedRun: opts.detach,
    pidFile: opts.detach ? opts.pidFile : undefined,
  });
  if (opts.detach) {
    startCreated(rec, dir);
    dir.close();
    return 0;
  }
  const pid = rec.pid!;
  const exited = native().waitExit(pid);
  const handlers = FORWARDED.map((sig) => {
    const h = () => {
      if (sig === 'SIGWINCH' && consoleMaster !== undefined && process.stdout.isTTY) {
        native().setWinsize(consoleMaster, process.stdout.rows, process.stdout.columns);
        return;
      }
      signalInit(rec, (require('os').constants.signals as Record<string, number>)[sig]);
    };
    process.on(sig, h);
    return [sig, h] as const;
  });
  try {
    if (opts.pidFile) writeFileAtomic(path.resolve(opts.pidFile), String(pid), 0o644);
  } catch (e) {
    // As when create itself cannot write it: no container is left behind.
    for (const [sig, h] of handlers) process.off(sig, h);
    destroyContainer(rec, dir, false);
    await exited;
    throw e;
  }
  const proxy = consoleMaster !== undefined ? proxyConsole(consoleMaster) : undefined;
  try {
    startCreated(rec, dir);
  } catch (e) {
    proxy?.restore();
    throw e;
  }
  const status = await exited;
  // Output still in the pty's buffer when the process exited is copied before we go.
  await proxy?.drain(1000);
  proxy?.restore();
  for (const [sig, h] of handlers) process.off(sig, h);
  if (!opts.keep) destroyContainer(rec, dir, true);
  else dir.close();
  return status.signal !== undefined ? 128 + status.signal : status.code ?? 0;
}

/** Writes all of buf to fd, waiting out EAGAIN (our stdout may be a non-blocking pipe). */
function writeAllSync(fd: number, buf: Buffer): void {
  let off = 0;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  while (off < buf.length) {
    try {
      off += fs.writeSync(fd, buf, off, buf.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(sleeper, 0, 0, 1);
    }
  }
}

export interface ConsoleProxy {
  /** Resolves once the container side of the pty is closed (all output copied), or after timeoutMs. */
  drain(timeoutMs: number): Promise<void>;
  /** Stops copying and gives our terminal back its own mode. */
  restore(): void;
}

/**
 * Copies between our stdio and the pty master, with our own terminal (when stdin is one)
 * in raw mode so that keys like ^C reach the container's line discipline unchanged.
 */
export function proxyConsole(master: number): ConsoleProxy {
  const stdinTty = tty.isatty(0);
  if (tty.isatty(1)) {
    const [cols, rows] = (process.stdout as tty.WriteStream).getWindowSize();
    native().setWinsize(master, rows, cols);
  }
  // A tty stream on the master: epoll-driven, and writable too (one libuv handle per fd).
  // The stream gets its own duplicate: it closes that fd at its first EIO, which the kernel
  // may report before the last output is readable, and drain() still reads the rest.
  const pty = new tty.ReadStream(native().dupFd(master));
  let closed = false;
  let onClosed: () => void = () => {};
  const finish = () => {
    closed = true;
    onClosed();
  };
  pty.on('data', (chunk: Buffer) => {
    try {
      writeAllSync(1, chunk);
    } catch {
      // our stdout is gone; the container goes on
    }
  });
  // EIO is how a pty master reports that the last holder of the peer closed it.
  pty.on('error', finish);
  pty.on('end', finish);
  pty.on('close', finish);
  const stdin = process.stdin;
  if (stdinTty) (stdin as tty.ReadStream).setRawMode(true);
  const forward = (chunk: Buffer) => {
    if (!closed) pty.write(chunk);
  };
  stdin.on('data', forward);
  stdin.on('error', () => {});
  return {
    drain(timeoutMs: number): Promise<void> {
      // The stream stops at the first EIO, which may come while the pty still holds
      // output; read the rest ourselves until the kernel says the peer is gone for good.
      pty.pause();
      for (let chunk = pty.read() as Buffer | null; chunk; chunk = pty.read() as Buffer | null) writeAllSync(1, chunk);
      const buf = Buffer.alloc(65536);
      const end = Date.now() + timeoutMs;
      const sleeper = new Int32Array(new SharedArrayBuffer(4));
      for (;;) {
        let n: number;
        try {
          n = fs.readSync(master, buf, 0, buf.length, null);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EAGAIN' && Date.now() < end) {
            Atomics.wait(sleeper, 0, 0, 2);
            continue;
          }
          break;
        }
        if (n <= 0) break;
        try {
          writeAllSync(1, buf.subarray(0, n));
        } catch {
          break;
        }
      }
      finish();
      return Promise.resolve();
    },
    restore(): void {
      if (stdinTty) (stdin as tty.ReadStream).setRawMode(false);
      stdin.off('data', forward);
      stdin.pause();
      stdin.destroy();
      pty.destroy();
      try {
        fs.closeSync(master);
      } catch {
        // already closed
      }
    },
  };
}
