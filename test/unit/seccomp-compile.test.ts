// The real addon compiles profiles to BPF, and that BPF loads with the raw
// seccomp(2) call the init helper makes (test/helpers/seccomp-load.c, built
// here with gcc) and does what the profile says.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { Seccomp } from '../../src/spec/types';
import { ACTION_BASE, ARCH_TOKENS, LIBSECCOMP_VERSION, OPERATORS, SPEC_FLAGS } from '../../src/seccomp/constants';
import { compileSeccomp, SeccompNative } from '../../src/seccomp/compile';
import { seccompFeatures, SeccompInfo } from '../../src/seccomp/features';
import { translateSeccomp } from '../../src/seccomp/translate';

const REPO = path.resolve(__dirname, '../../../..');
const CONFIGS = path.resolve(REPO, '../shared/configs');
// RUNTIME_NATIVE points the test at another build of the addon.
const ADDON = process.env.RUNTIME_NATIVE ?? path.join(REPO, 'build/Release/runtime_native.node');
const LOADER_SRC = path.join(REPO, 'test/helpers/seccomp-load.c');

type Native = SeccompNative & { seccompInfo(): SeccompInfo };

function loadNative(): { native?: Native; reason?: string } {
  if (!fs.existsSync(ADDON)) return { reason: `addon not built (${ADDON} missing; run npm run build:addon)` };
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const mod = require(ADDON) as Partial<Native>;
  if (typeof mod.compileSeccomp !== 'function' || typeof mod.seccompInfo !== 'function') {
    return { reason: `${ADDON} has no compileSeccomp/seccompInfo (RegisterSeccomp not called in its Init)` };
  }
  if (typeof mod.resolveSyscalls !== 'function') {
    return { reason: `${ADDON} predates resolveSyscalls (rebuild with npm run build:addon)` };
  }
  return { native: mod as Native };
}

const { native, reason } = loadNative();

let tmp: string | undefined;
function tmpDir(): string {
  tmp ??= fs.mkdtempSync(path.join(os.tmpdir(), 'seccomp-test-'));
  return tmp;
}
after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

let loaderCache: { bin?: string; reason?: string } | undefined;
function loader(): { bin?: string; reason?: string } {
  if (loaderCache) return loaderCache;
  const bin = path.join(tmpDir(), 'seccomp-load');
  const cc = spawnSync('gcc', ['-O2', '-Wall', '-o', bin, LOADER_SRC], { encoding: 'utf8' });
  if (cc.error) loaderCache = { reason: `gcc not available: ${cc.error.message}` };
  else if (cc.status !== 0) loaderCache = { reason: `gcc failed to build seccomp-load.c: ${cc.stderr}` };
  else loaderCache = { bin };
  return loaderCache;
}

function readConfig(name: string): Seccomp | undefined {
  const file = path.join(CONFIGS, name);
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')).linux?.seccomp;
}

interface RunResult {
  load?: number;
  mkdir?: number;
  syscall?: number;
  signal: NodeJS.Signals | null;
  status: number | null;
  stdout: string;
}

/** Compiles `seccomp`, loads it in a fresh helper process and has it mkdir `dir` with `mode`. */
function runUnder(bin: string, seccomp: Seccomp, dir: string | null, mode = '755'): RunResult {
  return runHelper(bin, seccomp, dir === null ? ['none'] : ['mkdir', dir, mode]);
}

function runHelper(bin: string, seccomp: Seccomp, op: string[]): RunResult {
  const compiled = compileSeccomp(native!, seccomp);
  const bpfFile = path.join(tmpDir(), `filter-${process.hrtime.bigint()}.bpf`);
  fs.writeFileSync(bpfFile, compiled.bpf);
  const args = [bpfFile, String(compiled.flags), ...op];
  const r = spawnSync(bin, args, { encoding: 'utf8' });
  const num = (key: string) => {
    const m = new RegExp(`^${key}=(-?\\d+)$`, 'm').exec(r.stdout);
    return m ? Number(m[1]) : undefined;
  };
  return { load: num('load'), mkdir: num('mkdir'), syscall: num('syscall'), signal: r.signal, status: r.status, stdout: r.stdout + r.stderr };
}

