// config-linux.md#seccomp: actions, errno values, argument conditions, flags, and the
// listener socket of SCMP_ACT_NOTIFY.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { checker, sleepMs, type Case, type CheckerOutput, type Ctx } from '../lib/harness';
import { X86_64_SYSCALLS } from '../lib/syscalls';
import type { Spec } from '../../src/spec/types';

type Seccomp = NonNullable<NonNullable<Spec['linux']>['seccomp']>;

const ARCHES = ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'];
const MKDIR = ['mkdir', 'mkdirat'];
const EPERM = 1;

/** mkdir /conf-made under a profile; returns the checker output (or null) and the run. */
function mkdirUnder(t: Ctx, seccomp: Seccomp) {
  const b = t.bundle(checker(['all'], ['mkdir', '/conf-made']), (s) => {
    s.linux!.seccomp = seccomp;
  });
  return t.run(b);
}

function mkdirResult(t: Ctx, out: CheckerOutput | null, stderr: string): { ok: boolean; errno: number } {
  return t.need(out?.['mkdir /conf-made'], `the container did not report mkdir: ${stderr.trim().slice(-300)}`);
}

/** The mode argument of mkdir (arg 1) and mkdirat (arg 2) compared with `value`. */
function modeRules(value: number, action: string) {
  return [
    { names: ['mkdir'], action, args: [{ index: 1, value, op: 'SCMP_CMP_EQ' }] },
    { names: ['mkdirat'], action, args: [{ index: 2, value, op: 'SCMP_CMP_EQ' }] },
  ];
}

