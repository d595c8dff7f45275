// Terminals and stdio the way container engines use them: the pty master sent over
// --console-socket (containerd's shim, conmon), `run` proxying a terminal to its own stdio,
// a detached container keeping the runtime's fds 0-2, --preserve-fds and LISTEN_FDS.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { Spec } from '../../src/spec/types';
import { receiverBinary, removeReceiverBinary, startReceiver, within } from '../helpers/console-recv';
import { CLI, cleanup, integrationSkip, makeBundle, makeRoot, runtime, uniqueId, type Bundle, waitFor } from '../helpers/runtime';

const skip = integrationSkip() || receiverBinary().reason || false;
const haveScript = spawnSync('script', ['--version']).status === 0;

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}


/** A terminal needs /dev/pts/* (136:*) and /dev/ptmx (5:2) through the devices cgroup. */
function allowPtys(spec: Spec): void {
  const res = (spec.linux!.resources ??= {});
  res.devices = [
    ...(res.devices ?? []),
    { allow: true, type: 'c', major: 136, access: 'rwm' },
    { allow: true, type: 'c', major: 5, minor: 2, access: 'rwm' },
  ];
}

const outDirs: string[] = [];
after(() => {
  for (const d of outDirs) fs.rmSync(d, { recursive: true, force: true });
});

/** The CLI with stdio on files, so a detached container holding them does not block us. */
function withFiles(root: string, args: string[], opts: { stdin?: string; env?: NodeJS.ProcessEnv; extra?: number[]; shell?: string } = {}) {
  const dir = fs.mkdtempSync(path.join(root, '..', 'runtime-test-out-'));
  outDirs.push(dir);
  const outFile = path.join(dir, 'out');
  const out = fs.openSync(outFile, 'w+');
  const err = fs.openSync(path.join(dir, 'err'), 'w+');
  let input = 'ignore' as 'ignore' | number;
  if (opts.stdin !== undefined) {
    fs.writeFileSync(path.join(dir, 'in'), opts.stdin);
    input = fs.openSync(path.join(dir, 'in'), 'r');
  }
  try {
    const r = spawnSync(process.execPath, [CLI, '--root', root, ...args], { stdio: [input, out, err, ...(opts.extra ?? [])], env: opts.env ?? process.env, timeout: 30000 });
    return { status: r.status, outFile, stdout: () => fs.readFileSync(outFile, 'utf8'), stderr: fs.readFileSync(path.join(dir, 'err'), 'utf8'), dir };
  } finally {
    fs.closeSync(out);
    fs.closeSync(err);
    if (typeof input === 'number') fs.closeSync(input);
  }
}

