// The conformance checker run on the host, where Node can see the same facts
// the checker reports: if the two disagree here, the checker is wrong, not the
// runtime. Needs build/Release/oci-checker (npm run build:addon).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import {
  checkerArgs,
  probeKeys,
  type AllResult,
  type CgroupResult,
  type LsResult,
  type MkdirResult,
  type Probe,
  type ReadResult,
  type StatResult,
  type SysctlResult,
  type WriteResult,
} from '../../conformance/checker/protocol';

const REPO = path.resolve(__dirname, '../../../..');
const BIN = path.join(REPO, 'build/Release/oci-checker');
const skip = fs.existsSync(BIN) ? false : `oci-checker not built at ${BIN} (npm run build:addon)`;

interface Run {
  status: number | null;
  stdout: string;
  json: Record<string, unknown>;
}

function run(args: string[], opts: SpawnSyncOptions = {}): Run {
  const r = spawnSync(BIN, args, { encoding: 'utf8', timeout: 10_000, ...opts });
  assert.equal(r.error, undefined, String(r.error));
  const stdout = String(r.stdout);
  assert.ok(stdout.endsWith('}\n'), `output is one JSON line: ${stdout.slice(0, 200)}`);
  return { status: r.status, stdout, json: JSON.parse(stdout) as Record<string, unknown> };
}

/** Runs probes and returns their results in order, checking the key scheme. */
function probe(probes: Probe[], opts: SpawnSyncOptions = {}): unknown[] {
  const r = run(checkerArgs(probes), opts);
  assert.equal(r.status, 0, r.stdout);
  const keys = probeKeys(probes);
  assert.deepEqual(Object.keys(r.json), keys);
  return keys.map((k) => r.json[k]);
}

function all(opts: SpawnSyncOptions = {}, extraArgs: string[] = []): AllResult {
  return probe([['all', ...extraArgs]], opts)[0] as AllResult;
}

