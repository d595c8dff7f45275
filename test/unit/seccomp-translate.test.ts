import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { Seccomp } from '../../src/spec/types';
import { ARCH_TOKENS, OPERATORS } from '../../src/seccomp/constants';
import {
  SeccompConfigError,
  splitArgs,
  toUint64,
  translateAction,
  translateSeccomp,
} from '../../src/seccomp/translate';

const REPO = path.resolve(__dirname, '../../../..');
const CONFIGS = path.resolve(REPO, '../shared/configs');

/** Expects a SeccompConfigError whose field is exactly `field`. */
function throwsAt(fn: () => unknown, field: string, cause?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof SeccompConfigError, `expected SeccompConfigError, got ${String(err)}`);
    assert.equal(err.field, field);
    assert.ok(err.message.startsWith(`${field}: `), err.message);
    if (cause) assert.match(err.message, cause);
    return true;
  });
}

function allow(extra: Partial<Seccomp> = {}): Seccomp {
  return { defaultAction: 'SCMP_ACT_ALLOW', ...extra };
}

test('actions translate to libseccomp values', () => {
  const t = (name: string, errnoRet?: number) => translateAction(name, errnoRet, 'a', 'e');
  assert.equal(t('SCMP_ACT_ALLOW'), 0x7fff0000);
  assert.equal(t('SCMP_ACT_KILL'), 0);
  assert.equal(t('SCMP_ACT_KILL_THREAD'), 0);
  assert.equal(t('SCMP_ACT_KILL_PROCESS'), 0x80000000);
  assert.equal(t('SCMP_ACT_TRAP'), 0x00030000);
  assert.equal(t('SCMP_ACT_LOG'), 0x7ffc0000);
  assert.equal(t('SCMP_ACT_NOTIFY'), 0x7fc00000);
  assert.equal(t('SCMP_ACT_ERRNO'), 0x00050001, 'ERRNO defaults to EPERM');
  assert.equal(t('SCMP_ACT_ERRNO', 38), 0x00050026);
  assert.equal(t('SCMP_ACT_ERRNO', 0), 0x00050000);
  assert.equal(t('SCMP_ACT_TRACE'), 0x7ff00001, 'TRACE data defaults to EPERM');
  assert.equal(t('SCMP_ACT_TRACE', 1234), 0x7ff004d2);
});