describe('console socket', { skip }, () => {
  let root: string;
  const bundles: Bundle[] = [];
  before(() => {
    root = makeRoot();
  });
  after(() => {
    cleanup(root, bundles);
    removeReceiverBinary();
  });

  const ttyBundle = (args: string[], edit?: (s: Spec) => void) => {
    const b = makeBundle(args, (spec) => {
      spec.process!.terminal = true;
      allowPtys(spec);
      edit?.(spec);
    });
    bundles.push(b);
    return b;
  };

  it('create sends a working pty master, sized by consoleSize, that is the container\'s stdio and /dev/console', async () => {
    const b = ttyBundle(['sh'], (spec) => {
      spec.process!.consoleSize = { height: 33, width: 101 };
    });
    const id = uniqueId('cons');
    const recv = await startReceiver(b.dir, 'echo marker-$((40+2)); stty size; tty; ls -l /dev/console; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo all-ttys; exit\n');
    try {
      const c = runtime(root, ['create', '--console-socket', recv.socket, '-b', b.dir, id]);
      assert.equal(c.status, 0, c.stderr);
      assert.equal(runtime(root, ['start', id]).status, 0);
      const got = await within(recv.result, 20000, 'console receiver');
      assert.ok(got.header, got.stderr);
      assert.equal(got.header.tty, 1);
      assert.match(got.header.name, /^\/dev\/pts\/\d+$/);
      assert.equal(got.header.rows, 33);
      assert.equal(got.header.cols, 101);
      assert.match(got.output, /marker-42/);
      assert.match(got.output, /^33 101\r?$/m);
      assert.match(got.output, /^\/dev\/pts\/\d+\r?$/m);
      assert.match(got.output, /c[rw-]+\s+1\s+\S+\s+\S+\s+136,\s+\d+ .*\/dev\/console/);
      assert.match(got.output, /all-ttys/);
      assert.ok(waitFor(() => JSON.parse(runtime(root, ['state', id]).stdout).status === 'stopped'));
    } finally {
      recv.stop();
      runtime(root, ['delete', '-f', id]);
    }
  });

  it('run -d sends the pty master as containerd does', async () => {
    const b = ttyBundle(['sh']);
    const id = uniqueId('cons');
    const recv = await startReceiver(b.dir, 'echo via-run-$((1+1)); exit 3\n');
    try {
      const r = runtime(root, ['run', '-d', '--console-socket', recv.socket, '-b', b.dir, id]);
      assert.equal(r.status, 0, r.stderr);
      const got = await within(recv.result, 20000, 'console receiver');
      assert.match(got.output, /via-run-2/);
    } finally {
      recv.stop();
      runtime(root, ['delete', '-f', id]);
    }
  });

  it('exec --process P --detach --tty --console-socket S, as conmon calls it', async () => {
    const b = ttyBundle(['sleep', '1000'], (spec) => {
      spec.process!.terminal = false;
    });
    const id = uniqueId('cons');
    const r = withFiles(root, ['run', '-d', '-b', b.dir, id]);
    assert.equal(r.status, 0, r.stderr);
    const proc = path.join(b.dir, 'process.json');
    fs.writeFileSync(proc, JSON.stringify({
      terminal: true,
      consoleSize: { height: 20, width: 70 },
      user: { uid: 0, gid: 0 },
      args: ['sh'],
      env: ['PATH=/bin:/usr/bin', 'FROM_JSON=x1'],
      cwd: '/tmp',
    }));
    const recv = await startReceiver(b.dir, 'echo $FROM_JSON-$((2*3)); pwd; stty size; exit\n');
    const pidFile = path.join(b.dir, 'exec.pid');
    try {
      const e = withFiles(root, ['exec', '--pid-file', pidFile, '--process', proc, '--detach', '--tty', '--console-socket', recv.socket, id]);
      assert.equal(e.status, 0, e.stderr);
      assert.ok(Number(fs.readFileSync(pidFile, 'utf8')) > 0);
      const got = await within(recv.result, 20000, 'console receiver');
      assert.equal(got.header?.rows, 20);
      assert.equal(got.header?.cols, 70);
      assert.match(got.output, /x1-6/);
      assert.match(got.output, /^\/tmp\r?$/m);
      assert.match(got.output, /^20 70\r?$/m);
    } finally {
      recv.stop();
      runtime(root, ['delete', '-f', id]);
    }
  });

  it('run with a terminal and no socket proxies between its own terminal and the pty', { skip: !haveScript && 'script (util-linux) not installed' }, () => {
    const b = ttyBundle(['sh']);
    const id = uniqueId('cons');
    // script gives the runtime a real terminal as stdin and stdout; -e returns the command's status.
    const cmd = `${process.execPath} ${CLI} --root ${root} run -b ${b.dir} ${id}`;
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { input: 'echo proxied-$((3+4)); tty\nexit 6\n', encoding: 'utf8', timeout: 30000 });
    assert.equal(r.status, 6, r.stdout + r.stderr);
    assert.match(r.stdout, /proxied-7/);
    assert.match(r.stdout, /\/dev\/pts\/\d+/);
    assert.match(runtime(root, ['state', id]).stderr, /does not exist/);
  });

  it('exec -t with no socket proxies too', { skip: !haveScript && 'script (util-linux) not installed' }, () => {
    // The container itself has no terminal; only the exec'd shell gets one.
    const b = makeBundle(['sleep', '1000'], allowPtys);
    bundles.push(b);
    const id = uniqueId('cons');
    assert.equal(withFiles(root, ['run', '-d', '-b', b.dir, id]).status, 0);
    try {
      const cmd = `${process.execPath} ${CLI} --root ${root} exec -t ${id} sh`;
      const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { input: '[ -t 0 ] && echo exec-tty-$((5+5))\nexit 9\n', encoding: 'utf8', timeout: 30000 });
      assert.equal(r.status, 9, r.stdout + r.stderr);
      assert.match(r.stdout, /exec-tty-10/);
      // The terminal belongs to the process's user, so a program may reopen it.
      const asUser = `${process.execPath} ${CLI} --root ${root} exec -t -u 1000:1000 ${id} sh`;
      const u = spawnSync('script', ['-qec', asUser, '/dev/null'], { input: 'echo owner-$(stat -c %u $(tty))\nexit\n', encoding: 'utf8', timeout: 30000 });
      assert.equal(u.status, 0, u.stdout + u.stderr);
      assert.match(u.stdout, /owner-1000/);
    } finally {
      runtime(root, ['delete', '-f', id]);
    }
  });

  it('says clearly when the terminal and the socket do not match', () => {
    const tty = ttyBundle(['true']);
    const plain = makeBundle(['true']);
    bundles.push(plain);
    const a = runtime(root, ['create', '-b', tty.dir, uniqueId('mis')]);
    assert.notEqual(a.status, 0);
    assert.match(a.stderr, /process\.terminal is true.*--console-socket/);
    const bsock = runtime(root, ['create', '--console-socket', path.join(plain.dir, 'nobody.sock'), '-b', plain.dir, uniqueId('mis')]);
    assert.notEqual(bsock.status, 0);
    assert.match(bsock.stderr, /--console-socket.*terminal is false/);
    const c = runtime(root, ['run', '-d', '-b', tty.dir, uniqueId('mis')]);
    assert.notEqual(c.status, 0);
    assert.match(c.stderr, /--detach needs --console-socket/);
    // Nothing is left behind by the refusals.
    assert.equal(JSON.parse(runtime(root, ['list', '--format', 'json']).stdout).length, 0);

    const id = uniqueId('mis');
    assert.equal(withFiles(root, ['run', '-d', '-b', makeRunning(), id]).status, 0);
    try {
      const d = runtime(root, ['exec', '-d', '-t', id, 'true']);
      assert.notEqual(d.status, 0);
      assert.match(d.stderr, /--detach needs --console-socket/);
      const e = runtime(root, ['exec', '--console-socket', path.join(plain.dir, 'x.sock'), id, 'true']);
      assert.notEqual(e.status, 0);
      assert.match(e.stderr, /--console-socket given but the process has no terminal/);
    } finally {
      runtime(root, ['delete', '-f', id]);
    }
  });

  function makeRunning(): string {
    const b = makeBundle(['sleep', '1000']);
    bundles.push(b);
    return b.dir;
  }
});