let dirCount = 0;
function freshPath(): string {
  return path.join(tmpDir(), `d${dirCount++}`);
}

const EPERM = 1;
const EACCES = 13;
const ENOSYS = 38;
const MKDIRS = ['mkdir', 'mkdirat'];

test('seccompInfo reports libseccomp 2.5.4 and matches the TypeScript tables', { skip: reason }, () => {
  const info = native!.seccompInfo();
  assert.equal(info.version, LIBSECCOMP_VERSION);
  assert.ok(info.apiLevel >= 1);
  assert.equal(info.nativeArch, process.arch === 'x64' ? 'SCMP_ARCH_X86_64' : info.nativeArch);
  assert.deepEqual([...info.archs].sort(), Object.keys(ARCH_TOKENS).sort());
  assert.ok(!info.archs.includes('SCMP_ARCH_LOONGARCH64'));
  for (const [name, token] of Object.entries(ARCH_TOKENS)) assert.equal(info.tokens[name], token, name);
  assert.deepEqual([...info.actions].sort(), Object.keys(ACTION_BASE).sort());
  for (const [name, value] of Object.entries(ACTION_BASE)) assert.equal(info.tokens[name], value, name);
  assert.deepEqual([...info.operators].sort(), Object.keys(OPERATORS).sort());
  for (const [name, value] of Object.entries(OPERATORS)) assert.equal(info.tokens[name], value, name);
  for (const [name, bit] of Object.entries(SPEC_FLAGS)) {
    if (bit !== 0) assert.equal(info.tokens[name], bit, name);
  }
  // Every kernel this runtime supports knows LOG and SPEC_ALLOW (4.14+/4.17+).
  assert.ok(info.supportedFlags.includes('SECCOMP_FILTER_FLAG_LOG'));
  assert.ok(info.supportedFlags.includes('SECCOMP_FILTER_FLAG_SPEC_ALLOW'));

  const features = seccompFeatures(info);
  assert.equal(features.actions?.length, 9);
  assert.equal(features.operators?.length, 7);
  assert.equal(features.archs?.length, 19);
  assert.ok(features.supportedFlags?.includes('SECCOMP_FILTER_FLAG_TSYNC'));
});

test('podman and docker profiles compile to whole BPF programs', { skip: reason }, (t) => {
  let compiled = 0;
  for (const file of ['podman-run-default.json', 'docker-run-default.json']) {
    const seccomp = readConfig(file);
    if (!seccomp) {
      t.diagnostic(`${file} not found in ${CONFIGS}`);
      continue;
    }
    const out = compileSeccomp(native!, seccomp);
    assert.ok(out.bpf.length > 0, file);
    assert.equal(out.bpf.length % 8, 0, `${file}: ${out.bpf.length} bytes is not whole sock_filter entries`);
    assert.ok(out.bpf.length / 8 <= 4096, `${file}: over BPF_MAXINSNS`);
    assert.equal(out.flags, 0);
    assert.equal(out.notify, false);
    assert.ok(Array.isArray(out.skipped));
    compiled++;
  }
  assert.ok(compiled > 0, `no sample configs in ${CONFIGS}`);
});

test('unknown syscall names are skipped and reported, like runc', { skip: reason }, () => {
  const out = compileSeccomp(native!, {
    defaultAction: 'SCMP_ACT_ALLOW',
    syscalls: [{ names: ['mkdir', 'no_such_syscall_2099', 'no_such_syscall_2099'], action: 'SCMP_ACT_ERRNO' }],
  });
  assert.deepEqual(out.skipped, ['no_such_syscall_2099']);
  // Names of other architectures (here 32-bit x86's) are not "unknown": libseccomp maps them.
  const x86 = compileSeccomp(native!, {
    defaultAction: 'SCMP_ACT_ALLOW',
    architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'],
    syscalls: [{ names: ['socketcall', '_llseek', 'chown32'], action: 'SCMP_ACT_ERRNO' }],
  });
  assert.deepEqual(x86.skipped, []);
});

