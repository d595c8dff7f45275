// `run`: create + start + wait + delete, with the container's exit status as ours.
import * as fs from 'fs';
import * as tty from 'tty';

import { native } from '../native';
import { RuntimeError } from '../util/errors';
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
  const terminal = (() => {
    try {
      return !!JSON.parse(fs.readFileSync(`${opts.bundle}/config.json`, 'utf8'))?.process?.terminal;
    } catch {
      return false;
    }
  })();
  const takeConsole = terminal && !opts.consoleSocket && !opts.detach;
  if (terminal && opts.detach && !opts.consoleSocket) throw new RuntimeError('process.terminal is true: run --detach needs --console-socket');
  const { rec, dir, consoleMaster } = createContainer({ ...opts, takeConsole });
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
  let restoreTty = () => {};
  if (consoleMaster !== undefined) restoreTty = proxyConsole(consoleMaster);
  try {
    startCreated(rec, dir);
  } catch (e) {
    restoreTty();
    throw e;
  }
  const status = await exited;
  restoreTty();
  for (const [sig, h] of handlers) process.off(sig, h);
  if (!opts.keep) destroyContainer(rec, dir, true);
  else dir.close();
  return status.signal !== undefined ? 128 + status.signal : status.code ?? 0;
}

/** Copies between our stdio and the pty master; puts our own terminal in raw mode. */
function proxyConsole(master: number): () => void {
  const stdinTty = tty.isatty(0);
  if (stdinTty) {
    (process.stdin as tty.ReadStream).setRawMode(true);
    if (process.stdout.isTTY) native().setWinsize(master, process.stdout.rows, process.stdout.columns);
  }
  const input = fs.createReadStream('', { fd: master, autoClose: false });
  const output = fs.createWriteStream('', { fd: master, autoClose: false });
  input.on('data', (chunk) => {
    try {
      fs.writeSync(1, chunk as Buffer);
    } catch {
      // our stdout is gone; the container goes on
    }
  });
  input.on('error', () => {});
  process.stdin.on('data', (chunk) => output.write(chunk));
  process.stdin.on('error', () => {});
  return () => {
    if (stdinTty) (process.stdin as tty.ReadStream).setRawMode(false);
    process.stdin.pause();
    process.stdin.destroy();
    input.destroy();
  };
}
