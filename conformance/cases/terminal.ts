// config.md#process terminal and config-linux.md#default-devices /dev/console. `run` in the
// foreground with a terminal wants one itself (runc opens /dev/tty), so these run it
// under script(1).
import { checker, type Case, type Env } from '../lib/harness';

const needScript = (env: Env) => (env.host.tools.has('script') ? false : 'no script(1) on this host to give the runtime a terminal');

export const cases: Case[] = [
  {
    name: 'config.md#process: consoleSize is ignored when terminal is false',
    run(t) {
      const out = t.check([['all']], (s) => {
        s.process!.terminal = false;
        s.process!.consoleSize = { height: 25, width: 80 };
      });
      t.eq(out.all.tty, { stdin: false, stdout: false, stderr: false }, 'no terminal');
    },
  },
  {
    name: 'config.md#process: terminal true gives the program a pseudoterminal as stdin, stdout and stderr',
    skip: needScript,
    run(t) {
      const out = t.check([['stat', '/proc/self/fd/0'], ['stat', '/proc/self/fd/1'], ['stat', '/proc/self/fd/2']], (s) => {
        s.process!.terminal = true;
      }, { onTerminal: true });
      const targets = [0, 1, 2].map((fd) => out[`stat /proc/self/fd/${fd}`]?.target ?? null);
      t.ok(targets.every((x) => typeof x === 'string' && /^\/dev\/pts\/\d+$/.test(x)), 'fds 0-2 are a /dev/pts device of the container', { targets });
      t.ok(new Set(targets).size === 1, 'the same one', { targets });
    },
  },
  {
    name: 'config-linux.md#default-devices: with terminal true, /dev/console is the pseudoterminal',
    skip: needScript,
    run(t) {
      const out = t.check([['stat', '/dev/console'], ['stat', '/proc/self/fd/0']], (s) => {
        s.process!.terminal = true;
      }, { onTerminal: true });
      const c = out['stat /dev/console'];
      t.eq(c.exists ? { type: c.type, major: c.major } : null, { type: 'c', major: 136 }, '/dev/console is a pts character device');
      const fd0 = String(out['stat /proc/self/fd/0']?.target ?? '');
      t.ok(c.minor === Number(/\d+$/.exec(fd0)?.[0]), '/dev/console is the same pty as stdin', { console: c, stdin: fd0 });
    },
  },
  {
    name: 'config.md#process: with terminal true all of the program output reaches the caller (11 KiB, program exits at once)',
    skip: needScript,
    run(t) {
      const b = t.bundle(checker(['all']), (s) => {
        s.process!.terminal = true;
      });
      const r = t.run(b, { onTerminal: true });
      t.ok(r.out?.all, 'the whole JSON report arrived', { bytes: r.inv.stdout.length, tail: r.inv.stdout.slice(-80) });
      t.eq(r.out?.all?.tty, { stdin: true, stdout: true, stderr: true }, 'isatty of fds 0-2');
    },
  },
];