test('a rule the addon rejects is reported against its config entry', () => {
  // A stand-in for the addon: it fails on the plan's third rule the way
  // addon/seccomp.cc does (message prefix plus ruleIndex).
  const fake: SeccompNative = {
    compileSeccomp(plan) {
      assert.equal(plan.rules[2].syscall, 'mkdir');
      throw Object.assign(new Error('compileSeccomp: rules[2]: add rule for syscall mkdir (action 0x00000000): Invalid argument'), {
        ruleIndex: 2,
      });
    },
    resolveSyscalls: () => assert.fail('not reached'),
  };
  assert.throws(
    () =>
      compileSeccomp(fake, {
        defaultAction: 'SCMP_ACT_ALLOW',
        syscalls: [
          { names: ['rmdir'], action: 'SCMP_ACT_ERRNO' },
          { names: ['chdir', 'mkdir'], action: 'SCMP_ACT_KILL' },
        ],
      }),
    {
      message:
        'linux.seccomp.syscalls[1].names[1]: libseccomp refused the rule: add rule for syscall mkdir (action 0x00000000): Invalid argument',
    },
  );
  const plain: SeccompNative = {
    compileSeccomp() {
      throw new Error('seccomp: export BPF: No space left on device');
    },
    resolveSyscalls: () => assert.fail('not reached'),
  };
  assert.throws(() => compileSeccomp(plain, { defaultAction: 'SCMP_ACT_ALLOW' }), {
    message: 'linux.seccomp: compiling the filter failed: seccomp: export BPF: No space left on device',
  });
});

test('the addon rejects malformed plans with an exception, not a crash', { skip: reason }, () => {
  const n = native!;
  assert.throws(() => n.compileSeccomp(undefined as never), /plan: expected an object/);
  assert.throws(
    () => n.compileSeccomp({ defaultAction: 0x7fff0000, architectures: [], rules: [{ syscall: 'mkdir', action: 0x50001, args: [{ index: 0, op: 4, value: -1n, valueTwo: 0n }] }] }),
    /rules\[0\]\.args\[0\]\.value: not an unsigned 64-bit integer/,
  );
  assert.throws(
    () => n.compileSeccomp({ defaultAction: 0x7fff0000, architectures: [0x1234], rules: [] }),
    /architectures\[0\]: architecture 0x00001234/,
  );
  assert.throws(() => n.compileSeccomp({ defaultAction: 0x12345678, architectures: [], rules: [] }), /defaultAction/);
});

test('ERRNO on mkdir: the loaded filter fails mkdir with exactly that errno', { skip: reason ?? loader().reason }, () => {
  const bin = loader().bin!;
  const profile: Seccomp = {
    defaultAction: 'SCMP_ACT_ALLOW',
    syscalls: [{ names: MKDIRS, action: 'SCMP_ACT_ERRNO', errnoRet: EACCES }],
  };
  const dir = freshPath();
  const r = runUnder(bin, profile, dir);
  assert.equal(r.load, 0, r.stdout);
  assert.equal(r.mkdir, -EACCES, r.stdout);
  assert.equal(fs.existsSync(dir), false);

  // Without the filter the same helper succeeds.
  const ok = runUnder(bin, { defaultAction: 'SCMP_ACT_ALLOW' }, dir);
  assert.equal(ok.mkdir, 0, ok.stdout);
  assert.equal(fs.existsSync(dir), true);
});

test('defaultErrnoRet: what the profile does not allow fails with it', { skip: reason ?? loader().reason }, () => {
  const bin = loader().bin!;
  // The helper's remaining syscalls allowed; mkdir/mkdirat fall to the default.
  const r = runUnder(
    bin,
    {
      defaultAction: 'SCMP_ACT_ERRNO',
      defaultErrnoRet: ENOSYS,
      syscalls: [{ names: compileSeccompNames(), action: 'SCMP_ACT_ALLOW' }],
    },
    freshPath(),
  );
  assert.equal(r.load, 0, r.stdout);
  assert.equal(r.mkdir, -ENOSYS, r.stdout);
});