function tmpdir(t: { after: (fn: () => void) => void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'checker-test-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function statusField(name: string): string | undefined {
  const line = fs
    .readFileSync('/proc/self/status', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  return line?.slice(name.length + 1).trim();
}

test('the binary is statically linked (no ELF interpreter), so it runs in a bare rootfs', { skip }, () => {
  const elf = fs.readFileSync(BIN);
  assert.equal(elf.toString('latin1', 1, 4), 'ELF');
  assert.equal(elf[4], 2, '64-bit ELF');
  const phoff = Number(elf.readBigUInt64LE(0x20));
  const phentsize = elf.readUInt16LE(0x36);
  const phnum = elf.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) {
    const type = elf.readUInt32LE(phoff + i * phentsize);
    assert.notEqual(type, 3, 'PT_INTERP present: dynamically linked');
  }
});

test('no arguments means `all`; args, cwd, hostname and ids match the host', { skip }, (t) => {
  const dir = fs.realpathSync(tmpdir(t));
  const r = run([], { cwd: dir });
  assert.equal(r.status, 0);
  assert.deepEqual(Object.keys(r.json), ['all']);
  const a = r.json.all as AllResult;
  assert.deepEqual(a.args, [BIN]);
  assert.equal(a.cwd, dir);
  assert.equal(a.hostname, os.hostname());
  assert.equal(a.domainname, fs.readFileSync('/proc/sys/kernel/domainname', 'utf8').trim());
  assert.equal(a.uid, process.getuid?.());
  assert.equal(a.gid, process.getgid?.());
  assert.equal(a.euid, process.geteuid?.());
  assert.equal(a.egid, process.getegid?.());
  // process.getgroups() adds the egid to the list; /proc reports the list as the kernel holds it.
  const groups = (statusField('Groups') ?? '').split(/\s+/).filter(Boolean).map(Number);
  assert.deepEqual(a.groups, groups);
  assert.ok(a.ppid === process.pid, 'spawned directly by this process');
  // process.umask() without an argument is deprecated: read the mask from /proc instead.
  assert.equal(a.umask, statusField('Umask'));
  assert.equal(a.status?.Umask, statusField('Umask'));
});

test('arguments of `all` are observed verbatim and do not change its key', { skip }, () => {
  const extra = ['a b', '"quoted"', '', 'back\\slash', 'new\nline', 'ünï ✓ 😀'];
  const a = all({}, extra);
  assert.deepEqual(a.args, [BIN, 'all', ...extra]);
});

test('the environment round-trips exactly, including quotes, control characters and unicode', { skip }, () => {
  const value = 'say "hi"\\ \n\ttab \u0001\u001f\u007f é ✓ 😀 \u2028';
  const a = all({ env: { CHECKER_VALUE: value, EMPTY: '', PATH: '/bin' } });
  assert.deepEqual([...a.env].sort(), ['CHECKER_VALUE=' + value, 'EMPTY=', 'PATH=/bin'].sort());
});

test('capabilities, seccomp and no_new_privs match /proc/self/status of the parent', { skip }, () => {
  const a = all();
  for (const f of ['CapInh', 'CapPrm', 'CapEff', 'CapBnd'] as const) assert.equal(a.status?.[f], statusField(f), f);
  assert.equal(a.status?.NoNewPrivs, Number(statusField('NoNewPrivs')));
  assert.equal(a.status?.Seccomp, Number(statusField('Seccomp')));
  // The decoded names agree with the hex mask.
  const eff = BigInt('0x' + a.status!.CapEff!);
  const bits = a.capabilities!.effective!.length;
  let count = 0;
  for (let m = eff; m > 0n; m >>= 1n) count += Number(m & 1n);
  assert.equal(bits, count);
  if (eff & 1n) assert.ok(a.capabilities!.effective!.includes('CAP_CHOWN'));
  if (eff & (1n << 21n)) assert.ok(a.capabilities!.effective!.includes('CAP_SYS_ADMIN'));
});

test('rlimits match /proc/self/limits, with "unlimited" for infinity', { skip }, () => {
  const names: Record<string, string> = {
    'Max cpu time': 'RLIMIT_CPU',
    'Max file size': 'RLIMIT_FSIZE',
    'Max data size': 'RLIMIT_DATA',
    'Max stack size': 'RLIMIT_STACK',
    'Max core file size': 'RLIMIT_CORE',
    'Max resident set': 'RLIMIT_RSS',
    'Max processes': 'RLIMIT_NPROC',
    'Max open files': 'RLIMIT_NOFILE',
    'Max locked memory': 'RLIMIT_MEMLOCK',
    'Max address space': 'RLIMIT_AS',
    'Max file locks': 'RLIMIT_LOCKS',
    'Max pending signals': 'RLIMIT_SIGPENDING',
    'Max msgqueue size': 'RLIMIT_MSGQUEUE',
    'Max nice priority': 'RLIMIT_NICE',
    'Max realtime priority': 'RLIMIT_RTPRIO',
    'Max realtime timeout': 'RLIMIT_RTTIME',
  };
  const a = all();
  assert.equal(Object.keys(a.rlimits).length, 16);
  const parse = (v: string): number | string => (v === 'unlimited' ? v : Number(v));
  for (const line of fs.readFileSync('/proc/self/limits', 'utf8').split('\n').slice(1)) {
    const m = /^(Max [a-z ]+?)\s{2,}(\S+)\s+(\S+)/.exec(line);
    if (!m) continue;
    const key = names[m[1]!];
    assert.ok(key, `unknown limit ${m[1]}`);
    assert.deepEqual(a.rlimits[key], { soft: parse(m[2]!), hard: parse(m[3]!) }, key);
  }
});

test('namespaces, id maps, cgroups and mounts match what the parent sees', { skip }, () => {
  const a = all();
  for (const [ns, inode] of Object.entries(a.namespaces)) {
    let link: string | undefined;
    try {
      link = fs.readlinkSync(`/proc/self/ns/${ns}`);
    } catch {
      link = undefined;
    }
    assert.equal(inode, link ? Number(/\[(\d+)\]/.exec(link)![1]) : null, ns);
  }
  assert.ok('time_for_children' in a.namespaces && 'pid_for_children' in a.namespaces);

  const map = fs.readFileSync('/proc/self/uid_map', 'utf8').trim().split(/\s+/).map(Number);
  assert.deepEqual(a.uidMap?.[0], { containerID: map[0], hostID: map[1], size: map[2] });
  assert.equal(a.setgroups, fs.readFileSync('/proc/self/setgroups', 'utf8').trim());

  const cgroups = fs
    .readFileSync('/proc/self/cgroup', 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const [h, controllers, ...p] = l.split(':');
      return { hierarchy: Number(h), controllers, path: p.join(':') };
    });
  assert.deepEqual(a.cgroups, cgroups);

  const lines = fs.readFileSync('/proc/self/mountinfo', 'utf8').trim().split('\n');
  assert.ok(Array.isArray(a.mounts));
  assert.equal(a.mounts.length, lines.length);
  const root = a.mounts.find((m) => m.mountPoint === '/');
  assert.ok(root, 'a mount on /');
  const proc = a.mounts.find((m) => m.mountPoint === '/proc');
  assert.equal(proc?.fsType, 'proc');
  for (const m of a.mounts) {
    assert.ok(m.options.length > 0 && m.superOptions.length > 0, JSON.stringify(m));
    assert.ok(Number.isInteger(m.id) && Number.isInteger(m.parent));
  }
});

