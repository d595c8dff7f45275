// containerd: a private daemon (own root, state, sockets under the run's temp dir) and
// `ctr run --runc-binary <runtime> --rootfs <busybox>` through containerd's runc shim v2,
// which calls the runtime as `--root R --log B/log.json --log-format json <command>`.
import * as fs from 'fs';
import * as path from 'path';

import { callsOffset, expectCall, type Ctx } from './lib/context';
import { alive, describe, run, startDaemon, stopPid, waitFor, type Result } from './lib/proc';
import { expectCode, expectOutput, fail, skip } from './lib/report';
import { cgroupRoots } from './lib/host';

const NS = 'rtclients';
const CALL_TIMEOUT_MS = 45_000;


export async function containerdSuite(ctx: Ctx): Promise<void> {
  const dir = path.join(ctx.tmp, 'containerd');
  fs.mkdirSync(dir, { recursive: true });
  const sock = path.join(dir, 'containerd.sock');
  const runcRoot = path.join(dir, 'runtime-root');
  const config = path.join(dir, 'config.toml');
  // The CRI plugin stays off (it wants CNI and a streaming port); its runtime handler section
  // is written anyway and checked with `config dump`, as the README shows it.
  fs.writeFileSync(
    config,
    [
      'version = 2',
      `root = "${dir}/root"`,
      `state = "${dir}/state"`,
      'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
      '[grpc]',
      `  address = "${sock}"`,
      '[ttrpc]',
      `  address = "${sock}.ttrpc"`,
      '[debug]',
      '  level = "info"',
      '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.rt]',
      '  runtime_type = "io.containerd.runc.v2"',
      '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.rt.options]',
      `  BinaryName = "${ctx.runtime}"`,
      `  Root = "${runcRoot}"`,
      '',
    ].join('\n'),
  );
  const r = ctx.report;
  const ctr = (args: string[], timeoutMs = CALL_TIMEOUT_MS): Promise<Result> => run('ctr', ['-a', sock, '-n', NS, ...args], { timeoutMs });
  let n = 0;
  /** A fresh copy of the busybox rootfs per container: ctr --rootfs uses the directory as is. */
  const rootfsCopy = async (id: string): Promise<string> => {
    const dst = path.join(dir, 'rootfs', id);
    fs.mkdirSync(path.dirname(dst), { recursive: true });
    const c = await run('cp', ['-a', ctx.rootfs, dst], { timeoutMs: 30_000 });
    if (c.code !== 0) fail(`copy rootfs: ${describe(c)}`);
    return dst;
  };
  const newId = (): string => `ctr${process.pid}-${++n}`;
  const fifoDir = path.join(dir, 'fifo');
  /** `ctr run [flags] --rootfs DIR ID CMD...`: with --rootfs the first argument is the directory. */
  const runArgs = async (id: string, extra: string[]): Promise<string[]> => [
    'run', '--runc-binary', ctx.runtime, '--runc-root', runcRoot, '--fifo-dir', fifoDir,
    // No image config supplies PATH with --rootfs; runc 1.1 finds no program without one.
    '--env', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', ...extra, '--rootfs', await rootfsCopy(id),
  ];
  const ids: string[] = [];
  /** Deletes a task and its container whatever state they are in. */
  const remove = async (id: string): Promise<void> => {
    await ctr(['task', 'kill', '-a', '-s', 'SIGKILL', id], 15_000);
    await ctr(['task', 'delete', '-f', id], 15_000);
    await ctr(['container', 'delete', id], 15_000);
  };

  await r.scenario('containerd: CRI runtime handler config with BinaryName is accepted', async () => {
    // config dump only shows the sections of enabled plugins: dump a copy with CRI on.
    const criConfig = path.join(dir, 'config-cri.toml');
    fs.writeFileSync(criConfig, fs.readFileSync(config, 'utf8').replace(/^disabled_plugins.*$/m, ''));
    const d = expectCode(await run('containerd', ['--config', criConfig, 'config', 'dump'], { timeoutMs: 20_000 }));
    expectOutput(d, `BinaryName = "${ctx.runtime}"`, 'config dump');
  });

  let daemon: ReturnType<typeof startDaemon> | undefined;
  ctx.defer('containerd', async () => {
    if (daemon && alive(daemon.pid)) for (const id of ids) await remove(id);
    if (daemon) await stopPid(daemon.pid);
  });
  const started = await r.scenario('containerd: daemon starts', async () => {
    daemon = startDaemon('containerd', 'containerd', ['--config', config], path.join(dir, 'containerd.log'));
    const up = await waitFor(async () => alive(daemon!.pid) && fs.existsSync(sock) && (await ctr(['version'], 5_000)).code === 0, 30_000, 200);
    if (!up) fail(`containerd did not answer on ${sock}: ${fs.readFileSync(daemon.log, 'utf8').trim().split('\n').slice(-3).join(' | ')}`);
  }, [], true);
  if (!started) r.block('containerd: ', 'containerd did not start');

  await r.scenario('containerd: run prints output and returns the exit code', async () => {
    const id = newId();
    ids.push(id);
    const from = callsOffset(ctx);
    const res = await ctr([...(await runArgs(id, ['--rm'])), id, 'sh', '-c', 'echo hello-from-ctr; exit 3']);
    expectCode(res, 3);
    expectOutput(res, 'hello-from-ctr');
    // The shim's calling convention, as the runtime saw it.
    expectCall(ctx, from, ' create ', /--root \S+ --log \S+log\.json --log-format json create /, "the shim's create call");
  });

  await r.scenario('containerd: env and cwd', async () => {
    const id = newId();
    ids.push(id);
    const res = await ctr([...(await runArgs(id, ['--rm', '--env', 'FOO=bar baz', '--cwd', '/tmp'])), id, 'sh', '-c', 'echo "$FOO|$(pwd)"']);
    expectCode(res);
    expectOutput(res, 'bar baz|/tmp');
  });

  await r.scenario('containerd: memory limit', async () => {
    const id = newId();
    ids.push(id);
    const limit = 64 * 1024 * 1024;
    // ctr's spec mounts no cgroupfs: read the limit from the host, where the task's
    // /proc/PID/cgroup says its memory cgroup is.
    expectCode(await ctr([...(await runArgs(id, ['-d', '--memory-limit', String(limit)])), id, 'sleep', '600']));
    try {
      const ls = expectCode(await ctr(['task', 'ls']));
      const pid = new RegExp(`^${id}\\s+(\\d+)`, 'm').exec(ls.stdout)?.[1];
      if (!pid) fail(`task ls does not show ${id}: ${ls.stdout.trim()}`);
      const cg = /^\d+:memory:(.*)$/m.exec(fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8'))?.[1];
      const root = cgroupRoots().find((m) => fs.existsSync(path.join(m, 'memory.limit_in_bytes')));
      if (!cg || !root) skip('no v1 memory controller on this host');
      const file = path.join(root, cg, 'memory.limit_in_bytes');
      const got = fs.readFileSync(file, 'utf8').trim();
      if (got !== String(limit)) fail(`${file} is ${got}, expected ${limit}`);
    } finally {
      await remove(id);
    }
    // And felt: a 96 MiB buffer under a 32 MiB limit is OOM-killed (unless swap absorbs it).
    const swaps = fs.readFileSync('/proc/swaps', 'utf8').trim().split('\n').length > 1;
    if (swaps) return;
    const id2 = newId();
    ids.push(id2);
    const hog = await ctr([...(await runArgs(id2, ['--rm', '--memory-limit', String(32 * 1024 * 1024)])), id2, 'dd', 'if=/dev/zero', 'of=/dev/null', 'bs=96M', 'count=1']);
    if (hog.code !== 137) fail(`a 96 MiB dd under a 32 MiB limit: expected exit 137 (OOM kill), ${describe(hog)}`);
  });

  const det = newId();
  ids.push(det);
  let initPid = 0;
  await r.scenario('containerd: detached task', async () => {
    expectCode(await ctr([...(await runArgs(det, ['-d', '--env', 'FOO=bar'])), det, 'sleep', '600']));
    const ls = expectCode(await ctr(['task', 'ls']));
    const m = new RegExp(`^${det}\\s+(\\d+)\\s+RUNNING`, 'm').exec(ls.stdout);
    if (!m) fail(`task ls does not show ${det} RUNNING: ${ls.stdout.trim()}`);
    initPid = Number(m[1]);
    if (!alive(initPid)) fail(`task pid ${initPid} is not alive on the host`);
  });

  await r.scenario('containerd: task exec', async () => {
    const res = await ctr(['task', 'exec', '--fifo-dir', fifoDir, '--exec-id', 'e1', '--cwd', '/tmp', det, 'sh', '-c', 'echo "in-exec $FOO $(pwd) $$"; exit 4']);
    expectCode(res, 4);
    expectOutput(res, /in-exec bar \/tmp \d+/);
    const res2 = await ctr(['task', 'exec', '--fifo-dir', fifoDir, '--exec-id', 'e2', '--user', '65534', det, 'id', '-u']);
    expectCode(res2);
    expectOutput(res2, '65534', 'id -u with --user 65534');
  }, ['containerd: detached task']);

  await r.scenario('containerd: task exec -t', async () => {
    const cmd = ['ctr', '-a', sock, '-n', NS, 'task', 'exec', '--fifo-dir', fifoDir, '-t', '--exec-id', 'tty1', det, 'sh', '-c', 'tty; [ -t 0 ] && echo exec-stdin-is-a-tty']
      .map((a) => `'${a}'`).join(' ');
    const res = await run('script', ['-qec', cmd, '/dev/null'], { timeoutMs: CALL_TIMEOUT_MS });
    expectCode(res);
    expectOutput(res, /\/dev\/pts\/\d+/, 'tty');
    expectOutput(res, 'exec-stdin-is-a-tty');
  }, ['containerd: detached task']);

  await r.scenario('containerd: task ps', async () => {
    const res = expectCode(await ctr(['task', 'ps', det]));
    if (!new RegExp(`^${initPid}\\b`, 'm').test(res.stdout)) fail(`task ps does not list the init pid ${initPid}: ${res.stdout.trim()}`);
  }, ['containerd: detached task']);

  await r.scenario('containerd: task pause and resume', async () => {
    expectCode(await ctr(['task', 'pause', det]));
    const ls = expectCode(await ctr(['task', 'ls']));
    if (!new RegExp(`^${det}\\s+\\d+\\s+PAUSED`, 'm').test(ls.stdout)) fail(`after pause, task ls shows: ${ls.stdout.trim()}`);
    const freezer = cgroupRoots().map((root) => path.join(root, NS, det, 'freezer.state')).find((f) => fs.existsSync(f));
    if (freezer && fs.readFileSync(freezer, 'utf8').trim() !== 'FROZEN') fail(`${freezer} is ${fs.readFileSync(freezer, 'utf8').trim()}`);
    expectCode(await ctr(['task', 'resume', det]));
    const ls2 = expectCode(await ctr(['task', 'ls']));
    if (!new RegExp(`^${det}\\s+\\d+\\s+RUNNING`, 'm').test(ls2.stdout)) fail(`after resume, task ls shows: ${ls2.stdout.trim()}`);
    const res = await ctr(['task', 'exec', '--fifo-dir', fifoDir, '--exec-id', 'e3', det, 'echo', 'thawed']);
    expectCode(res);
    expectOutput(res, 'thawed');
  }, ['containerd: detached task']);

  await r.scenario('containerd: task kill --all and delete', async () => {
    const from = callsOffset(ctx);
    expectCode(await ctr(['task', 'kill', '-a', '-s', 'SIGKILL', det]));
    const stopped = await waitFor(async () => new RegExp(`^${det}\\s+\\d+\\s+STOPPED`, 'm').test((await ctr(['task', 'ls'], 10_000)).stdout), 15_000, 200);
    if (!stopped) fail(`task not STOPPED 15 s after kill -a -s SIGKILL`);
    expectCall(ctx, from, ' kill ', new RegExp(`kill --all ${det} 9$`), "the shim's kill call");
    const del = expectCode(await ctr(['task', 'delete', det]));
    if (!/exit code 137/.test(del.stderr + del.stdout)) fail(`task delete did not report exit code 137: ${describe(del)}`);
    expectCode(await ctr(['container', 'delete', det]));
    const stateDir = path.join(runcRoot, NS, det);
    if (fs.existsSync(stateDir)) fail(`runtime state ${stateDir} left after delete`);
    const cg = cgroupRoots().map((root) => path.join(root, NS, det)).filter((d) => fs.existsSync(d));
    if (cg.length) fail(`cgroup directories left after delete: ${cg.join(' ')}`);
  }, ['containerd: detached task']);

  await r.scenario('containerd: kill delivers SIGTERM as a number', async () => {
    const id = newId();
    ids.push(id);
    // pid 1 ignores SIGTERM unless it has a handler: the trap proves the signal arrived.
    expectCode(await ctr([...(await runArgs(id, ['-d'])), id, 'sh', '-c', 'trap "exit 42" TERM; while :; do sleep 0.1; done']));
    await waitFor(async () => new RegExp(`^${id}\\s+\\d+\\s+RUNNING`, 'm').test((await ctr(['task', 'ls'], 10_000)).stdout), 10_000, 200);
    const from = callsOffset(ctx);
    expectCode(await ctr(['task', 'kill', id]));
    const stopped = await waitFor(async () => new RegExp(`^${id}\\s+\\d+\\s+STOPPED`, 'm').test((await ctr(['task', 'ls'], 10_000)).stdout), 15_000, 200);
    if (!stopped) fail('task not STOPPED after SIGTERM');
    expectCall(ctx, from, ' kill ', new RegExp(`kill ${id} 15$`), "the shim's kill call");
    const del = expectCode(await ctr(['task', 'delete', id]));
    if (!/exit code 42/.test(del.stderr + del.stdout)) fail(`task delete did not report exit code 42: ${describe(del)}`);
    await ctr(['container', 'delete', id]);
  });

  await r.scenario('containerd: tty with -t', async () => {
    const id = newId();
    ids.push(id);
    const args = [...(await runArgs(id, ['--rm', '-t'])), id, 'sh', '-c', 'tty; [ -t 0 ] && [ -t 1 ] && echo stdio-is-a-tty; stty size'];
    const cmd = ['ctr', '-a', sock, '-n', NS, ...args].map((a) => `'${a}'`).join(' ');
    const res = await run('script', ['-qec', cmd, '/dev/null'], { timeoutMs: CALL_TIMEOUT_MS });
    expectCode(res);
    expectOutput(res, /\/dev\/(pts\/\d+|console)/, 'tty');
    expectOutput(res, 'stdio-is-a-tty');
  });

  await r.scenario('containerd: stdin reaches the container', async () => {
    const id = newId();
    ids.push(id);
    const res = await run('ctr', ['-a', sock, '-n', NS, ...(await runArgs(id, ['--rm'])), id, 'sh', '-c', 'read line; echo "got:$line"'], {
      input: 'through-the-shim\n',
      timeoutMs: CALL_TIMEOUT_MS,
    });
    expectCode(res);
    expectOutput(res, 'got:through-the-shim');
  });

  await r.scenario('containerd: a failed create reports its cause', async () => {
    const id = newId();
    ids.push(id);
    // containerd shows its user the last "level":"error" line of the runtime's --log.
    const res = await ctr([...(await runArgs(id, ['--rm'])), id, '/no/such/program']);
    if (res.code === 0) fail(`a missing program ran: ${describe(res)}`);
    const text = res.stderr + res.stdout;
    if (!text.includes('/no/such/program') || !/no such file|not found/i.test(text)) fail(`the error does not name the program and the cause: ${describe(res)}`);
    await ctr(['container', 'delete', id]);
  });

  await r.scenario('containerd: read-only rootfs, capabilities and privileged', async () => {
    const id = newId();
    ids.push(id);
    const ro = await ctr([...(await runArgs(id, ['--rm', '--read-only'])), id, 'sh', '-c', 'touch /x 2>/dev/null && echo writable || echo read-only']);
    expectCode(ro);
    expectOutput(ro, 'read-only', '--read-only');
    const id2 = newId();
    ids.push(id2);
    // CAP_NET_RAW is in ctr's default set; dropping it must show in CapEff (bit 13).
    const caps = await ctr([...(await runArgs(id2, ['--rm', '--cap-drop', 'CAP_NET_RAW'])), id2, 'grep', 'CapEff', '/proc/self/status']);
    expectCode(caps);
    const eff = BigInt(`0x${/CapEff:\s*([0-9a-f]+)/.exec(caps.stdout)?.[1] ?? '0'}`);
    if (eff === 0n || (eff & (1n << 13n)) !== 0n) fail(`CapEff after --cap-drop CAP_NET_RAW: ${caps.stdout.trim()}`);
    const id3 = newId();
    ids.push(id3);
    const priv = await ctr([...(await runArgs(id3, ['--rm', '--privileged'])), id3, 'sh', '-c', 'grep -E "CapEff|Seccomp:" /proc/self/status; ls /dev | wc -l']);
    expectCode(priv);
    expectOutput(priv, /Seccomp:\s+0/, 'no seccomp when privileged');
    const effPriv = BigInt(`0x${/CapEff:\s*([0-9a-f]+)/.exec(priv.stdout)?.[1] ?? '0'}`);
    if ((effPriv & (1n << 21n)) === 0n) fail(`no CAP_SYS_ADMIN when privileged: ${priv.stdout.trim()}`);
  });

  await r.scenario('containerd: processes left when the init exits are killed (host pid namespace)', async () => {
    const id = newId();
    ids.push(id);
    // Sharing the host's pid namespace, the sleep outlives the init; the shim then calls
    // `kill --all ID 9` to clean up, which must kill it.
    const args = await runArgs(id, ['--rm', '--with-ns', `pid:/proc/${process.pid}/ns/pid`]);
    const rootfs = args[args.length - 1];
    const res = await ctr([...args, id, 'sh', '-c', 'sleep 600 & echo $! > /tmp/stray; echo init-exits']);
    expectCode(res);
    expectOutput(res, 'init-exits');
    const pid = Number(fs.readFileSync(path.join(rootfs, 'tmp/stray'), 'utf8'));
    if (!pid) fail('no stray pid recorded');
    const gone = await waitFor(() => !alive(pid), 10_000, 100);
    if (!gone) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // raced
      }
      fail(`pid ${pid} (the init's child) still runs after the task exited`);
    }
  });

  await r.scenario('containerd: task checkpoint says why it cannot (criu)', async () => {
    const id = newId();
    ids.push(id);
    expectCode(await ctr([...(await runArgs(id, ['-d'])), id, 'sleep', '600']));
    try {
      const res = await ctr(['task', 'checkpoint', id], 60_000);
      if (res.code === 0) return; // criu works here: nothing to explain
      if (!/criu/i.test(res.stderr + res.stdout)) fail(`checkpoint failed without naming criu: ${describe(res)}`);
      const ls = expectCode(await ctr(['task', 'ls']));
      if (!new RegExp(`^${id}\\s+\\d+\\s+RUNNING`, 'm').test(ls.stdout)) fail(`the task did not survive the failed checkpoint: ${ls.stdout.trim()}`);
    } finally {
      await remove(id);
    }
  });
}
