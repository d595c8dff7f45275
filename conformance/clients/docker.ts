// Docker (Debian's docker.io): a private dockerd (own --data-root, --exec-root, unix socket,
// --pidfile, an empty --config-file) with `--add-runtime rt=<runtime>` as its default
// runtime. dockerd starts its own containerd under the exec root; its config.json carries
// the libnetwork-setkey prestart hook that wires the container's network.
import * as fs from 'fs';
import * as path from 'path';

import { callsOffset, expectCall, type Ctx } from './lib/context';
import { alive, describe, run, startDaemon, stopPid, waitFor, type Result } from './lib/proc';
import { expectOptionsApplied, OPTIONS_FLAGS, OPTIONS_FLAGS_AFTER_ULIMIT, OPTIONS_SCRIPT } from './lib/options-check';
import { expectCode, expectOutput, fail, skip } from './lib/report';

const IMAGE = 'rtclients-busybox:latest';
const CALL_TIMEOUT_MS = 60_000;
/** docker0 and user networks: our own test hosts, in network namespaces this run makes. */
const BIP = '10.232.0.1/24';
const POOL = 'base=10.233.0.0/16,size=24';
/** Debian's client, not whatever newer one sits earlier in PATH. */
const DOCKER = '/usr/bin/docker';


export async function dockerSuite(ctx: Ctx): Promise<void> {
  const dir = path.join(ctx.tmp, 'docker');
  fs.mkdirSync(path.join(dir, 'client'), { recursive: true });
  const sock = path.join(dir, 'docker.sock');
  const daemonJson = path.join(dir, 'daemon.json');
  // The README's other way: "runtimes" in daemon.json (dockerd refuses a name given both ways).
  fs.writeFileSync(daemonJson, `${JSON.stringify({ runtimes: { 'rt-json': { path: ctx.runtime } } }, null, 2)}\n`);
  const env = { ...process.env, DOCKER_HOST: `unix://${sock}`, DOCKER_CONFIG: path.join(dir, 'client') };
  const docker = (args: string[], timeoutMs = CALL_TIMEOUT_MS): Promise<Result> => run(DOCKER, args, { env, timeoutMs });
  const r = ctx.report;
  let daemon: ReturnType<typeof startDaemon> | undefined;

  ctx.defer('docker', async () => {
    if (daemon && alive(daemon.pid)) {
      const ps = await docker(['ps', '-aq'], 20_000);
      const ids = ps.stdout.split('\n').filter(Boolean);
      if (ids.length) await docker(['rm', '-f', ...ids], 60_000);
      await docker(['network', 'rm', 'rtclients-net'], 20_000);
    }
    // dockerd stops its containerd (and that its shims) on SIGTERM.
    if (daemon) await stopPid(daemon.pid, 30_000);
  });

  const started = await r.scenario('docker: dockerd starts with --add-runtime', async () => {
    daemon = startDaemon('dockerd', 'dockerd', [
      '--config-file', daemonJson,
      '--data-root', path.join(dir, 'data'),
      '--exec-root', path.join(dir, 'exec'),
      '-H', `unix://${sock}`,
      '--pidfile', path.join(dir, 'docker.pid'),
      '--add-runtime', `rt=${ctx.runtime}`,
      '--default-runtime', 'rt',
      '--exec-opt', 'native.cgroupdriver=cgroupfs',
      '--storage-driver', 'overlay2',
      '--bip', BIP,
      '--default-address-pool', POOL,
      '--userland-proxy=false',
    ], path.join(dir, 'dockerd.log'));
    const up = await waitFor(async () => alive(daemon!.pid) && fs.existsSync(sock) && (await docker(['version'], 10_000)).code === 0, 60_000, 300);
    if (!up) fail(`dockerd did not answer on ${sock}: ${fs.readFileSync(daemon.log, 'utf8').trim().split('\n').slice(-3).join(' | ')}`);
    const info = expectCode(await docker(['info', '--format', '{{json .Runtimes}} {{.DefaultRuntime}}']));
    if (!info.stdout.includes(ctx.runtime) || !/ rt\s*$/.test(info.stdout)) fail(`docker info: ${info.stdout.trim()}`);
  }, [], true);
  if (!started) r.block('docker: ', 'dockerd did not start');

  await r.scenario('docker: info reads the runtime version', async () => {
    // dockerd runs `<runtime> --version` and takes the `commit:` line.
    const v = await run(ctx.realRuntime, ['--version'], { timeoutMs: 20_000 });
    const commit = /^commit: (\S+)/m.exec(v.stdout)?.[1];
    const info = expectCode(await docker(['info', '--format', '{{.RuncCommit.ID}}']));
    const got = info.stdout.trim();
    if (!commit) fail(`\`${ctx.realRuntime} --version\` has no commit line: ${v.stdout.trim()}`);
    if (got !== commit && !commit.startsWith(got)) fail(`docker info shows runtime commit ${JSON.stringify(got)}, --version says ${commit}`);
  });

  const imported = await r.scenario('docker: import a busybox rootfs tarball as an image', async () => {
    expectCode(await docker(['import', ctx.tarball, IMAGE], 120_000));
  }, [], true);
  if (!imported) r.block('docker: ', 'no image');

  await r.scenario('docker: run prints output and returns the exit code', async () => {
    const res = await docker(['run', '--rm', '--runtime', 'rt', IMAGE, 'sh', '-c', 'echo hello-from-docker; exit 3']);
    expectCode(res, 3);
    expectOutput(res, 'hello-from-docker');
  });

  await r.scenario('docker: runtime from daemon.json "runtimes"', async () => {
    const from = callsOffset(ctx);
    const res = expectCode(await docker(['run', '--rm', '--runtime', 'rt-json', IMAGE, 'echo', 'from-daemon-json']));
    expectOutput(res, 'from-daemon-json');
    expectCall(ctx, from, ' create ', / create /, 'the runtime from daemon.json');
  });

  await r.scenario('docker: the libnetwork-setkey prestart hook wires the network', async () => {
    const res = expectCode(await docker(['run', '--rm', IMAGE, 'ip', '-4', '-o', 'addr', 'show', 'eth0']));
    const prefix = BIP.split('.').slice(0, 3).join('.');
    expectOutput(res, `inet ${prefix}.`, 'eth0 on docker0\'s subnet');
  });

  await r.scenario('docker: sysctls land in the container network namespace', async () => {
    const res = expectCode(await docker(['run', '--rm', '--sysctl', 'net.ipv4.ip_unprivileged_port_start=42', IMAGE, 'cat', '/proc/sys/net/ipv4/ip_unprivileged_port_start']));
    expectOutput(res, /^42$/m, 'ip_unprivileged_port_start inside');
    const host = fs.readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8').trim();
    if (host === '42') fail('the sysctl landed on the host');
  });

  const D = 'rtclients-detached';
  await r.scenario('docker: detached container, exec and logs', async () => {
    expectCode(await docker(['run', '-d', '--name', D, IMAGE, 'sh', '-c', 'trap "echo got-TERM; exit 0" TERM; echo started; while :; do sleep 0.2; done']));
    const up = await waitFor(async () => (await docker(['logs', D], 10_000)).stdout.includes('started'), 15_000, 300);
    if (!up) fail(`no "started" in the logs: ${describe(await docker(['logs', D]))}`);
    const res = expectCode(await docker(['exec', '-u', '65534:65534', '-e', 'FOO=bar', '-w', '/tmp', D, 'sh', '-c', 'echo "$(id -u):$(id -g) $FOO $(pwd)"']));
    expectOutput(res, '65534:65534 bar /tmp');
    expectCode(await docker(['exec', D, 'sh', '-c', 'exit 3']), 3);
  });

  await r.scenario('docker: stop and rm', async () => {
    const t0 = Date.now();
    expectCode(await docker(['stop', '-t', '20', D]));
    const secs = (Date.now() - t0) / 1000;
    const st = expectCode(await docker(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', D])).stdout.trim();
    if (st !== 'exited 0') fail(`after stop: ${st} (the TERM trap exits 0)`);
    if (secs > 15) fail(`stop took ${secs.toFixed(1)} s: SIGTERM did not reach the container`);
    expectOutput(expectCode(await docker(['logs', D])), 'got-TERM', 'logs after stop');
    expectCode(await docker(['rm', D]));
  }, ['docker: detached container, exec and logs']);

  await r.scenario('docker: -v bind mount and named volume', async () => {
    const host = path.join(dir, 'bind');
    fs.mkdirSync(host, { recursive: true });
    fs.writeFileSync(path.join(host, 'in.txt'), 'from-the-host\n');
    const res = expectCode(await docker(['run', '--rm', '-v', `${host}:/data`, IMAGE, 'sh', '-c', 'cat /data/in.txt; echo from-the-container > /data/out.txt']));
    expectOutput(res, 'from-the-host');
    if (!fs.existsSync(path.join(host, 'out.txt'))) fail('the container\'s write did not reach the host directory');
    expectCode(await docker(['run', '--rm', '-v', 'rtclients-vol:/vol', IMAGE, 'sh', '-c', 'echo persisted > /vol/f']));
    expectOutput(expectCode(await docker(['run', '--rm', '-v', 'rtclients-vol:/vol', IMAGE, 'cat', '/vol/f'])), 'persisted', 'named volume');
  });

  await r.scenario('docker: commit then run the new image', async () => {
    expectCode(await docker(['run', '--name', 'rtclients-commit', IMAGE, 'sh', '-c', 'echo committed-content > /hello.txt']));
    expectCode(await docker(['commit', 'rtclients-commit', 'rtclients-committed:latest'], 120_000));
    expectCode(await docker(['rm', 'rtclients-commit']));
    expectOutput(expectCode(await docker(['run', '--rm', 'rtclients-committed:latest', 'cat', '/hello.txt'])), 'committed-content');
  });

  await r.scenario('docker: cp into and out of a running container', async () => {
    const C = 'rtclients-cp';
    expectCode(await docker(['run', '-d', '--name', C, IMAGE, 'sleep', '600']));
    try {
      const src = path.join(dir, 'cp-in.txt');
      fs.writeFileSync(src, 'copied-in\n');
      expectCode(await docker(['cp', src, `${C}:/tmp/cp-in.txt`]));
      expectOutput(expectCode(await docker(['exec', C, 'cat', '/tmp/cp-in.txt'])), 'copied-in', 'file copied in');
      expectCode(await docker(['exec', C, 'sh', '-c', 'echo copied-out > /tmp/cp-out.txt']));
      const dst = path.join(dir, 'cp-out.txt');
      expectCode(await docker(['cp', `${C}:/tmp/cp-out.txt`, dst]));
      if (!fs.readFileSync(dst, 'utf8').includes('copied-out')) fail('the copied-out file has the wrong content');
    } finally {
      await docker(['rm', '-f', C]);
    }
  });

  await r.scenario('docker: user network, containers reach each other by name', async () => {
    expectCode(await docker(['network', 'create', 'rtclients-net']));
    expectCode(await docker(['run', '-d', '--name', 'rtclients-web', '--network', 'rtclients-net', IMAGE, 'httpd', '-f', '-p', '80', '-h', '/www']));
    try {
      // Docker's embedded DNS (127.0.0.11) needs the rules the setkey hook puts in the netns.
      const res = await docker(['run', '--rm', '--network', 'rtclients-net', IMAGE, 'timeout', '10', 'wget', '-q', '-O', '-', 'http://rtclients-web/']);
      expectCode(res);
      expectOutput(res, 'hello from busybox httpd', 'GET http://rtclients-web/');
    } finally {
      await docker(['rm', '-f', 'rtclients-web']);
      await docker(['network', 'rm', 'rtclients-net']);
    }
  });

  await r.scenario('docker: -t tty', async () => {
    const cmd = [DOCKER, 'run', '--rm', '-t', IMAGE, 'sh', '-c', 'tty; [ -t 0 ] && [ -t 1 ] && echo stdio-is-a-tty'].map((a) => `'${a}'`).join(' ');
    const res = expectCode(await run('script', ['-qec', cmd, '/dev/null'], { env, timeoutMs: CALL_TIMEOUT_MS }));
    expectOutput(res, /\/dev\/(pts\/\d+|console)/, 'tty');
    expectOutput(res, 'stdio-is-a-tty');
  });

  await r.scenario('docker: exit codes 127 and 126 for a missing or non-executable program', async () => {
    // dockerd maps the runtime's error text to 127/126: the phrases matter.
    const missing = await docker(['run', '--rm', IMAGE, '/no/such/program']);
    if (missing.code !== 127) fail(`a missing program: expected exit 127, ${describe(missing)}`);
    const notExec = await docker(['run', '--rm', IMAGE, '/etc/passwd']);
    if (notExec.code !== 126) fail(`a non-executable file: expected exit 126, ${describe(notExec)}`);
  });

  await r.scenario('docker: stdin with -i', async () => {
    const res = await run(DOCKER, ['run', '--rm', '-i', IMAGE, 'sh', '-c', 'read line; echo "got:$line"'], { env, input: 'through-dockerd\n', timeoutMs: CALL_TIMEOUT_MS });
    expectCode(res);
    expectOutput(res, 'got:through-dockerd');
  });

  await r.scenario('docker: pause, unpause, top and update', async () => {
    const C = 'rtclients-pause';
    expectCode(await docker(['run', '-d', '--name', C, '--memory', '64m', IMAGE, 'sleep', '600']));
    try {
      expectCode(await docker(['pause', C]));
      const st = expectCode(await docker(['inspect', '-f', '{{.State.Status}}', C])).stdout.trim();
      if (st !== 'paused') fail(`after pause: ${st}`);
      expectCode(await docker(['unpause', C]));
      expectOutput(expectCode(await docker(['top', C])), 'sleep 600', 'docker top');
      const from = callsOffset(ctx);
      expectCode(await docker(['update', '--memory', '96m', '--memory-swap', '192m', C]));
      expectCall(ctx, from, ' update ', /update --resources/, 'docker update through the shim');
      const pid = expectCode(await docker(['inspect', '-f', '{{.State.Pid}}', C])).stdout.trim();
      const cg = /^\d+:memory:(.*)$/m.exec(fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8'))?.[1];
      const limit = cg && fs.readFileSync(path.join('/sys/fs/cgroup/memory', cg, 'memory.limit_in_bytes'), 'utf8').trim();
      if (limit !== String(96 * 1024 * 1024)) fail(`memory.limit_in_bytes after update: ${limit}`);
    } finally {
      await docker(['rm', '-f', C]);
    }
  });

  await r.scenario('docker: kill -s HUP reaches the process', async () => {
    const C = 'rtclients-hup';
    expectCode(await docker(['run', '-d', '--name', C, IMAGE, 'sh', '-c', 'trap "echo got-HUP" HUP; echo ready; while :; do sleep 0.1; done']));
    try {
      await waitFor(async () => (await docker(['logs', C], 10_000)).stdout.includes('ready'), 10_000, 200);
      const from = callsOffset(ctx);
      expectCode(await docker(['kill', '-s', 'HUP', C]));
      const got = await waitFor(async () => (await docker(['logs', C], 10_000)).stdout.includes('got-HUP'), 10_000, 200);
      if (!got) fail('no got-HUP in the logs');
      expectCall(ctx, from, ' kill ', / kill \S+ 1$/, 'SIGHUP as a number');
    } finally {
      await docker(['rm', '-f', C]);
    }
  });

  await r.scenario('docker: --init and restart', async () => {
    const init = expectCode(await docker(['run', '--rm', '--init', IMAGE, 'sh', '-c', 'cat /proc/1/cmdline | tr "\\0" " "']));
    expectOutput(init, /init/, 'pid 1 with --init');
    const C = 'rtclients-restart';
    expectCode(await docker(['run', '-d', '--name', C, IMAGE, 'sleep', '600']));
    try {
      const pid1 = expectCode(await docker(['inspect', '-f', '{{.State.Pid}}', C])).stdout.trim();
      expectCode(await docker(['restart', '-t', '1', C]));
      const after = expectCode(await docker(['inspect', '-f', '{{.State.Status}} {{.State.Pid}}', C])).stdout.trim();
      if (!after.startsWith('running ') || after.endsWith(` ${pid1}`)) fail(`after restart: ${after} (pid before ${pid1})`);
    } finally {
      await docker(['rm', '-f', C]);
    }
  });

  await r.scenario('docker: --privileged', async () => {
    const priv = await docker(['run', '--rm', '--privileged', IMAGE, 'grep', '-E', 'CapEff|Seccomp:', '/proc/self/status']);
    // dockerd asks for every capability it knows; a host root without some of them (this
    // VM's lacks CAP_SYS_RESOURCE) makes runc 1.1 refuse ("unable to apply caps").
    const ours = /^CapBnd:\s*([0-9a-f]+)/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1];
    if (priv.code !== 0 && ctx.isRunc && /apply caps/.test(priv.stderr) && !/^0*1?f+$/.test(ours)) {
      skip(`runc cannot grant capabilities this host's root lacks (CapBnd ${ours}): ${priv.stderr.trim().split('\n').slice(-1)[0]}`);
    }
    expectCode(priv);
    expectOutput(priv, /Seccomp:\s+0/, 'no seccomp when privileged');
    // every capability dockerd knows (20.10 stops at CAP_AUDIT_READ) that the host has
    const eff = BigInt(`0x${/CapEff:\s*([0-9a-f]+)/.exec(priv.stdout)?.[1] ?? '0'}`);
    const want = BigInt(`0x${ours}`) & ((1n << 38n) - 1n);
    if ((eff & want) !== want) fail(`CapEff ${eff.toString(16)} lacks some of ${want.toString(16)}`);
  });

  await r.scenario('docker: hostname, hosts, tmpfs, shm, ulimit, oom score, device, no-new-privileges, cgroupns', async () => {
    expectOptionsApplied(expectCode(await docker(['run', '--rm', ...OPTIONS_FLAGS, ...OPTIONS_FLAGS_AFTER_ULIMIT, IMAGE, 'sh', '-c', OPTIONS_SCRIPT])));
  });

  await r.scenario('docker: exec -t, exec -d, exec -i and a health check', async () => {
    const E = 'rtclients-execs';
    expectCode(await docker(['run', '-d', '--name', E, '--health-cmd', 'test -e /tmp/healthy', '--health-interval', '1s', '--health-retries', '1', IMAGE, 'sleep', '600']));
    try {
      const cmd = [DOCKER, 'exec', '-t', E, 'sh', '-c', 'tty; [ -t 0 ] && echo exec-stdin-is-a-tty'].map((a) => `'${a}'`).join(' ');
      const tty = expectCode(await run('script', ['-qec', cmd, '/dev/null'], { env, timeoutMs: CALL_TIMEOUT_MS }));
      expectOutput(tty, /\/dev\/pts\/\d+/, 'exec -t');
      expectOutput(tty, 'exec-stdin-is-a-tty');
      expectCode(await docker(['exec', '-d', E, 'sh', '-c', 'touch /tmp/healthy']));
      const healthy = await waitFor(async () => (await docker(['inspect', '-f', '{{.State.Health.Status}}', E], 10_000)).stdout.trim() === 'healthy', 20_000, 500);
      if (!healthy) fail(`health status: ${(await docker(['inspect', '-f', '{{json .State.Health}}', E])).stdout.trim().slice(-400)}`);
      const res = await run(DOCKER, ['exec', '-i', E, 'sh', '-c', 'read l; echo "exec-got:$l"'], { env, input: 'via-exec-stdin\n', timeoutMs: CALL_TIMEOUT_MS });
      expectCode(res);
      expectOutput(res, 'exec-got:via-exec-stdin');
    } finally {
      await docker(['rm', '-f', E]);
    }
  });

  await r.scenario('docker: joining another container\'s network, pid and ipc namespaces', async () => {
    const J = 'rtclients-donor';
    expectCode(await docker(['run', '-d', '--ipc', 'shareable', '--name', J, IMAGE, 'sleep', '600']));
    try {
      const ip = expectCode(await docker(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', J])).stdout.trim();
      const res = expectCode(await docker(['run', '--rm', '--network', `container:${J}`, '--pid', `container:${J}`, '--ipc', `container:${J}`, IMAGE,
        'sh', '-c', 'ps -o args | grep -c "^sleep 600"; ip -4 -o addr show eth0']));
      expectOutput(res, /^1$/m, 'the donor\'s sleep in the joined pid namespace');
      expectOutput(res, `inet ${ip}/`, 'the donor\'s address in the joined network namespace');
    } finally {
      await docker(['rm', '-f', J]);
    }
  });

  await r.scenario('docker: six containers started at once', async () => {
    const runs = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => docker(['run', '--rm', IMAGE, 'echo', `parallel-${i}`], 120_000)));
    for (const [i, res] of runs.entries()) {
      expectCode(res);
      expectOutput(res, `parallel-${i + 1}`);
    }
  });
}