describe('detached stdio', { skip: integrationSkip() }, () => {
  let root: string;
  const bundles: Bundle[] = [];
  before(() => {
    root = makeRoot();
  });
  after(() => cleanup(root, bundles));

  const bundle = (args: string[]) => {
    const b = makeBundle(args);
    bundles.push(b);
    return b;
  };

  it('run -d hands the runtime\'s fds 0-2 to the container', () => {
    const b = bundle(['sh', '-c', 'read line; echo "out:$line"; echo "err:$line" >&2']);
    const id = uniqueId('stdio');
    const r = withFiles(root, ['run', '-d', '-b', b.dir, id], { stdin: 'from-stdin\n' });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(waitFor(() => r.stdout().includes('out:from-stdin')), `container output: ${r.stdout()}`);
    assert.ok(waitFor(() => fs.readFileSync(path.join(r.dir, 'err'), 'utf8').includes('err:from-stdin')));
    runtime(root, ['delete', '-f', id]);
  });

  it('create hands them over too, and start does not need them', () => {
    const b = bundle(['sh', '-c', 'echo created-then-started']);
    const id = uniqueId('stdio');
    const c = withFiles(root, ['create', '-b', b.dir, id]);
    assert.equal(c.status, 0, c.stderr);
    assert.equal(runtime(root, ['start', id]).status, 0);
    assert.ok(waitFor(() => c.stdout().includes('created-then-started')));
    runtime(root, ['delete', '-f', id]);
  });

  it('passes --preserve-fds N as fds 3..3+N-1', () => {
    const b = bundle(['sh', '-c', 'cat <&3; cat <&4; ls /proc/self/fd']);
    const id = uniqueId('stdio');
    const f3 = path.join(b.dir, 'three');
    const f4 = path.join(b.dir, 'four');
    fs.writeFileSync(f3, 'fd-three\n');
    fs.writeFileSync(f4, 'fd-four\n');
    const fd3 = fs.openSync(f3, 'r');
    const fd4 = fs.openSync(f4, 'r');
    try {
      const r = withFiles(root, ['run', '--preserve-fds', '2', '-b', b.dir, id], { extra: [fd3, fd4] });
      assert.equal(r.status, 0, r.stderr);
      const out = r.stdout();
      assert.match(out, /^fd-three\nfd-four\n/);
      // ls opens one fd of its own; nothing from the runtime leaks past 4.
      assert.deepEqual(out.split('\n').slice(2).filter(Boolean).map(Number).sort((x, y) => x - y).slice(0, 5), [0, 1, 2, 3, 4]);
      // Past the fds we were given come Node's own (as Go's follow runc's), then a gap.
      const missing = withFiles(root, ['run', '--preserve-fds', '500', '-b', b.dir, uniqueId('stdio')], { extra: [fd3, fd4] });
      assert.notEqual(missing.status, 0);
      assert.match(missing.stderr, /--preserve-fds 500: fd \d+ is not open/);
    } finally {
      fs.closeSync(fd3);
      fs.closeSync(fd4);
    }
  });

  it('passes LISTEN_FDS sockets with LISTEN_PID=1, as runc does', () => {
    const b = bundle(['sh', '-c', 'echo "fds=$LISTEN_FDS pid=$LISTEN_PID"; cat <&3']);
    const file = path.join(b.dir, 'activation');
    fs.writeFileSync(file, 'activated\n');
    const out = path.join(b.dir, 'out');
    // LISTEN_PID must name the runtime itself: the shell execs node, keeping its pid.
    const cmd = `LISTEN_PID=$$ LISTEN_FDS=1 exec ${process.execPath} ${CLI} --root ${root} run -b ${b.dir} ${uniqueId('listen')} 3<${file} >${out} 2>&1`;
    const r = spawnSync('sh', ['-c', cmd], { timeout: 30000 });
    assert.equal(r.status, 0, fs.readFileSync(out, 'utf8'));
    assert.equal(fs.readFileSync(out, 'utf8'), 'fds=1 pid=1\nactivated\n');
    // For another process's LISTEN_PID the fds are not ours to pass.
    const other = `LISTEN_PID=1 LISTEN_FDS=1 exec ${process.execPath} ${CLI} --root ${root} run -b ${b.dir} ${uniqueId('listen')} 3<${file} >${out} 2>&1`;
    spawnSync('sh', ['-c', other], { timeout: 30000 });
    assert.match(fs.readFileSync(out, 'utf8'), /^fds= pid=\n/);
  });
});
