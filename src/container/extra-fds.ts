// The fds beyond stdio a container or exec'd process gets: systemd socket activation's
// LISTEN_FDS first, then --preserve-fds, all numbered from 3 as runc passes them.
import * as fs from 'fs';

import { RuntimeError } from '../util/errors';

/**
 * How many socket-activation fds were handed to us: LISTEN_FDS counts only when LISTEN_PID
 * names this very process (go-systemd's activation.Files, which runc uses, checks the same).
 */
export function listenFds(env: NodeJS.ProcessEnv = process.env, pid = process.pid): number {
  if (!env.LISTEN_FDS || env.LISTEN_PID !== String(pid)) return 0;
  const n = Number(env.LISTEN_FDS);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/** The environment a container gets for `count` activation fds: its init is pid 1 in its own pid namespace. */
export function listenEnv(count: number): string[] {
  return count > 0 ? [`LISTEN_FDS=${count}`, 'LISTEN_PID=1'] : [];
}

/**
 * fds 3.. for `listen` activation fds and `preserve` preserved ones, each checked to be open.
 * Like runc, this cannot tell the caller's fds from the runtime's own: Node opens its epoll
 * and signal fds at the lowest free numbers, right after the caller's, and marks inherited
 * fds close-on-exec too, so an overstated count passes some of Node's fds along.
 */
export function extraFds(listen: number, preserve: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < listen + preserve; i++) {
    const fd = 3 + i;
    try {
      fs.fstatSync(fd);
    } catch {
      throw new RuntimeError(i < listen ? `LISTEN_FDS=${listen}: fd ${fd} is not open` : `--preserve-fds ${preserve}: fd ${fd} is not open`);
    }
    out.push(fd);
  }
  return out;
}
