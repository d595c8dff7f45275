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
  const field = msg.field ? `${msg.field}: ` : '';
  const detail = msg.detail ? ` ${msg.detail}` : '';
  if (msg.step === 'hook') return `${field}${msg.detail}`;
  const cause = msg.cause ? `: ${msg.cause}` : '';
  return `${field}${msg.step}${detail}${cause}`;
}
