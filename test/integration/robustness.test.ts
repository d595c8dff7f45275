// What users of runc rely on when things go wrong: races on one id, an interrupted
// create, damaged state, odd stdio and signal state inherited from the caller.
import { spawn, spawnSync } from 'node:child_process';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { CLI, cleanup, integrationSkip, makeBundle, makeRoot, runtime, uniqueId, waitFor, type Bundle } from '../helpers/runtime';

const skip = integrationSkip();

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function cgroupDirsOf(id: string): string[] {
  return fs
    .readdirSync('/sys/fs/cgroup')
    .map((h) => path.join('/sys/fs/cgroup', h, 'runtime', id))
    .filter((d) => fs.existsSync(d));
}

describe('robustness', { skip }, () => {
  let root: string;
  const bundles: Bundle[] = [];
  before(() => {
    root = makeRoot();
  });
  after(() => cleanup(root, bundles));

  it('lets exactly one of several concurrent creates of one id win', async () => {
    const b = makeBundle(['sleep', '30']);
    bundles.push(b);
    const id = uniqueId('race');
    const runs = Array.from({ length: 4 }, () =>
      new Promise<{ code: number | null; err: string }>((resolve) => {
        const c = spawn(process.execPath, [CLI, '--root', root, 'create', '-b', b.dir, id], { stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        c.stderr.on('data', (d) => (err += d));
        c.on('exit', (code) => resolve({ code, err }));
      }),
    );
    const results = await Promise.all(runs);
    assert.equal(results.filter((r) => r.code === 0).length, 1, JSON.stringify(results));
    for (const r of results.filter((x) => x.code !== 0)) assert.match(r.err, /already exists/);
    const st = JSON.parse(runtime(root, ['state', id]).stdout);
    assert.equal(st.status, 'created');
    assert.equal(runtime(root, ['delete', id]).status, 0);
    assert.deepEqual(cgroupDirsOf(id), []);
  });

  it('cleans up with delete -f after the runtime is SIGKILLed in the middle of create', async () => {
    // A createRuntime hook that blocks keeps create busy at a known point.
    const b = makeBundle(['sleep', '30'], (s) => {
      s.hooks = { createRuntime: [{ path: '/bin/sleep', args: ['sleep', '30'] }] };
    });
    bundles.push(b);
    const id = uniqueId('interrupted');
    const c = spawn(process.execPath, [CLI, '--root', root, 'create', '-b', b.dir, id], { stdio: 'ignore' });
    let pid = 0;
    for (let i = 0; i < 200 && !pid; i++) {
      sleep(25);
      try {
        pid = JSON.parse(fs.readFileSync(path.join(root, id, 'state.json'), 'utf8')).pid ?? 0;
      } catch {
        // not written yet
      }
    }
    assert.ok(pid > 0, 'create never recorded the init pid');
    sleep(100);
    c.kill('SIGKILL');
    await new Promise((resolve) => c.on('exit', resolve));
    const d = runtime(root, ['delete', '-f', id]);
    assert.equal(d.status, 0, d.stderr);
    assert.ok(!fs.existsSync(path.join(root, id)));
    assert.deepEqual(cgroupDirsOf(id), []);
    sleep(100);
    const stat = fs.existsSync(`/proc/${pid}/stat`) ? fs.readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
    assert.ok(stat === '' || /\) Z /.test(stat), `container init ${pid} survived: ${stat}`);
  });

  it('removes a container whose state.json is truncated or corrupt with delete -f', () => {
    const b = makeBundle(['sleep', '30']);
    bundles.push(b);
    for (const damage of ['', '{"id":', 'null', '\u0000\u0001garbage']) {
      for (const both of [false, true]) {
        const id = uniqueId('corrupt');
        assert.equal(runtime(root, ['create', '-b', b.dir, id]).status, 0);
        const pid = JSON.parse(runtime(root, ['state', id]).stdout).pid;
        fs.writeFileSync(path.join(root, id, 'state.json'), damage);
        if (both) fs.writeFileSync(path.join(root, id, 'state.backup.json'), damage);
        const d = runtime(root, ['delete', '-f', id]);
        assert.equal(d.status, 0, d.stderr);
        assert.ok(!fs.existsSync(path.join(root, id)));
        assert.ok(waitFor(() => !fs.existsSync(`/proc/${pid}/stat`) || /\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'))), `init ${pid} survived`);
        assert.deepEqual(cgroupDirsOf(id), []);
      }
    }
  });

  it('never gives its own fds to the container when started with stdio closed', () => {
    const b = makeBundle(['sleep', '30']);
    bundles.push(b);
    const id = uniqueId('closed');
    // Close fds 0-2 in a shell, then exec the runtime; the container keeps what it got.
    const r = spawnSync('/bin/sh', ['-c', `exec 0<&- 1>&- 2>&-; exec ${process.execPath} ${CLI} --root ${root} run -d -b ${b.dir} ${id}`], { stdio: 'ignore' });
    assert.equal(r.status, 0);
    const pid = JSON.parse(runtime(root, ['state', id]).stdout).pid;
    const fds = fs.readdirSync(`/proc/${pid}/fd`).map((fd) => `${fd} -> ${fs.readlinkSync(`/proc/${pid}/fd/${fd}`)}`);
    // Only /dev/null may stand at 0-2, and nothing else may be open: never the state dir, a socket or a fifo.
    assert.deepEqual(fds.sort(), ['0 -> /dev/null', '1 -> /dev/null', '2 -> /dev/null']);
    assert.equal(runtime(root, ['delete', '-f', id]).status, 0);
  });

  it('does not pass the caller\'s ignored signals or signal mask into the container', () => {
    const b = makeBundle(['oci-checker', 'all']);
    bundles.push(b);
    // trap '' makes the caller ignore these; the container must start with defaults.
    const r = spawnSync('/bin/sh', ['-c', `trap '' INT HUP USR1 QUIT; exec ${process.execPath} ${CLI} --root ${root} run -b ${b.dir} ${uniqueId('sigs')}`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const all = JSON.parse(r.stdout).all;
    assert.match(all.status.SigBlk, /^0+$/);
    assert.match(all.status.SigIgn, /^0+$/);
  });

  it('fails create before start when process.args[0] is missing or not executable', () => {
    const b = makeBundle(['/no/such/program']);
    bundles.push(b);
    const id = uniqueId('noexe');
    const r = runtime(root, ['create', '-b', b.dir, id]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /process\.args\[0\]/);
    assert.ok(!fs.existsSync(path.join(root, id)));
    assert.deepEqual(cgroupDirsOf(id), []);
    fs.writeFileSync(path.join(b.rootfs, 'notexec'), '#!/bin/sh\n', { mode: 0o644 });
    b.spec.process!.args = ['/notexec'];
    b.write();
    const r2 = runtime(root, ['create', '-b', b.dir, id]);
    assert.notEqual(r2.status, 0);
    assert.match(r2.stderr, /process\.args\[0\]/);
    assert.ok(!fs.existsSync(path.join(root, id)));
  });

  it('gives one clear line for a config.json that is null, empty or not JSON', () => {
    const b = makeBundle(['true']);
    bundles.push(b);
    for (const [text, want] of [['null', /not null|top level/], ['', /empty/], ['{oops', /not valid JSON/]] as const) {
      fs.writeFileSync(path.join(b.dir, 'config.json'), text);
      const r = runtime(root, ['create', '-b', b.dir, uniqueId('badjson')]);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, want);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
    assert.deepEqual(fs.readdirSync(root), []);
  });

  it('leaves nothing behind when a mount fails', () => {
    const b = makeBundle(['true'], (s) => {
      s.mounts!.push({ destination: '/mnt/x', type: 'bind', source: '/no/such/source', options: ['bind'] });
    });
    bundles.push(b);
    const id = uniqueId('badmount');
    const r = runtime(root, ['create', '-b', b.dir, id]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /mounts\[\d+\]/);
    assert.ok(!fs.existsSync(path.join(root, id)));
    assert.deepEqual(cgroupDirsOf(id), []);
  });
});

describe('process environment', { skip }, () => {
  let root: string;
  const bundles: Bundle[] = [];
  before(() => {
    root = makeRoot();
  });
  after(() => cleanup(root, bundles));

  it('sets HOME from the container\'s /etc/passwd when the config does not, as runc does', () => {
    const b = makeBundle(['sh', '-c', 'echo "$HOME"'], (s) => {
      s.process!.env = ['PATH=/bin'];
    });
    bundles.push(b);
    assert.equal(runtime(root, ['run', '-b', b.dir, uniqueId('home')]).stdout, '/root\n');
    b.spec.process!.user = { uid: 4242, gid: 4242 };
    b.write();
    assert.equal(runtime(root, ['run', '-b', b.dir, uniqueId('home')]).stdout, '/\n');
    b.spec.process!.env = ['PATH=/bin', 'HOME=/tmp'];
    b.write();
    assert.equal(runtime(root, ['run', '-b', b.dir, uniqueId('home')]).stdout, '/tmp\n');
  });
});
