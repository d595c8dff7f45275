// runtime.md#state and #query-state: the state JSON through a container's life.
import * as fs from 'fs';
import * as path from 'path';

import { checker, type Case } from '../lib/harness';
import { cmdline, nsInode, stateProblems } from '../lib/util';

export const cases: Case[] = [
  {
    name: 'runtime.md#state: a created container reports ociVersion, id, status "created", pid and an absolute bundle',
    run(t) {
      const b = t.bundle(checker(['all'], ['sleep', '60']));
      const pidFile = path.join(b.dir, 'pid');
      const id = t.mustCreate(b, undefined, ['--pid-file', pidFile]);
      const s = t.need(t.state(id).state, 'state of the created container failed');
      for (const p of stateProblems(s, { id, status: 'created', bundle: b.dir })) t.fail(p);
      const filePid = Number(fs.readFileSync(pidFile, 'utf8').trim());
      t.eq(s.pid, filePid, 'state pid equals the --pid-file pid');
    },
  },
  {
    name: 'runtime.md#state: status is "running" after start and "stopped" after the program exits, with a valid state each time',
    run(t) {
      const b = t.bundle(['/bin/sh', '-c', 'while [ ! -e /stop ]; do sleep 0.05; done']);
      const id = t.mustCreate(b);
      t.mustStart(id);
      const running = t.need(t.state(id).state, 'state after start failed');
      for (const p of stateProblems(running, { id, status: 'running', bundle: b.dir })) t.fail(`running: ${p}`);
      fs.writeFileSync(path.join(b.rootfs, 'stop'), '');
      t.ok(t.waitStatus(id, 'stopped'), 'the status becomes stopped once the program exits');
      const stopped = t.state(id).state;
      if (stopped) for (const p of stateProblems(stopped, { id, status: 'stopped', bundle: b.dir })) t.fail(`stopped: ${p}`);
    },
  },
  {
    name: 'runtime.md#state: pid is the container process as seen by the runtime (host pid namespace)',
    run(t) {
      const b = t.bundle(checker(['all'], ['sleep', '60']));
      const id = t.mustCreate(b);
      t.mustStart(id);
      const s = t.need(t.state(id).state, 'state failed');
      const pid = s.pid as number;
      t.ok(fs.existsSync(`/proc/${pid}`), 'the pid exists in the runtime pid namespace', { pid });
      t.ok(nsInode(pid, 'pid') !== t.host.ns.pid, 'that process is in the container pid namespace');
      const argv = cmdline(pid) ?? [];
      t.eq(argv, b.spec.process!.args, 'that process runs the container program');
    },
  },
  {
    name: 'runtime.md#state: bundle is absolute even when create is given a relative bundle path',
    run(t) {
      const b = t.bundle(checker(['all']));
      const id = t.id();
      const inv = t.invoke(['create', '--bundle', path.basename(b.dir), id], {
        cwd: path.dirname(b.dir),
        stdoutFile: path.join(b.dir, 'out.log'),
        stderrFile: path.join(b.dir, 'err.log'),
      });
      t.need(inv.status === 0, `create with a relative bundle failed: ${fs.readFileSync(path.join(b.dir, 'err.log'), 'utf8').slice(-300)}`);
      const s = t.need(t.state(id).state, 'state failed');
      t.ok(typeof s.bundle === 'string' && path.isAbsolute(s.bundle), 'bundle is absolute', { bundle: s.bundle });
      if (typeof s.bundle === 'string') t.eq(fs.realpathSync(s.bundle), fs.realpathSync(b.dir), 'bundle names the bundle directory');
    },
  },
  {
    name: 'runtime.md#query-state: state without an id, or of an unknown id, is an error',
    run(t) {
      t.ok(t.invoke(['state']).status !== 0, 'state without an id fails');
      const id = t.id();
      const r = t.state(id);
      t.ok(r.inv.status !== 0, 'state of an unknown id fails', { stdout: r.inv.stdout.slice(0, 200) });
    },
  },
];
