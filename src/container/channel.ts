// The runtime's end of the sync socket to the init helper: length-prefixed JSON frames
// (see addon/init/channel.h), read synchronously because create is a strict sequence.
import * as fs from 'fs';

export interface InitMessage {
  type: string;
  [key: string]: unknown;
}

function readExact(fd: number, n: number): Buffer | null {
  const buf = Buffer.alloc(n);
  let got = 0;
  while (got < n) {
    let r: number;
    try {
      r = fs.readSync(fd, buf, got, n - got, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN' || (e as NodeJS.ErrnoException).code === 'EINTR') continue;
      throw e;
    }
    if (r === 0) return null;
    got += r;
  }
  return buf;
}

export class Channel {
  constructor(readonly fd: number) {}

  send(msg: unknown): void {
    const body = Buffer.from(JSON.stringify(msg));
    const hdr = Buffer.alloc(4);
    hdr.writeUInt32LE(body.length);
    fs.writeSync(this.fd, Buffer.concat([hdr, body]));
  }

  /** The next message, or null when the other side closed the channel (exec or exit). */
  receive(): InitMessage | null {
    const hdr = readExact(this.fd, 4);
    if (!hdr) return null;
    const body = readExact(this.fd, hdr.readUInt32LE(0));
    if (!body) return null;
    return JSON.parse(body.toString('utf8')) as InitMessage;
  }

  close(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}

/** Turns the helper's structured error into one line naming the config field. */
export function describeInitError(msg: InitMessage): string {
  if (msg.field === 'process.args[0]' && typeof msg.cause === 'string' && msg.cause) return describeProgramError(msg);
  const field = msg.field ? `${msg.field}: ` : '';
  const detail = msg.detail ? ` ${msg.detail}` : '';
  if (msg.step === 'hook') return `${field}${msg.detail}`;
  const cause = msg.cause ? `: ${msg.cause}` : '';
  return `${field}${msg.step}${detail}${cause}`;
}

const NOT_IN_PATH = / not found in PATH (.*)$/;

/**
 * The program itself could not be found or run: say it in runc's words
 * (`exec: "NAME": executable file not found in $PATH`, `exec: "NAME": no such file or
 * directory`, `... permission denied`), with Go's lowercase errno text. Docker's CLI picks
 * exit 127 or 126 by matching exactly these phrases, case and all; podman does the same.
 */
function describeProgramError(msg: InitMessage): string {
  const detail = typeof msg.detail === 'string' ? msg.detail : '';
  const inPath = NOT_IN_PATH.exec(detail);
  if (inPath) {
    const name = detail.slice(0, inPath.index);
    return `process.args[0]: exec: ${JSON.stringify(name)}: executable file not found in $PATH (PATH=${inPath[1]})`;
  }
  const cause = String(msg.cause);
  return `process.args[0]: exec: ${JSON.stringify(detail)}: ${cause.charAt(0).toLowerCase()}${cause.slice(1)}`;
}
