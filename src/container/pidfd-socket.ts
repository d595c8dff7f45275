// runc's --pidfd-socket: a pidfd of the new process goes over a unix socket (SCM_RIGHTS,
// payload "pidfd"), so a supervisor can wait for and signal it without pid-reuse races.
import * as fs from 'fs';
import * as path from 'path';

import { native } from '../native';
import { RuntimeError } from '../util/errors';

export function sendPidfd(socketPath: string, pid: number): void {
  const n = native();
  const fd = n.pidfdOpen(pid);
  if (fd < 0) throw new RuntimeError(`--pidfd-socket: process ${pid} is gone`);
  try {
    n.sendFdToSocket(path.resolve(socketPath), fd, 'pidfd');
  } catch (e) {
    throw new RuntimeError(`--pidfd-socket ${socketPath}: ${(e as Error).message}`);
  } finally {
    fs.closeSync(fd);
  }
}