test('devices, fds, scheduling, personality and uptime are reported', { skip }, () => {
  const a = all();
  const devNull = a.devices.find((d) => d.name === 'null');
  assert.deepEqual(devNull && { type: devNull.type, major: devNull.major, minor: devNull.minor }, {
    type: 'c',
    major: 1,
    minor: 3,
  });
  assert.match(devNull!.mode, /^0[0-7]{3}$/);
  const names = a.devices.map((d) => d.name).filter((n) => !n.includes('/'));
  assert.deepEqual(names, [...names].sort(), 'sorted by name');
  const fdLink = a.devices.find((d) => d.name === 'fd');
  if (fdLink?.type === 'l') assert.equal(fdLink.target, fs.readlinkSync('/dev/fd'));
  for (const dir of ['/dev/pts', '/dev/shm', '/dev/mqueue'] as const) {
    assert.equal(a.devDirs[dir].exists, fs.existsSync(dir), dir);
  }
  assert.deepEqual(
    a.fds?.slice(0, 3).map((f) => f.fd),
    [0, 1, 2],
  );
  assert.equal(typeof a.uptime, 'number');
  assert.ok(Math.abs(a.uptime! - os.uptime()) < 5, `${a.uptime} vs ${os.uptime()}`);
  assert.equal(a.personality?.domain, 'LINUX');
  assert.equal(typeof a.scheduler.policy, 'string');
  assert.equal(a.oomScoreAdj, Number(fs.readFileSync('/proc/self/oom_score_adj', 'utf8')));
  assert.equal(a.tty.stdout, false, 'stdout is a pipe here');
});

test('read: content with arbitrary bytes is escaped into valid JSON; a missing file gives errno 2', { skip }, (t) => {
  const dir = tmpdir(t);
  const file = path.join(dir, 'bytes');
  // Invalid UTF-8 (0xff, a lone surrogate, an overlong '/') comes back as \u00XX per byte.
  fs.writeFileSync(
    file,
    Buffer.from([0x61, 0xff, 0xc3, 0xa9, 0x01, 0x22, 0x5c, 0x0a, 0xed, 0xa0, 0x80, 0xc0, 0xaf, 0xf0, 0x9f, 0x98, 0x80]),
  );
  const big = path.join(dir, 'big');
  fs.writeFileSync(big, 'x'.repeat(5000));
  const [bytes, missing, trunc] = probe([
    ['read', file],
    ['read', path.join(dir, 'missing')],
    ['read', big],
  ]) as ReadResult[];
  assert.deepEqual(bytes, {
    path: file,
    ok: true,
    errno: 0,
    error: null,
    content: 'a\u00ffé\u0001"\\\n\u00ed\u00a0\u0080\u00c0\u00af😀',
    truncated: false,
  });
  assert.equal(missing!.ok, false);
  assert.equal(missing!.errno, 2);
  assert.equal(missing!.content, null);
  assert.match(missing!.error ?? '', /No such file/);
  assert.equal(trunc!.content, 'x'.repeat(4096));
  assert.equal(trunc!.truncated, true);
});

test('write: creates and fills a file, reports the failing step otherwise', { skip }, (t) => {
  const dir = tmpdir(t);
  const a = path.join(dir, 'a');
  const b = path.join(dir, 'b');
  fs.writeFileSync(b, 'a much longer previous content');
  const [wa, wb, wc] = probe([
    ['write', a],
    ['write', b, 'given\n'],
    ['write', path.join(dir, 'no/such/dir')],
  ]) as WriteResult[];
  assert.deepEqual(wa, { path: a, ok: true, errno: 0, error: null, step: null });
  assert.equal(fs.readFileSync(a, 'utf8'), 'oci-checker\n');
  assert.equal(wb!.ok, true);
  assert.equal(fs.readFileSync(b, 'utf8'), 'given\n', 'truncated like a shell redirection');
  assert.equal(wc!.ok, false);
  assert.equal(wc!.errno, 2);
  assert.equal(wc!.step, 'open');
});