export const cases: Case[] = [
  {
    name: 'config-linux.md#seccomp: a syscall matched by an SCMP_ACT_ERRNO rule fails with EPERM by default; the filter is in force',
    run(t) {
      const r = mkdirUnder(t, { defaultAction: 'SCMP_ACT_ALLOW', architectures: ARCHES, syscalls: [{ names: MKDIR, action: 'SCMP_ACT_ERRNO' }] });
      t.eq(mkdirResult(t, r.out, r.inv.stderr).errno, EPERM, 'mkdir fails with EPERM');
      t.eq(r.out?.all?.status?.Seccomp, 2, 'the process is in seccomp filter mode');
    },
  },
  {
    name: 'config-linux.md#seccomp: errnoRet sets the errno a rule returns',
    run(t) {
      const r = mkdirUnder(t, { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: MKDIR, action: 'SCMP_ACT_ERRNO', errnoRet: 95 }] });
      t.eq(mkdirResult(t, r.out, r.inv.stderr).errno, 95, 'mkdir fails with EOPNOTSUPP (95)');
    },
  },
  {
    name: 'config-linux.md#seccomp: defaultAction and defaultErrnoRet apply to syscalls no rule matches',
    run(t) {
      const allowed = X86_64_SYSCALLS.filter((n) => !MKDIR.includes(n));
      const r = mkdirUnder(t, { defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 71, architectures: ARCHES, syscalls: [{ names: allowed, action: 'SCMP_ACT_ALLOW' }] });
      t.eq(mkdirResult(t, r.out, r.inv.stderr).errno, 71, 'mkdir fails with EPROTO (71) from the default action');
    },
  },
  {
    name: 'config-linux.md#seccomp: argument conditions select the calls a rule matches',
    run(t) {
      const hit = mkdirUnder(t, { defaultAction: 'SCMP_ACT_ALLOW', syscalls: modeRules(0o755, 'SCMP_ACT_ERRNO') });
      t.eq(mkdirResult(t, hit.out, hit.inv.stderr).errno, EPERM, 'mode == 0755 matches: EPERM');
      const miss = mkdirUnder(t, { defaultAction: 'SCMP_ACT_ALLOW', syscalls: modeRules(0o700, 'SCMP_ACT_ERRNO') });
      t.eq(mkdirResult(t, miss.out, miss.inv.stderr).ok, true, 'mode == 0700 does not match: mkdir works');
    },
  },
  {
    name: 'config-linux.md#seccomp: SCMP_ACT_KILL_PROCESS kills the process at the matched syscall',
    run(t) {
      const r = mkdirUnder(t, { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: MKDIR, action: 'SCMP_ACT_KILL_PROCESS' }] });
      t.ok(r.out?.all, 'the program ran up to the syscall', { stderr: r.inv.stderr.slice(-200) });
      t.ok(r.out && !('mkdir /conf-made' in r.out), 'it did not get past mkdir');
      t.eq(r.inv.status, 128 + 31, 'run reports death by SIGSYS (128+31)');
    },
  },
  {
    name: 'config-linux.md#seccomp: errnoRet on an action that takes no errno is an error',
    run(t) {
      const b = t.bundle(checker(['all']), (s) => {
        s.linux!.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: MKDIR, action: 'SCMP_ACT_KILL', errnoRet: 1 }] };
      });
      t.expectRefused(b, 'SCMP_ACT_KILL with errnoRet');
    },
  },
  {
    name: 'config-linux.md#seccomp: defaultErrnoRet on a defaultAction that takes no errno is an error',
    run(t) {
      const b = t.bundle(checker(['all']), (s) => {
        s.linux!.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', defaultErrnoRet: 1 };
      });
      t.expectRefused(b, 'SCMP_ACT_ALLOW with defaultErrnoRet');
    },
  },
  {
    name: 'config-linux.md#seccomp: flags (SECCOMP_FILTER_FLAG_LOG, SPEC_ALLOW) are applied with the filter (or refused as unsupported)',
    run(t) {
      const r = mkdirUnder(t, {
        defaultAction: 'SCMP_ACT_ALLOW',
        flags: ['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW'],
        syscalls: [{ names: MKDIR, action: 'SCMP_ACT_ERRNO' }],
      });
      if (r.inv.status !== 0 && !r.out) {
        t.note(`refused: ${r.inv.stderr.trim().slice(-200)}`);
        return;
      }
      t.eq(mkdirResult(t, r.out, r.inv.stderr).errno, EPERM, 'mkdir fails with EPERM');
    },
  },
  {
    name: 'config-linux.md#seccomp: an unknown action is an error',
    run(t) {
      const b = t.bundle(checker(['all']), (s) => {
        s.linux!.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: MKDIR, action: 'SCMP_ACT_NOT_AN_ACTION' }] };
      });
      t.expectRefused(b, 'unknown seccomp action');
    },
  },
  {
    name: 'config-linux.md#seccomp: with SCMP_ACT_NOTIFY the container process state goes to listenerPath',
    run(t) {
      const dir = t.tmpdir('runtime-conformance-notify-');
      const sock = path.join(dir, 'agent.sock');
      const log = path.join(dir, 'received');
      // A stand-in agent: records what arrives and drops the fds (the kernel closes them),
      // so the notified syscall then fails with ENOSYS instead of blocking.
      const script = `const net=require('net'),fs=require('fs');const [sock,log]=process.argv.slice(1);
net.createServer(c=>{let d='';c.setEncoding('utf8');c.on('data',x=>d+=x);c.on('end',()=>fs.appendFileSync(log,JSON.stringify(d)+'\\n'));}).listen(sock,()=>fs.writeFileSync(log+'.ready',''));`;
      const agent = spawn(process.execPath, ['-e', script, sock, log], { stdio: 'ignore' });
      t.defer('stop the notify agent', () => {
        agent.kill('SIGKILL');
      });
      for (let i = 0; i < 100 && !fs.existsSync(`${log}.ready`); i++) sleepMs(30);
      t.need(fs.existsSync(`${log}.ready`), 'the stand-in agent did not start');
      const b = t.bundle(checker(['mkdir', '/conf-made']), (s) => {
        s.linux!.seccomp = {
          defaultAction: 'SCMP_ACT_ALLOW',
          listenerPath: sock,
          listenerMetadata: 'conformance-metadata',
          syscalls: [{ names: MKDIR, action: 'SCMP_ACT_NOTIFY' }],
        };
      });
      const id = t.mustCreate(b);
      const pid = t.state(id).state?.pid;
      // The filter may be loaded during create or, with noNewPrivileges, just before exec.
      t.mustStart(id);
      for (let i = 0; i < 100 && !fs.existsSync(log); i++) sleepMs(30);
      const lines = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
      t.eq(lines.length, 1, 'exactly one connection carried one state');
      let msg: Record<string, any> = {};
      try {
        msg = JSON.parse(JSON.parse(lines[0] ?? '""'));
      } catch {
        t.fail('the payload is not JSON', { payload: lines[0] });
      }
      t.ok(typeof msg.ociVersion === 'string', 'ociVersion');
      t.eq(msg.fds, ['seccompFd'], 'fds names the seccomp fd');
      t.eq(msg.pid, pid, 'pid is the container process as seen by the runtime');
      t.eq(msg.metadata, 'conformance-metadata', 'metadata is listenerMetadata');
      t.eq(msg.state?.id, id, 'state.id');
      t.ok(t.waitStatus(id, 'stopped'), 'the container ends (the agent dropped the fd)');
    },
  },
  {
    name: 'config-linux.md#seccomp: a listenerPath nobody listens on is an error',
    run(t) {
      const sock = path.join(t.tmpdir(), 'nobody.sock');
      const b = t.bundle(checker(['all']), (s) => {
        s.linux!.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', listenerPath: sock, syscalls: [{ names: MKDIR, action: 'SCMP_ACT_NOTIFY' }] };
      });
      t.expectRefused(b, 'listenerPath without a listener');
    },
  },
];