test('errnoRet on an action without errno data names the field', () => {
  throwsAt(
    () => translateSeccomp(allow({ syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_KILL', errnoRet: 1 }] })),
    'linux.seccomp.syscalls[0].errnoRet',
    /SCMP_ACT_KILL does not return an errno/,
  );
  throwsAt(() => translateSeccomp(allow({ defaultErrnoRet: 38 })), 'linux.seccomp.defaultErrnoRet');
  throwsAt(
    () => translateSeccomp(allow({ syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO', errnoRet: 70000 }] })),
    'linux.seccomp.syscalls[0].errnoRet',
  );
});

test('defaultErrnoRet applies to the default action only', () => {
  const out = translateSeccomp({
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: 38,
    syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }, { names: ['read'], action: 'SCMP_ACT_ALLOW' }],
  });
  assert.equal(out.compile.defaultAction, 0x00050026);
  assert.deepEqual(
    out.compile.rules.map((r) => [r.syscall, r.action]),
    [
      ['mkdir', 0x00050001],
      ['read', 0x7fff0000],
    ],
  );
});

test('unknown actions name the field', () => {
  throwsAt(() => translateSeccomp({ defaultAction: 'SCMP_ACT_NOPE' }), 'linux.seccomp.defaultAction', /unknown action/);
  throwsAt(
    () => translateSeccomp(allow({ syscalls: [{ names: ['a'], action: 'SCMP_ACT_ERRNO' }, { names: ['b'], action: 'x' }] })),
    'linux.seccomp.syscalls[1].action',
  );
});

test('architectures translate to libseccomp tokens', () => {
  const names = Object.keys(ARCH_TOKENS);
  assert.equal(names.length, 19);
  const out = translateSeccomp(allow({ architectures: names }));
  assert.deepEqual(out.compile.architectures, Object.values(ARCH_TOKENS));
  assert.equal(ARCH_TOKENS.SCMP_ARCH_X86_64, 0xc000003e);
  assert.equal(ARCH_TOKENS.SCMP_ARCH_X86, 0x40000003);
  assert.equal(ARCH_TOKENS.SCMP_ARCH_X32, 0x4000003e);
  assert.equal(ARCH_TOKENS.SCMP_ARCH_AARCH64, 0xc00000b7);
});

test('architectures libseccomp 2.5.4 lacks are an error naming the entry', () => {
  for (const name of ['SCMP_ARCH_LOONGARCH64', 'SCMP_ARCH_M68K', 'SCMP_ARCH_SH', 'SCMP_ARCH_SHEB']) {
    throwsAt(
      () => translateSeccomp(allow({ architectures: ['SCMP_ARCH_X86_64', name] })),
      'linux.seccomp.architectures[1]',
      /not supported by libseccomp 2\.5\.4/,
    );
  }
  throwsAt(() => translateSeccomp(allow({ architectures: ['x86_64'] })), 'linux.seccomp.architectures[0]', /unknown/);
});

test('operators translate to SCMP_CMP_* values', () => {
  const ops = Object.keys(OPERATORS);
  const out = translateSeccomp(
    allow({
      syscalls: ops.map((op) => ({
        names: ['personality'],
        action: 'SCMP_ACT_ERRNO',
        args: [{ index: 0, value: 8, valueTwo: 8, op }],
      })),
    }),
  );
  assert.deepEqual(
    out.compile.rules.map((r) => r.args[0].op),
    [1, 2, 3, 4, 5, 6, 7],
  );
  assert.equal(OPERATORS.SCMP_CMP_MASKED_EQ, 7);
  throwsAt(
    () =>
      translateSeccomp(
        allow({ syscalls: [{ names: ['x'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 1, op: 'EQ' }] }] }),
      ),
    'linux.seccomp.syscalls[0].args[0].op',
  );
  throwsAt(
    () =>
      translateSeccomp(
        allow({
          syscalls: [{ names: ['x'], action: 'SCMP_ACT_ERRNO', args: [{ index: 6, value: 1, op: 'SCMP_CMP_EQ' }] }],
        }),
      ),
    'linux.seccomp.syscalls[0].args[0].index',
  );
});

test('flags: TSYNC is a no-op, LOG and SPEC_ALLOW set their bits, others are errors', () => {
  const flags = (f: string[]) => translateSeccomp(allow({ flags: f })).loadFlags;
  assert.equal(flags([]), 0);
  assert.equal(flags(['SECCOMP_FILTER_FLAG_TSYNC']), 0);
  assert.equal(flags(['SECCOMP_FILTER_FLAG_LOG']), 2);
  assert.equal(flags(['SECCOMP_FILTER_FLAG_SPEC_ALLOW']), 4);
  assert.equal(flags(['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW', 'SECCOMP_FILTER_FLAG_TSYNC']), 6);
  // Without a listener the kernel would refuse WAIT_KILLABLE_RECV; it has nothing to act on.
  assert.equal(flags(['SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV']), 0);
  throwsAt(() => flags(['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_NEW_LISTENER']), 'linux.seccomp.flags[1]');
  throwsAt(() => flags(['SECCOMP_FILTER_FLAG_BOGUS']), 'linux.seccomp.flags[0]', /unknown flag/);
});

test('NOTIFY adds NEW_LISTENER, needs listenerPath, and is refused where runc refuses it', () => {
  const notify = allow({
    listenerPath: '/run/agent.sock',
    flags: ['SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'],
    syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_NOTIFY' }],
  });
  const out = translateSeccomp(notify);
  assert.equal(out.needsListener, true);
  assert.equal(out.loadFlags, 8 | 32);
  assert.equal(out.compile.rules[0].action, 0x7fc00000);
  assert.equal(translateSeccomp(allow()).needsListener, false);

  throwsAt(() => translateSeccomp({ ...notify, listenerPath: undefined }), 'linux.seccomp.listenerPath');
  throwsAt(
    () => translateSeccomp({ ...notify, defaultAction: 'SCMP_ACT_NOTIFY' }),
    'linux.seccomp.defaultAction',
  );
  throwsAt(
    () => translateSeccomp({ ...notify, syscalls: [{ names: ['read', 'write'], action: 'SCMP_ACT_NOTIFY' }] }),
    'linux.seccomp.syscalls[0].names[1]',
    /write/,
  );
  // sendmsg hands the fd to the agent right after the load.
  throwsAt(
    () => translateSeccomp({ ...notify, syscalls: [{ names: ['mkdir', 'sendmsg'], action: 'SCMP_ACT_NOTIFY' }] }),
    'linux.seccomp.syscalls[0].names[1]',
    /sendmsg.*listenerPath/,
  );
  // Other actions on them are fine.
  assert.equal(translateSeccomp({ ...notify, syscalls: [...notify.syscalls!, { names: ['sendmsg', 'write'], action: 'SCMP_ACT_LOG' }] }).compile.rules.length, 3);
  throwsAt(() => translateSeccomp(allow({ listenerMetadata: 'x' })), 'linux.seccomp.listenerMetadata');
});

test('syscall names must be present and non-empty', () => {
  throwsAt(
    () => translateSeccomp(allow({ syscalls: [{ names: [], action: 'SCMP_ACT_ERRNO' }] })),
    'linux.seccomp.syscalls[0].names',
  );
  throwsAt(
    () => translateSeccomp(allow({ syscalls: [{ names: ['read', ''], action: 'SCMP_ACT_ERRNO' }] })),
    'linux.seccomp.syscalls[0].names[1]',
  );
});

test('each name becomes a rule; rules equal to the default action are dropped', () => {
  const out = translateSeccomp({
    defaultAction: 'SCMP_ACT_ERRNO',
    syscalls: [
      { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' },
      { names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }, // EPERM, same as the default: dropped
      { names: ['rmdir'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 },
    ],
  });
  assert.deepEqual(
    out.compile.rules.map((r) => r.syscall),
    ['read', 'write', 'rmdir'],
  );
  assert.deepEqual(out.ruleSources, [
    'linux.seccomp.syscalls[0].names[0]',
    'linux.seccomp.syscalls[0].names[1]',
    'linux.seccomp.syscalls[2].names[0]',
  ]);
  assert.equal(out.compile.optimize, undefined);
});

test('long rule lists ask libseccomp for the binary tree', () => {
  const names = Array.from({ length: 33 }, (_, i) => `sys${i}`);
  assert.equal(translateSeccomp(allow({ syscalls: [{ names, action: 'SCMP_ACT_ERRNO' }] })).compile.optimize, 2);
  assert.equal(
    translateSeccomp(allow({ syscalls: [{ names: names.slice(1), action: 'SCMP_ACT_ERRNO' }] })).compile.optimize,
    undefined,
  );
});

test('args on different indexes are ANDed in one rule; a repeated index splits them (OR), as runc does', () => {
  const arg = (index: number, value: number) => ({ index, op: 4, value: BigInt(value), valueTwo: 0n });
  assert.deepEqual(splitArgs([]), [[]]);
  assert.deepEqual(splitArgs([arg(0, 1), arg(1, 2)]), [[arg(0, 1), arg(1, 2)]]);
  assert.deepEqual(splitArgs([arg(0, 1), arg(0, 2), arg(1, 3)]), [[arg(0, 1)], [arg(0, 2)], [arg(1, 3)]]);

  const out = translateSeccomp(
    allow({
      syscalls: [
        {
          names: ['personality'],
          action: 'SCMP_ACT_ERRNO',
          args: [
            { index: 0, value: 0, op: 'SCMP_CMP_EQ' },
            { index: 0, value: 8, op: 'SCMP_CMP_EQ' },
          ],
        },
        {
          names: ['clone'],
          action: 'SCMP_ACT_ERRNO',
          args: [{ index: 0, value: 2114060288, op: 'SCMP_CMP_MASKED_EQ' }],
        },
      ],
    }),
  );
  assert.deepEqual(
    out.compile.rules.map((r) => [r.syscall, r.args.map((a) => a.value)]),
    [
      ['personality', [0n]],
      ['personality', [8n]],
      ['clone', [2114060288n]],
    ],
  );
  assert.equal(out.compile.rules[2].args[0].valueTwo, 0n, 'valueTwo defaults to 0');
});

test('argument values are uint64 from numbers, BigInts or decimal strings', () => {
  assert.equal(toUint64(4294967295, 'f'), 4294967295n);
  assert.equal(toUint64(18446744073709551615n, 'f'), 18446744073709551615n);
  assert.equal(toUint64('18446744073709551615', 'f'), 18446744073709551615n);
  throwsAt(() => toUint64(-1, 'v'), 'v');
  throwsAt(() => toUint64(1.5, 'v'), 'v');
  throwsAt(() => toUint64('18446744073709551616', 'v'), 'v', /64-bit/);
  throwsAt(() => toUint64('0x10', 'v'), 'v');
  throwsAt(
    () =>
      translateSeccomp(
        allow({
          syscalls: [{ names: ['x'], action: 'SCMP_ACT_ERRNO', args: [{ index: 1, value: -3, op: 'SCMP_CMP_EQ' }] }],
        }),
      ),
    'linux.seccomp.syscalls[0].args[0].value',
  );
});

test('seccomp sections written by podman, docker and oci-runtime-tool translate', (t) => {
  if (!fs.existsSync(CONFIGS)) {
    t.skip(`no sample configs at ${CONFIGS}`);
    return;
  }
  const files = fs.readdirSync(CONFIGS).filter((f) => f.endsWith('.json'));
  let withSeccomp = 0;
  for (const file of files) {
    const spec = JSON.parse(fs.readFileSync(path.join(CONFIGS, file), 'utf8'));
    const seccomp: Seccomp | undefined = spec.linux?.seccomp;
    if (!seccomp) continue;
    withSeccomp++;
    const out = translateSeccomp(seccomp);
    assert.ok(out.compile.rules.length > 0, file);
    assert.deepEqual(out.compile.architectures, [0xc000003e, 0x40000003, 0x4000003e], file);
    assert.equal(out.needsListener, false, file);
    assert.equal(out.loadFlags, 0, file);
  }
  assert.ok(withSeccomp >= 2, 'expected the podman and docker configs');

  const podman = JSON.parse(fs.readFileSync(path.join(CONFIGS, 'podman-run-default.json'), 'utf8'));
  const out = translateSeccomp(podman.linux.seccomp);
  assert.equal(out.compile.defaultAction, 0x00050026, 'podman: ERRNO(ENOSYS) by default');
  assert.ok(out.compile.rules.some((r) => r.syscall === 'personality' && r.args[0]?.value === 4294967295n));

  const docker = JSON.parse(fs.readFileSync(path.join(CONFIGS, 'docker-run-default.json'), 'utf8'));
  const d = translateSeccomp(docker.linux.seccomp);
  assert.equal(d.compile.defaultAction, 0x00050001, 'docker: ERRNO(EPERM) by default');
  const clone = d.compile.rules.find((r) => r.syscall === 'clone' && r.args.length > 0);
  assert.deepEqual(clone?.args, [{ index: 0, op: 7, value: 2114060288n, valueTwo: 0n }]);
  assert.equal(d.compile.optimize, 2);
});
