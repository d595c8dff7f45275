// config.md#process terminal and config-linux.md#default-devices /dev/console.
import { type Case } from '../lib/harness';

export const cases: Case[] = [
  {
    name: 'config.md#process: terminal true gives the program a pseudoterminal as stdin, stdout and stderr',
    run(t) {
      const out = t.check([['all']], (s) => {
        s.process!.terminal = true;
      });
      t.eq(out.all.tty, { stdin: true, stdout: true, stderr: true }, 'isatty of fds 0-2');
      const targets = (out.all.fds ?? []).filter((f) => f.fd <= 2).map((f) => f.target ?? '');
      t.ok(targets.length === 3 && targets.every((x) => /^\/dev\/pts\/\d+$/.test(x)), 'fds 0-2 are the container\'s /dev/pts device', { targets });
    },
  },
  {
    name: 'config-linux.md#default-devices: with terminal true, /dev/console is the pseudoterminal',
    run(t) {
      const out = t.check([['stat', '/dev/console'], ['all']], (s) => {
        s.process!.terminal = true;
      });
      const c = out['stat /dev/console'];
      t.eq(c.exists ? { type: c.type, major: c.major } : null, { type: 'c', major: 136 }, '/dev/console is a pts character device');
      const fd0 = (out.all.fds ?? []).find((f) => f.fd === 0)?.target;
      t.ok(fd0 && c.minor === Number(/\d+$/.exec(fd0)?.[0]), '/dev/console is the same pty as stdin', { console: c, stdin: fd0 });
    },
  },
];