test('stat, sysctl, mkdir and ls probes', { skip }, (t) => {
  const dir = tmpdir(t);
  fs.writeFileSync(path.join(dir, 'b'), '');
  fs.writeFileSync(path.join(dir, 'a'), '');
  fs.symlinkSync('/dev/null', path.join(dir, 'link'));
  const sub = path.join(dir, 'sub');
  const [procStat, nullStat, linkStat, missingStat, ostype, noSysctl, mk1, mk2, ls, lsMissing] = probe([
    ['stat', '/proc'],
    ['stat', '/dev/null'],
    ['stat', path.join(dir, 'link')],
    ['stat', path.join(dir, 'missing')],
    ['sysctl', 'kernel.ostype'],
    ['sysctl', 'kernel.no_such_sysctl'],
    ['mkdir', sub],
    ['mkdir', sub],
    ['ls', dir],
    ['ls', path.join(dir, 'missing')],
  ]) as [
    StatResult,
    StatResult,
    StatResult,
    StatResult,
    SysctlResult,
    SysctlResult,
    MkdirResult,
    MkdirResult,
    LsResult,
    LsResult,
  ];
  assert.equal(procStat.type, 'd');
  assert.equal(procStat.fsName, 'proc');
  assert.equal(procStat.fsType, '0x9fa0');
  assert.deepEqual([nullStat.type, nullStat.major, nullStat.minor, nullStat.mode], ['c', 1, 3, '0666']);
  assert.equal(linkStat.type, 'l');
  assert.equal(linkStat.target, '/dev/null');
  assert.deepEqual(missingStat, { path: path.join(dir, 'missing'), exists: false, errno: 2, error: 'No such file or directory' });
  assert.deepEqual([ostype.path, ostype.value], ['/proc/sys/kernel/ostype', 'Linux']);
  assert.equal(noSysctl.errno, 2);
  assert.deepEqual([mk1.ok, mk2.ok, mk2.errno], [true, false, 17]);
  assert.ok(fs.statSync(sub).isDirectory());
  assert.deepEqual(ls.entries, ['a', 'b', 'link', 'sub']);
  assert.deepEqual([lsMissing.ok, lsMissing.errno, lsMissing.entries], [false, 2, null]);
});

test('cgroup: a file of the process\'s own cgroup is found through /proc/self/cgroup and mountinfo', { skip }, (t) => {
  const [a, procs] = probe([['all'], ['cgroup', 'cgroup.procs']]) as [AllResult, CgroupResult];
  if (!procs.ok && procs.errno === 0) {
    t.skip(`no cgroup hierarchy mounted for this process: ${procs.error}`);
    return;
  }
  assert.equal(procs.ok, true, JSON.stringify(procs));
  assert.ok(procs.content!.split('\n').includes(String(a.pid)), 'its own pid is in its cgroup.procs');
  assert.ok(procs.path!.endsWith('/cgroup.procs') && fs.existsSync(procs.path!), procs.path);
  const [none] = probe([['cgroup', 'x.y', 'no_such_controller']]) as [CgroupResult];
  assert.equal(none.ok, false);
  assert.match(none.error ?? '', /no hierarchy/);
});

test('several probes in one run: keys in order, repeats numbered, sleep waits', { skip }, (t) => {
  const dir = tmpdir(t);
  const missing = path.join(dir, 'missing');
  const probes: Probe[] = [['read', missing], ['sleep', '0.2'], ['read', missing], ['all']];
  const start = Date.now();
  const results = probe(probes);
  assert.ok(Date.now() - start >= 200);
  assert.deepEqual(probeKeys(probes), [`read ${missing}`, 'sleep 0.2', `read ${missing} #2`, 'all']);
  assert.deepEqual(results[1], { seconds: 0.2 });
  assert.deepEqual(results[0], results[2]);
});

test('exit: ends the object, exits with the code, and runs nothing after it', { skip }, (t) => {
  const dir = tmpdir(t);
  const late = path.join(dir, 'late');
  const r = run(checkerArgs([['read', '/proc/self/status'], ['exit', '7'], ['write', late]]));
  assert.equal(r.status, 7);
  assert.deepEqual(Object.keys(r.json), ['read /proc/self/status', 'exit 7']);
  assert.deepEqual(r.json['exit 7'], { code: 7 });
  assert.equal(fs.existsSync(late), false);
  assert.equal(run(['exit', '0']).status, 0);
});

test('usage errors print an error object and exit 2 before any probe runs', { skip }, (t) => {
  const dir = tmpdir(t);
  const early = path.join(dir, 'early');
  for (const args of [
    ['bogus'],
    ['read'],
    ['read', 'a', 'b'],
    ['exit', '256'],
    ['exit', 'x'],
    ['sleep', 'soon'],
    ['write', early, '--'],
    ['write', early, '--', '--', 'all'],
  ]) {
    const r = run(args);
    assert.equal(r.status, 2, args.join(' '));
    assert.equal(typeof r.json.error, 'string');
    assert.match(String(r.json.usage), /^oci-checker /);
  }
  assert.equal(fs.existsSync(early), false, 'validation happens before the write probe runs');
});
