// podman (through conmon) with `--runtime <runtime>`: private storage (--root, --runroot,
// --tmpdir under the run's temp dir), cgroupfs, the file events logger, private network
// configs, and a busybox image imported from a tarball. conmon calls the runtime with no
// global flags, so its containers live in the runtime's default root.
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';

import { callsOffset, expectCall, type Ctx } from './lib/context';
import { makeWrapper } from './lib/host';
import { describe, run, waitFor, type Result } from './lib/proc';
import { expectOptionsApplied, OPTIONS_FLAGS, OPTIONS_FLAGS_AFTER_ULIMIT, OPTIONS_SCRIPT } from './lib/options-check';
import { expectCode, expectOutput, fail, skip } from './lib/report';

const IMAGE = 'localhost/rtclients-busybox:latest';
const CALL_TIMEOUT_MS = 60_000;
/** Our own test hosts' subnets (containers in network namespaces this run makes). */
const DEFAULT_SUBNET = '10.231.0.0/24';
const NET_SUBNET = '10.231.1.0/24';


/** True when this process lacks CAP_SYS_RESOURCE (then no rlimit can be raised above its hard value). */
function lacksSysResource(): boolean {
  const m = /^CapEff:\s*([0-9a-f]+)/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return !m || (BigInt(`0x${m[1]}`) & (1n << 24n)) === 0n;
}

