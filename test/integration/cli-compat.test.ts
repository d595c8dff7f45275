// What runc's clients rely on, as recorded from their calls: the error phrases they match,
// kill --all and delete --force, the JSON log's last error line, the name `runc` in
// --version and --help, --keep, --pidfd-socket, and checkpoint/restore behind `criu check`.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { receiverBinary, removeReceiverBinary, startReceiver, within } from '../helpers/console-recv';
import { CLI, cleanup, integrationSkip, makeBundle, makeRoot, runtime, uniqueId, type Bundle, waitFor } from '../helpers/runtime';

const skip = integrationSkip();

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}


const criu = spawnSync('criu', ['check'], { encoding: 'utf8' });
const criuWorks = !criu.error && criu.status === 0;

describe('runc CLI compatibility', { skip }, () => {
  let root: string;
  const bundles: Bundle[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-test-compat-'));
  before(() => {
    root = makeRoot();
  });
  after(() => {
    cleanup(root, bundles);
    fs.rmSync(tmp, { recursive: true, force: true });
    removeReceiverBinary();
  });

  /** Detached commands write to files: the container keeps the fds it was given. */
  const detached = (args: string[], globals: string[] = []) => {
    const out = fs.openSync(path.join(tmp, 'out'), 'w');
    try {
      const r = spawnSync(process.execPath, [CLI, '--root', root, ...globals, ...args], { stdio: ['ignore', out, out], timeout: 30000 });
      return { status: r.status, output: fs.readFileSync(path.join(tmp, 'out'), 'utf8') };
    } finally {
      fs.closeSync(out);
    }
  };
  const startContainer = (args: string[], edit?: Parameters<typeof makeBundle>[1]) => {
    const b = makeBundle(args, edit);
    bundles.push(b);
    const id = uniqueId('compat');
    const r = detached(['run', '-d', '-b', b.dir, id]);
    assert.equal(r.status, 0, r.output);
    return { id, bundle: b, pid: JSON.parse(runtime(root, ['state', id]).stdout).pid as number };
  };
  const status = (id: string) => JSON.parse(runtime(root, ['state', id]).stdout).status;

  it('names an unknown command instead of running anything', () => {
    const r = runtime(root, ['nosuchcommand', 'x']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /unknown command "nosuchcommand" \(runtime --help lists them\)/);
    const bare = runtime(root, []);
    assert.match(bare.stdout + bare.stderr, /Usage: runtime \[options\] \[command\]/);
  });

  it('says "container does not exist" for an unknown id, from every command', () => {
    for (const args of [['state'], ['start'], ['kill'], ['delete'], ['exec'], ['checkpoint']]) {
      const r = runtime(root, [...args, 'never-created', ...(args[0] === 'exec' ? ['true'] : [])]);
      assert.notEqual(r.status, 0, args[0]);
      assert.match(r.stderr, /container never-created does not exist/, args[0]);
    }
    // ...except delete --force, for which a missing container is already deleted.
    assert.equal(runtime(root, ['delete', '--force', 'never-created']).status, 0);
  });

  it('says "container not running" when signalling a stopped container', () => {
    const c = startContainer(['true']);
    assert.ok(waitFor(() => status(c.id) === 'stopped'));
    const r = runtime(root, ['kill', c.id, '15']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /container not running/);
    assert.equal(runtime(root, ['delete', c.id]).status, 0);
  });

  it('takes signals as numbers, as containerd sends them', () => {
    // As pid 1 of its namespace the shell dies of SIGTERM only through a handler.
    const c = startContainer(['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 0.1; done']);
    assert.equal(runtime(root, ['kill', c.id, '15']).status, 0);
    assert.ok(waitFor(() => status(c.id) === 'stopped'));
    assert.equal(runtime(root, ['delete', c.id]).status, 0);
  });

  it('kill --all signals every process of the container', () => {
    // Without a pid namespace the init's death would leave its children running.
    const c = startContainer(['sh', '-c', 'sleep 1000 & sleep 1000 & wait'], (spec) => {
      spec.linux!.namespaces = spec.linux!.namespaces!.filter((n) => n.type !== 'pid');
      // sh opens /dev/null for background jobs: allow it whatever the default device rules.
      spec.linux!.resources = { ...spec.linux!.resources, devices: [...(spec.linux!.resources?.devices ?? []), { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' }] };
    });
    const saved = JSON.parse(fs.readFileSync(path.join(root, c.id, 'state.json'), 'utf8')).cgroups;
    const dir = saved.hierarchies.find((h: { name: string }) => h.name === 'pids')?.dir ?? saved.unified.dir;
    const procs = () => fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean);
    assert.ok(waitFor(() => procs().length === 3), `processes in ${dir}: ${procs().join(' ')}; ${runtime(root, ['state', c.id]).stdout}`);
    const r = runtime(root, ['kill', '--all', c.id, '9']);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(waitFor(() => procs().length === 0), `left: ${procs().join(' ')}`);
    assert.equal(runtime(root, ['delete', c.id]).status, 0);
  });

  it('delete --force removes a running container; plain delete refuses', () => {
    const c = startContainer(['sleep', '1000']);
    const refused = runtime(root, ['delete', c.id]);
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /running/);
    const saved = JSON.parse(fs.readFileSync(path.join(root, c.id, 'state.json'), 'utf8')).cgroups;
    const r = runtime(root, ['delete', '--force', c.id]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(!fs.existsSync(`/proc/${c.pid}`) || /^State:\s+Z/m.test(fs.readFileSync(`/proc/${c.pid}/status`, 'utf8')));
    assert.match(runtime(root, ['state', c.id]).stderr, /does not exist/);
    for (const h of saved.hierarchies) assert.ok(!fs.existsSync(h.dir), h.dir);
  });

  it('delete --force removes a paused container without waiting on it', () => {
    const c = startContainer(['sleep', '1000']);
    const saved = JSON.parse(fs.readFileSync(path.join(root, c.id, 'state.json'), 'utf8')).cgroups;
    const freezer = saved?.hierarchies?.find((h: { name: string }) => h.name === 'freezer')?.dir;
    if (!freezer) return; // v1 freezer only; pause on v2 belongs to the cgroup tests
    fs.writeFileSync(path.join(freezer, 'freezer.state'), 'FROZEN');
    assert.ok(waitFor(() => status(c.id) === 'paused'));
    const t0 = Date.now();
    const r = runtime(root, ['delete', '--force', c.id]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(Date.now() - t0 < 5000, `delete took ${Date.now() - t0} ms`);
    assert.doesNotMatch(r.stderr, /did not exit/);
    assert.ok(!fs.existsSync(freezer));
  });

  it('puts the whole cause on the last "level":"error" line of a JSON log', () => {
    const b = makeBundle(['/no/such/program']);
    bundles.push(b);
    const log = path.join(tmp, 'log.json');
    const r = runtime(root, ['--log', log, '--log-format', 'json', 'run', '-b', b.dir, uniqueId('log')]);
    assert.notEqual(r.status, 0);
    const lines = fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const errors = lines.filter((l) => l.level === 'error');
    assert.ok(errors.length > 0);
    const last = errors[errors.length - 1];
    assert.match(last.msg, /process\.args\[0\]/);
    assert.match(last.msg, /\/no\/such\/program/);
    assert.match(last.msg, /no such file or directory/);
    assert.ok(!Number.isNaN(Date.parse(last.time)));
    // containerd's calls: global flags first, then the command.
    const k = runtime(root, ['--log', log, '--log-format', 'json', 'kill', 'gone-already', '9']);
    assert.notEqual(k.status, 0);
    const tail = fs.readFileSync(log, 'utf8').trim().split('\n').pop()!;
    assert.match(JSON.parse(tail).msg, /container gone-already does not exist/);
  });

  it('names itself runc when invoked through a symlink named runc', () => {
    const link = path.join(tmp, 'runc');
    fs.symlinkSync(CLI, link);
    const v = spawnSync(link, ['--version'], { encoding: 'utf8' });
    assert.equal(v.status, 0, v.stderr);
    const [first, commit, spec] = v.stdout.trim().split('\n');
    assert.match(first, /^runc version \S+$/);
    assert.match(commit, /^commit: \S+/);
    assert.equal(spec, 'spec: 1.3.0');
    const h = spawnSync(link, ['--help'], { encoding: 'utf8' });
    assert.match(h.stdout, /^Usage: runc /);
    // A command through the link works as under the own name.
    const s = spawnSync(link, ['--root', root, 'state', 'nothing-here'], { encoding: 'utf8' });
    assert.match(s.stderr, /container nothing-here does not exist/);
    const own = runtime(root, ['--version']);
    assert.match(own.stdout, /^runtime version \S+\ncommit: \S+\nspec: 1\.3\.0\n$/);
    assert.match(runtime(root, ['--help']).stdout, /^Usage: runtime /);
  });

  it('run --keep leaves the stopped container; --no-subreaper is accepted', () => {
    const b = makeBundle(['sh', '-c', 'exit 4']);
    bundles.push(b);
    const id = uniqueId('keep');
    const r = runtime(root, ['run', '--keep', '--no-subreaper', '-b', b.dir, id]);
    assert.equal(r.status, 4, r.stderr);
    assert.equal(status(id), 'stopped');
    assert.equal(runtime(root, ['delete', id]).status, 0);
  });

  it('sends a pidfd of the container init, or of an exec\'d process, to --pidfd-socket', { skip: receiverBinary().reason }, async () => {
    const b = makeBundle(['sleep', '1000']);
    bundles.push(b);
    const id = uniqueId('pidfd');
    const recv = await startReceiver(tmp);
    try {
      const r = detached(['run', '-d', '--pidfd-socket', recv.socket, '-b', b.dir, id]);
      assert.equal(r.status, 0, r.output);
      const got = await within(recv.result, 10000, 'pidfd receiver');
      assert.equal(got.header?.name, 'pidfd');
      assert.equal(got.header?.pid, JSON.parse(runtime(root, ['state', id]).stdout).pid);
      assert.equal(got.header?.tty, 0);
      // exec takes it too, for the exec'd process.
      const recv2 = await startReceiver(tmp);
      const pidFile = path.join(tmp, 'exec.pid');
      try {
        const e = detached(['exec', '-d', '--pid-file', pidFile, '--pidfd-socket', recv2.socket, id, 'sleep', '30']);
        assert.equal(e.status, 0, e.output);
        const got2 = await within(recv2.result, 10000, 'pidfd receiver (exec)');
        assert.equal(got2.header?.name, 'pidfd');
        assert.equal(got2.header?.pid, Number(fs.readFileSync(pidFile, 'utf8')));
      } finally {
        recv2.stop();
      }
    } finally {
      recv.stop();
      runtime(root, ['delete', '-f', id]);
    }
  });

  it('checkpoint and restore fail with criu\'s reason when criu check fails', { skip: criuWorks && 'criu check passes on this host' }, () => {
    const c = startContainer(['sleep', '1000']);
    const r = runtime(root, ['checkpoint', '--image-path', path.join(tmp, 'img'), '--leave-running', c.id]);
    assert.notEqual(r.status, 0);
    if (criu.error) assert.match(r.stderr, /checkpoint needs criu, which is not installed/);
    else assert.match(r.stderr, /checkpoint is not possible on this host: criu check failed: \S/);
    assert.equal(status(c.id), 'running', 'a failed checkpoint leaves the container alone');
    const rs = runtime(root, ['restore', '-d', '--image-path', path.join(tmp, 'img'), '-b', c.bundle.dir, uniqueId('restored')]);
    assert.notEqual(rs.status, 0);
    assert.match(rs.stderr, /restore (is not possible on this host: criu check failed|needs criu)/);
    runtime(root, ['delete', '-f', c.id]);
  });

  it('checkpoint and restore round trip', { skip: !criuWorks && `criu check fails on this host: ${(criu.stderr || criu.error?.message || '').trim().split('\n').pop()}` }, () => {
    // Reached only where criu works; this build then says plainly that it has no criu driver yet.
    const c = startContainer(['sleep', '1000']);
    const r = runtime(root, ['checkpoint', '--image-path', path.join(tmp, 'img'), c.id]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /not implemented/);
    runtime(root, ['delete', '-f', c.id]);
  });
});