test('KILL and KILL_PROCESS end the process with SIGSYS', { skip: reason ?? loader().reason }, () => {
  const bin = loader().bin!;
  for (const action of ['SCMP_ACT_KILL', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_KILL_THREAD']) {
    const dir = freshPath();
    const r = runUnder(bin, { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: MKDIRS, action }] }, dir);
    assert.equal(r.load, 0, `${action}: ${r.stdout}`);
    assert.equal(r.signal, 'SIGSYS', `${action}: ${r.stdout}`);
    assert.equal(r.mkdir, undefined);
    assert.equal(fs.existsSync(dir), false);
  }
});

test('argument filters match only the given values (EQ, MASKED_EQ)', { skip: reason ?? loader().reason }, () => {
  const bin = loader().bin!;
  // mkdir(path, mode): mode is argument 1; mkdirat(dirfd, path, mode): argument 2.
  const byMode = (op: string, value: number, valueTwo?: number): Seccomp => ({
    defaultAction: 'SCMP_ACT_ALLOW',
    syscalls: [
      { names: ['mkdir'], action: 'SCMP_ACT_ERRNO', errnoRet: EACCES, args: [{ index: 1, op, value, valueTwo }] },
      { names: ['mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: EACCES, args: [{ index: 2, op, value, valueTwo }] },
    ],
  });
  const eq = byMode('SCMP_CMP_EQ', 0o700);
  assert.equal(runUnder(bin, eq, freshPath(), '700').mkdir, -EACCES);
  assert.equal(runUnder(bin, eq, freshPath(), '755').mkdir, 0);

  // Deny unless the owner-execute bit is set: (mode & 0100) == 0.
  const masked = byMode('SCMP_CMP_MASKED_EQ', 0o100, 0);
  assert.equal(runUnder(bin, masked, freshPath(), '600').mkdir, -EACCES);
  assert.equal(runUnder(bin, masked, freshPath(), '700').mkdir, 0);

  // Two comparisons on one index are OR-ed (one rule each), as in runc.
  const either: Seccomp = {
    defaultAction: 'SCMP_ACT_ALLOW',
    syscalls: MKDIRS.map((name) => ({
      names: [name],
      action: 'SCMP_ACT_ERRNO',
      errnoRet: EACCES,
      args: [0o711, 0o750].map((value) => ({ index: name === 'mkdir' ? 1 : 2, op: 'SCMP_CMP_EQ', value })),
    })),
  };
  assert.equal(runUnder(bin, either, freshPath(), '711').mkdir, -EACCES);
  assert.equal(runUnder(bin, either, freshPath(), '750').mkdir, -EACCES);
  assert.equal(runUnder(bin, either, freshPath(), '755').mkdir, 0);
});

test('load flags pass through: LOG, and NEW_LISTENER returns a listener fd', { skip: reason ?? loader().reason }, () => {
  const bin = loader().bin!;
  const logged = runUnder(bin, { defaultAction: 'SCMP_ACT_ALLOW', flags: ['SECCOMP_FILTER_FLAG_LOG'] }, freshPath());
  assert.equal(logged.load, 0, logged.stdout);
  assert.equal(logged.mkdir, 0);

  const notify = runUnder(
    bin,
    {
      defaultAction: 'SCMP_ACT_ALLOW',
      listenerPath: '/nonexistent.sock',
      syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_NOTIFY' }],
    },
    null,
  );
  assert.ok((notify.load ?? -1) > 2, `expected a listener fd: ${notify.stdout}`);
});

test('the podman and docker profiles load and leave ordinary syscalls working', { skip: reason ?? loader().reason }, (t) => {
  for (const file of ['podman-run-default.json', 'docker-run-default.json']) {
    const seccomp = readConfig(file);
    if (!seccomp) {
      t.diagnostic(`${file} not found in ${CONFIGS}`);
      continue;
    }
    const dir = freshPath();
    const r = runUnder(loader().bin!, seccomp, dir);
    assert.equal(r.load, 0, `${file}: ${r.stdout}`);
    assert.equal(r.mkdir, 0, `${file}: ${r.stdout}`);
    assert.equal(fs.existsSync(dir), true);
    // Both answer ENOSYS to a syscall from the future: podman by its default
    // errno, docker (default EPERM) through the stub.
    const future = runHelper(loader().bin!, seccomp, ['syscall', '1000']);
    assert.equal(future.syscall, -ENOSYS, `${file}: ${future.stdout}`);
    // kexec_load(2) (x86_64: 246) is refused by both.
    if (process.arch === 'x64') {
      const kexec = runHelper(loader().bin!, seccomp, ['syscall', '246']);
      assert.equal(kexec.syscall, -EPERM, `${file}: ${kexec.stdout}`);
    }
  }
});

test('syscalls newer than the profile get ENOSYS, older unlisted ones the default errno', { skip: reason ?? loader().reason }, () => {
  const bin = loader().bin!;
  // x86_64 numbers: getppid is 110, pidfd_open 434; nothing is numbered 1000 (yet).
  const profile: Seccomp = {
    defaultAction: 'SCMP_ACT_ERRNO',
    syscalls: [{ names: [...compileSeccompNames(), 'pidfd_open'], action: 'SCMP_ACT_ALLOW' }],
  };
  if (process.arch !== 'x64') return; // the numbers below are x86_64's
  const above = runHelper(bin, profile, ['syscall', '1000']);
  assert.equal(above.load, 0, above.stdout);
  assert.equal(above.syscall, -ENOSYS, above.stdout);
  const below = runHelper(bin, profile, ['syscall', '110']);
  assert.equal(below.syscall, -EPERM, below.stdout);
  // A KILL default gets the stub too, as in runc: a newer syscall is not fatal.
  const kill = runHelper(bin, { ...profile, defaultAction: 'SCMP_ACT_KILL_PROCESS' }, ['syscall', '1000']);
  assert.equal(kill.syscall, -ENOSYS, kill.stdout);
  // With an allowing default no stub is added: the kernel itself answers ENOSYS.
  const permissive: Seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }] };
  const direct = native!.compileSeccomp(translateSeccomp(permissive).compile).bpf;
  assert.deepEqual(compileSeccomp(native!, permissive).bpf, direct);
});