function hardLimit(name: string): string | null {
  const line = fs.readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith(name));
  const v = line?.slice(26).trim().split(/\s+/)[1];
  return v && /^\d+$/.test(v) ? v : null;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export function httpGet(url: string, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

export async function podmanSuite(ctx: Ctx): Promise<void> {
  const dir = path.join(ctx.tmp, 'podman');
  fs.mkdirSync(dir, { recursive: true });
  const conf = path.join(dir, 'containers.conf');
  const ulimits: string[] = [];
  /** what a scenario that sets --ulimit adds (any --ulimit replaces the defaults below) */
  const ulimitFlags: string[] = [];
  if (lacksSysResource()) {
    // podman asks for nofile/nproc 1048576; without CAP_SYS_RESOURCE (this VM's root has
    // none) no runtime can raise a hard limit, so ask for what the host allows. podman
    // itself, failing to raise its own nproc, drops it to kernel.pid_max: ask for no more.
    const nofile = hardLimit('Max open files');
    if (nofile) ulimits.push(`"nofile=${nofile}:${nofile}"`);
    const pidMax = Number(fs.readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
    const nproc = Math.min(Number(hardLimit('Max processes') ?? pidMax), pidMax);
    ulimits.push(`"nproc=${nproc}:${nproc}"`);
    ulimitFlags.push('--ulimit', `nproc=${nproc}:${nproc}`);
  }
  fs.writeFileSync(
    conf,
    [
      '[containers]',
      `default_ulimits = [${ulimits.join(', ')}]`,
      '[engine]',
      'cgroup_manager = "cgroupfs"',
      'events_logger = "file"',
      `events_logfile_path = "${dir}/events.log"`,
      `static_dir = "${dir}/root/libpod"`,
      `volume_path = "${dir}/root/volumes"`,
      // The README's way: a runtime by name. The scenarios pass --runtime PATH; one uses the name.
      '[engine.runtimes]',
      `rtclients = ["${ctx.runtime}"]`,
      '[network]',
      'network_backend = "netavark"',
      `network_config_dir = "${dir}/networks"`,
      `default_subnet = "${DEFAULT_SUBNET}"`,
      '',
    ].join('\n'),
  );
  const storageConf = path.join(dir, 'storage.conf');
  fs.writeFileSync(storageConf, `[storage]\ndriver = "overlay"\ngraphroot = "${dir}/root"\nrunroot = "${dir}/runroot"\n`);
  const env = { ...process.env, CONTAINERS_CONF: conf, CONTAINERS_STORAGE_CONF: storageConf };
  const globals = [
    '--root', `${dir}/root`, '--runroot', `${dir}/runroot`, '--tmpdir', `${dir}/tmp`,
    '--cgroup-manager', 'cgroupfs', '--events-backend', 'file', '--network-config-dir', `${dir}/networks`,
    '--runtime', ctx.runtime,
  ];
  const podman = (args: string[], timeoutMs = CALL_TIMEOUT_MS): Promise<Result> => run('podman', [...globals, ...args], { env, timeoutMs });
  const underScript = (args: string[]): Promise<Result> => {
    const cmd = ['podman', ...globals, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    return run('script', ['-qec', cmd, '/dev/null'], { env, timeoutMs: CALL_TIMEOUT_MS });
  };
  const r = ctx.report;
  const baseName = path.basename(ctx.realRuntime);
  const runtimeRoot = baseName === 'runc' ? '/run/runc' : baseName === 'crun' ? '/run/crun' : '/run/runtime';

  const hadRuntimeRoot = fs.existsSync(runtimeRoot);
  ctx.defer('podman', async () => {
    await podman(['rm', '-a', '-f', '-t', '0'], 60_000);
    await podman(['network', 'rm', '-f', 'rtclients-net'], 30_000);
    await podman(['volume', 'rm', '-a', '-f'], 30_000);
    await podman(['rmi', '-a', '-f'], 30_000);
    // conmon's calls use the runtime's default root; leave no new empty one behind.
    if (!hadRuntimeRoot) {
      try {
        fs.rmdirSync(runtimeRoot);
      } catch {
        // not empty: a container is left, which the scenarios report
      }
    }
  });

  const imported = await r.scenario('podman: import a busybox rootfs tarball as an image', async () => {
    expectCode(await podman(['import', ctx.tarball, IMAGE], 120_000));
    expectOutput(await podman(['images', '--format', '{{.Repository}}:{{.Tag}}']), IMAGE, 'podman images');
  }, [], true);
  if (!imported) r.block('podman: ', 'no image');

  await r.scenario('podman: run prints output', async () => {
    const from = callsOffset(ctx);
    const res = expectCode(await podman(['run', '--rm', IMAGE, 'echo', 'hello-from-podman']));
    expectOutput(res, 'hello-from-podman');
    if (!['runc', 'crun'].includes(baseName)) expectCall(ctx, from, ' create ', /^\S+ create --bundle /, "conmon's create with no global flags");
  });

  await r.scenario('podman: runtime by name from containers.conf [engine.runtimes]', async () => {
    const from = callsOffset(ctx);
    const byName = ['--runtime', 'rtclients', ...globals.filter((a) => a !== '--runtime' && a !== ctx.runtime)];
    const res = await run('podman', [...byName, 'run', '--rm', IMAGE, 'echo', 'by-name'], { env, timeoutMs: CALL_TIMEOUT_MS });
    expectCode(res);
    expectOutput(res, 'by-name');
    expectCall(ctx, from, ' create ', / create /, 'the runtime named in containers.conf');
  });

  await r.scenario('podman: exit codes (7, and 137 for a killed container)', async () => {
    expectCode(await podman(['run', '--rm', IMAGE, 'sh', '-c', 'exit 7']), 7);
    expectCode(await podman(['run', '-d', '--name', 'rtclients-killed', IMAGE, 'sleep', '600']));
    expectCode(await podman(['kill', 'rtclients-killed']));
    const w = expectCode(await podman(['wait', 'rtclients-killed']));
    if (w.stdout.trim() !== '137') fail(`podman wait after kill: expected 137, got ${JSON.stringify(w.stdout.trim())}`);
    const code = expectCode(await podman(['inspect', '-f', '{{.State.ExitCode}}', 'rtclients-killed']));
    if (code.stdout.trim() !== '137') fail(`State.ExitCode after kill: ${code.stdout.trim()}`);
    expectCode(await podman(['rm', 'rtclients-killed']));
  });

  const D = 'rtclients-detached';
  let detachedId = '';
  await r.scenario('podman: detached container (-d)', async () => {
    expectCode(await podman(['run', '-d', '--name', D, IMAGE, 'sh', '-c', 'trap "echo got-TERM; exit 0" TERM; echo started; while :; do sleep 0.2; done']));
    const up = await waitFor(async () => (await podman(['logs', D], 10_000)).stdout.includes('started'), 15_000, 300);
    if (!up) fail(`the container never printed "started": ${describe(await podman(['logs', D]))}`);
    detachedId = expectCode(await podman(['inspect', '-f', '{{.Id}}', D])).stdout.trim();
    const st = expectCode(await podman(['inspect', '-f', '{{.State.Status}}', D]));
    if (st.stdout.trim() !== 'running') fail(`status ${st.stdout.trim()}`);
  });

  await r.scenario('podman: exec with -u, -e, -w and exit code', async () => {
    const from = callsOffset(ctx);
    const res = expectCode(await podman(['exec', '-u', '65534:65534', '-e', 'FOO=bar', '-w', '/tmp', D, 'sh', '-c', 'echo "$(id -u):$(id -g) $FOO $(pwd)"']));
    expectOutput(res, '65534:65534 bar /tmp');
    expectCall(ctx, from, ' exec ', /exec --pid-file \S+ --process \S+ --detach/, "conmon's exec call");
    expectCode(await podman(['exec', D, 'sh', '-c', 'exit 3']), 3);
  }, ['podman: detached container (-d)']);

  await r.scenario('podman: exec -t', async () => {
    const res = expectCode(await underScript(['exec', '-t', D, 'sh', '-c', 'tty; [ -t 0 ] && echo exec-stdin-is-a-tty']));
    expectOutput(res, /\/dev\/pts\/\d+/, 'tty');
    expectOutput(res, 'exec-stdin-is-a-tty');
  }, ['podman: detached container (-d)']);

  await r.scenario('podman: update changes the memory limit of a running container', async () => {
    const from = callsOffset(ctx);
    expectCode(await podman(['update', '--memory', '96m', D]));
    expectCall(ctx, from, ' update ', /update --resources[= ]\S+/, "podman's update call");
    const res = expectCode(await podman(['exec', D, 'cat', '/sys/fs/cgroup/memory/memory.limit_in_bytes']));
    expectOutput(res, String(96 * 1024 * 1024), 'memory.limit_in_bytes after update');
  }, ['podman: detached container (-d)']);

  await r.scenario('podman: logs', async () => {
    expectOutput(expectCode(await podman(['logs', D])), 'started', 'podman logs');
  }, ['podman: detached container (-d)']);

  await r.scenario('podman: stop and rm', async () => {
    const t0 = Date.now();
    expectCode(await podman(['stop', '-t', '20', D]));
    const secs = (Date.now() - t0) / 1000;
    const code = expectCode(await podman(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', D])).stdout.trim();
    if (code !== 'exited 0') fail(`after stop: ${code} (the TERM trap exits 0)`);
    if (secs > 15) fail(`stop took ${secs.toFixed(1)} s: SIGTERM did not reach the container`);
    expectOutput(expectCode(await podman(['logs', D])), 'got-TERM', 'logs after stop');
    expectCode(await podman(['rm', D]));
    const list = await run(ctx.realRuntime, ['--root', runtimeRoot, 'list', '-q'], { timeoutMs: 20_000 });
    if (list.stdout.split('\n').includes(detachedId)) fail(`${detachedId} still in the runtime's list after rm`);
  }, ['podman: detached container (-d)']);

  await r.scenario('podman: -v bind mount, named volume and :ro', async () => {
    const host = path.join(dir, 'bind');
    fs.mkdirSync(host, { recursive: true });
    fs.writeFileSync(path.join(host, 'in.txt'), 'from-the-host\n');
    const res = expectCode(await podman(['run', '--rm', '-v', `${host}:/data`, IMAGE, 'sh', '-c', 'cat /data/in.txt; echo from-the-container > /data/out.txt']));
    expectOutput(res, 'from-the-host');
    if (!fs.existsSync(path.join(host, 'out.txt'))) fail('the container\'s write did not reach the host directory');
    expectCode(await podman(['run', '--rm', '-v', 'rtclients-vol:/vol', IMAGE, 'sh', '-c', 'echo persisted > /vol/f']));
    expectOutput(expectCode(await podman(['run', '--rm', '-v', 'rtclients-vol:/vol', IMAGE, 'cat', '/vol/f'])), 'persisted', 'named volume');
    const ro = await podman(['run', '--rm', '-v', `${host}:/data:ro`, IMAGE, 'sh', '-c', 'echo x > /data/ro.txt && echo wrote || echo refused']);
    expectCode(ro);
    expectOutput(ro, 'refused', ':ro volume');
  });

  await r.scenario('podman: -e, -w and -u on run', async () => {
    const res = expectCode(await podman(['run', '--rm', '-e', 'FOO=bar', '-w', '/tmp', '-u', '65534:65534', IMAGE, 'sh', '-c', 'echo "$(id -u):$(id -g) $FOO $(pwd)"']));
    expectOutput(res, '65534:65534 bar /tmp');
  });

  await r.scenario('podman: --read-only', async () => {
    const res = expectCode(await podman(['run', '--rm', '--read-only', IMAGE, 'sh', '-c', 'touch /x 2>/dev/null && echo root-writable || echo root-read-only; touch /tmp/y && echo tmp-writable']));
    expectOutput(res, 'root-read-only');
    expectOutput(res, 'tmp-writable');
  });

  await r.scenario('podman: --memory and --pids-limit', async () => {
    const res = expectCode(await podman(['run', '--rm', '--memory', '64m', '--pids-limit', '42', IMAGE, 'sh', '-c',
      'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max']));
    expectOutput(res, String(64 * 1024 * 1024), 'memory.limit_in_bytes');
    expectOutput(res, /^42$/m, 'pids.max');
  });

  await r.scenario('podman: commit then run the new image', async () => {
    expectCode(await podman(['run', '--name', 'rtclients-commit', IMAGE, 'sh', '-c', 'echo committed-content > /hello.txt']));
    expectCode(await podman(['commit', 'rtclients-commit', 'localhost/rtclients-committed:latest'], 120_000));
    expectCode(await podman(['rm', 'rtclients-commit']));
    expectOutput(expectCode(await podman(['run', '--rm', 'localhost/rtclients-committed:latest', 'cat', '/hello.txt'])), 'committed-content');
  });

  await r.scenario('podman: -t tty', async () => {
    const res = expectCode(await underScript(['run', '--rm', '-t', IMAGE, 'sh', '-c', 'tty; [ -t 0 ] && [ -t 1 ] && echo stdio-is-a-tty']));
    expectOutput(res, /\/dev\/pts\/\d+/, 'tty');
    expectOutput(res, 'stdio-is-a-tty');
  });

  await r.scenario('podman: default seccomp profile in force', async () => {
    const res = expectCode(await podman(['run', '--rm', IMAGE, 'grep', 'Seccomp:', '/proc/self/status']));
    expectOutput(res, /Seccomp:\s+2/, '/proc/self/status');
  });

  let port = 0;
  let bridgeSkip = '';
  await r.scenario('podman: two containers on one bridge network reach each other', async () => {
    const created = await podman(['network', 'create', '--subnet', NET_SUBNET, 'rtclients-net']);
    if (created.code !== 0) skip(`bridge networking is not available here: ${describe(created)}`);
    port = await freePort();
    const web = await podman(['run', '-d', '--name', 'rtclients-web', '--network', 'rtclients-net', '-p', `127.0.0.1:${port}:80`, IMAGE, 'httpd', '-f', '-p', '80', '-h', '/www']);
    if (web.code !== 0 && /netavark|aardvark|iptables|netlink/i.test(web.stderr)) {
      bridgeSkip = `netavark could not set up the bridge: ${web.stderr.trim().split('\n').slice(-1)[0]}`;
      skip(bridgeSkip);
    }
    expectCode(web);
    const ip = expectCode(await podman(['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', 'rtclients-web'])).stdout.trim();
    if (!ip) fail('the web container has no address on rtclients-net');
    // `timeout 10 wget`, not `wget -T`: Debian 12's static busybox wget crashes (SIGSEGV) with -T.
    const byIp = await podman(['run', '--rm', '--network', 'rtclients-net', IMAGE, 'timeout', '10', 'wget', '-q', '-O', '-', `http://${ip}/`]);
    expectCode(byIp);
    expectOutput(byIp, 'hello from busybox httpd', `GET http://${ip}/ from a second container`);
    const byName = await podman(['run', '--rm', '--network', 'rtclients-net', IMAGE, 'timeout', '10', 'wget', '-q', '-O', '-', 'http://rtclients-web/']);
    if (byName.code !== 0) fail(`by address works, by name (aardvark-dns) does not: ${describe(byName)}`);
    expectOutput(byName, 'hello from busybox httpd', 'GET http://rtclients-web/');
  });

  await r.scenario('podman: published port reached from the host on 127.0.0.1', async () => {
    if (bridgeSkip) skip(bridgeSkip);
    if (!port) skip('the bridge network scenario did not start the web container');
    let body = '';
    let err = '';
    const ok = await waitFor(async () => {
      try {
        body = await httpGet(`http://127.0.0.1:${port}/`);
        return true;
      } catch (e) {
        err = String(e);
        return false;
      }
    }, 10_000, 500);
    if (!ok) fail(`GET http://127.0.0.1:${port}/ from the host: ${err}`);
    if (!body.includes('hello from busybox httpd')) fail(`unexpected body ${JSON.stringify(body)}`);
  }, ['podman: two containers on one bridge network reach each other']);

  await r.scenario('podman: exit codes 127 and 126 for a missing or non-executable program', async () => {
    // podman maps the runtime's error text to 127/126, as Docker does: the phrases matter.
    const missing = await podman(['run', '--rm', IMAGE, '/no/such/program']);
    if (missing.code !== 127) fail(`a missing program: expected exit 127, ${describe(missing)}`);
    const notExec = await podman(['run', '--rm', IMAGE, '/etc/passwd']);
    if (notExec.code !== 126) fail(`a non-executable file: expected exit 126, ${describe(notExec)}`);
  });

  await r.scenario('podman: pause and unpause', async () => {
    const P = 'rtclients-pause';
    expectCode(await podman(['run', '-d', '--name', P, IMAGE, 'sleep', '600']));
    try {
      expectCode(await podman(['pause', P]));
      const st = expectCode(await podman(['inspect', '-f', '{{.State.Status}}', P])).stdout.trim();
      if (st !== 'paused') fail(`after pause: ${st}`);
      expectCode(await podman(['unpause', P]));
      expectOutput(expectCode(await podman(['exec', P, 'echo', 'thawed'])), 'thawed', 'exec after unpause');
    } finally {
      await podman(['rm', '-f', '-t', '0', P]);
    }
  });

  await r.scenario('podman: stdin with -i', async () => {
    const res = await run('podman', [...globals, 'run', '--rm', '-i', IMAGE, 'sh', '-c', 'read line; echo "got:$line"'], {
      env,
      input: 'through-conmon\n',
      timeoutMs: CALL_TIMEOUT_MS,
    });
    expectCode(res);
    expectOutput(res, 'got:through-conmon');
  });

  await r.scenario('podman: restart', async () => {
    const R = 'rtclients-restart';
    expectCode(await podman(['run', '-d', '--name', R, IMAGE, 'sh', '-c', 'echo run; sleep 600']));
    try {
      const pid1 = expectCode(await podman(['inspect', '-f', '{{.State.Pid}}', R])).stdout.trim();
      expectCode(await podman(['restart', '-t', '1', R]));
      const after = expectCode(await podman(['inspect', '-f', '{{.State.Status}} {{.State.Pid}}', R])).stdout.trim();
      if (!after.startsWith('running ') || after.endsWith(` ${pid1}`)) fail(`after restart: ${after} (pid before ${pid1})`);
    } finally {
      await podman(['rm', '-f', '-t', '0', R]);
    }
  });

  await r.scenario('podman: --privileged and --cap-drop', async () => {
    const priv = expectCode(await podman(['run', '--rm', '--privileged', IMAGE, 'sh', '-c', 'grep -E "CapEff|Seccomp:" /proc/self/status; ls /dev | wc -l']));
    expectOutput(priv, /Seccomp:\s+0/, 'no seccomp when privileged');
    // privileged: every capability we hold ourselves (this VM's root may lack some)
    const ours = /^CapEff:\s*([0-9a-f]+)/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1];
    expectOutput(priv, new RegExp(`CapEff:\\s+${ours}$`, 'm'), 'all capabilities when privileged');
    const drop = expectCode(await podman(['run', '--rm', '--cap-drop', 'all', '--cap-add', 'CHOWN', IMAGE, 'grep', 'CapEff', '/proc/self/status']));
    expectOutput(drop, /CapEff:\s+0+1$/m, 'CapEff with only CAP_CHOWN');
  });

  await r.scenario('podman: --uidmap user namespace', async () => {
    const res = await podman(['run', '--rm', '--uidmap', '0:200000:65536', '--gidmap', '0:200000:65536', IMAGE, 'sh', '-c', 'cat /proc/self/uid_map; id -u; touch /root/x && echo root-can-write']);
    expectCode(res);
    expectOutput(res, /^\s*0\s+200000\s+65536$/m, 'uid_map');
    expectOutput(res, 'root-can-write');
  });

  await r.scenario('podman: --network host, --pid host and top', async () => {
    const res = expectCode(await podman(['run', '--rm', '--network', 'host', '--pid', 'host', IMAGE, 'sh', '-c', 'ls /sys/class/net; [ -d /proc/1 ] && cat /proc/1/comm']));
    expectOutput(res, /^eth0$|^lo$/m, 'host network devices');
    const T = 'rtclients-top';
    expectCode(await podman(['run', '-d', '--name', T, IMAGE, 'sleep', '600']));
    try {
      expectOutput(expectCode(await podman(['top', T])), 'sleep 600', 'podman top');
    } finally {
      await podman(['rm', '-f', '-t', '0', T]);
    }
  });

  await r.scenario('podman: hostname, hosts, tmpfs, shm, ulimit, oom score, device, no-new-privileges, cgroupns', async () => {
    expectOptionsApplied(expectCode(await podman(['run', '--rm', ...OPTIONS_FLAGS, ...ulimitFlags, ...OPTIONS_FLAGS_AFTER_ULIMIT, IMAGE, 'sh', '-c', OPTIONS_SCRIPT])));
  });

  await r.scenario('podman: exec -d and exec -i', async () => {
    const E = 'rtclients-execd';
    expectCode(await podman(['run', '-d', '--name', E, IMAGE, 'sleep', '600']));
    try {
      expectCode(await podman(['exec', '-d', E, 'sh', '-c', 'echo detached-exec > /tmp/mark; sleep 1']));
      const ok = await waitFor(async () => (await podman(['exec', E, 'cat', '/tmp/mark'], 10_000)).stdout.includes('detached-exec'), 10_000, 300);
      if (!ok) fail('the detached exec did not run');
      const res = await run('podman', [...globals, 'exec', '-i', E, 'sh', '-c', 'read l; echo "exec-got:$l"'], { env, input: 'via-exec-stdin\n', timeoutMs: CALL_TIMEOUT_MS });
      expectCode(res);
      expectOutput(res, 'exec-got:via-exec-stdin');
    } finally {
      await podman(['rm', '-f', '-t', '0', E]);
    }
  });

  await r.scenario('podman: stop without a TERM handler falls back to SIGKILL', async () => {
    const K = 'rtclients-stubborn';
    expectCode(await podman(['run', '-d', '--name', K, IMAGE, 'sleep', '600']));
    try {
      const t0 = Date.now();
      expectCode(await podman(['stop', '-t', '2', K]));
      const secs = (Date.now() - t0) / 1000;
      const st = expectCode(await podman(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', K])).stdout.trim();
      if (st !== 'exited 137') fail(`after stop: ${st}`);
      if (secs > 12) fail(`stop -t 2 took ${secs.toFixed(1)} s`);
    } finally {
      await podman(['rm', '-f', '-t', '0', K]);
    }
  });

  await r.scenario('podman: --preserve-fds passes an open fd to run and exec', async () => {
    const file = path.join(dir, 'fd3.txt');
    fs.writeFileSync(file, 'through-fd-3\n');
    const q = (a: string): string => `'${a.replace(/'/g, `'\\''`)}'`;
    const line = (args: string[]): string => `${['podman', ...globals, ...args].map(q).join(' ')} 3<${q(file)}`;
    const res = await run('sh', ['-c', line(['run', '--rm', '--preserve-fds', '1', IMAGE, 'cat', '/proc/self/fd/3'])], { env, timeoutMs: CALL_TIMEOUT_MS });
    expectCode(res);
    expectOutput(res, 'through-fd-3', 'fd 3 in run');
    const F = 'rtclients-fds';
    expectCode(await podman(['run', '-d', '--name', F, IMAGE, 'sleep', '600']));
    try {
      const ex = await run('sh', ['-c', line(['exec', '--preserve-fds', '1', F, 'cat', '/proc/self/fd/3'])], { env, timeoutMs: CALL_TIMEOUT_MS });
      expectCode(ex);
      expectOutput(ex, 'through-fd-3', 'fd 3 in exec');
    } finally {
      await podman(['rm', '-f', '-t', '0', F]);
    }
  });

  await r.scenario('podman: the runtime under the name runc (conmon adds --log-format=json --log)', async () => {
    // conmon passes `--log-format=json --log FILE` only to binaries named runc or crun, and
    // then reads the cause of a failure from that file.
    const asRunc = makeWrapper(path.join(dir, 'as-runc'), ctx.realRuntime, ctx.callsLog, 'runc');
    const named = [...globals.slice(0, -2), '--runtime', asRunc];
    const from = callsOffset(ctx);
    const ok = await run('podman', [...named, 'run', '--rm', IMAGE, 'echo', 'named-runc'], { env, timeoutMs: CALL_TIMEOUT_MS });
    expectCode(ok);
    expectOutput(ok, 'named-runc');
    expectCall(ctx, from, ' create ', /--log-format=json --log \S+ create /, "conmon's call to a runtime named runc");
    const bad = await run('podman', [...named, 'run', '--rm', IMAGE, '/no/such/program'], { env, timeoutMs: CALL_TIMEOUT_MS });
    if (bad.code !== 127) fail(`a missing program: expected exit 127, ${describe(bad)}`);
    if (!/no\/such\/program.*no such file or directory/.test(bad.stderr)) fail(`the cause did not reach podman's error: ${describe(bad)}`);
  });
}