/** Enough for the helper's libc to report and exit under a default-deny profile. */
function compileSeccompNames(): string[] {
  return ['read', 'write', 'close', 'exit', 'exit_group', 'fstat', 'newfstatat', 'brk', 'mmap', 'munmap', 'rt_sigreturn', 'getrandom'];
}

test('compiled filters are cached by content and recompiled when the entry is bad', () => {
  let calls = 0;
  const fake: SeccompNative = {
    compileSeccomp(plan) {
      calls++;
      return { bpf: Buffer.alloc(8 * (plan.rules.length + 1), calls), skipped: ['futex_waitv2'] };
    },
    resolveSyscalls: (names, archs) => archs.map(() => names.map((_, i) => i)),
  };
  const dir = path.join(tmpDir(), 'cache');
  const profile: Seccomp = { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }] };
  const first = compileSeccomp(fake, profile, { cacheDir: dir });
  assert.equal(calls, 1);
  const again = compileSeccomp(fake, profile, { cacheDir: dir });
  assert.equal(calls, 1, 'served from the cache');
  assert.deepEqual(again, first);
  assert.deepEqual(again.skipped, ['futex_waitv2']);
  assert.equal((fs.statSync(dir).mode & 0o777).toString(8), '700');

  // Flags come from the translation, never from the cache.
  const logged = compileSeccomp(fake, { ...profile, flags: ['SECCOMP_FILTER_FLAG_LOG'] }, { cacheDir: dir });
  assert.equal(calls, 1);
  assert.equal(logged.flags, 2);

  // Another profile is another entry.
  compileSeccomp(fake, { ...profile, defaultAction: 'SCMP_ACT_KILL' }, { cacheDir: dir });
  assert.equal(calls, 2);

  // A damaged entry is ignored and rewritten.
  const [entry] = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  for (const f of fs.readdirSync(dir)) fs.writeFileSync(path.join(dir, f), '{"bpf":"AAA=","skipped":[]}');
  compileSeccomp(fake, profile, { cacheDir: dir });
  assert.equal(calls, 3);
  assert.ok(entry);
  // Translation errors are still reported with a cache.
  assert.throws(() => compileSeccomp(fake, { defaultAction: 'SCMP_ACT_NOPE' }, { cacheDir: dir }), /defaultAction/);
});
