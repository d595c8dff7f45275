// config.md#process, #posix-process, #linux-process, #user and runtime-linux.md#file-descriptors:
// what the container program sees of its own process.
import * as fs from 'fs';
import * as path from 'path';

import { checker, type Case, type Ctx } from '../lib/harness';

const sorted = (a: readonly string[] | null | undefined): string[] => [...(a ?? [])].sort();

/** Capabilities as the checker reports them, each set sorted. */
function caps(t: Ctx, all: { capabilities: Record<string, string[] | null> | null }): Record<string, string[]> {
  const c = t.need(all.capabilities, 'the checker could not read its capabilities');
  const out: Record<string, string[]> = {};
  for (const k of ['bounding', 'effective', 'permitted', 'inheritable', 'ambient']) out[k] = sorted(c[k]);
  return out;
}

export const cases: Case[] = [
  {
    name: 'config.md#process: args reach the program unchanged (spaces, quotes, empty strings, unicode)',
    run(t) {
      const args = [...checker(['all']), 'two words', '', 'quote"s', "it's", 'ünïcødé ✓', '$HOME', '-', '*'];
      const b = t.bundle(args);
      const r = t.run(b);
      const out = t.need(r.out, `the container did not report: ${r.inv.stderr.slice(-300)}`);
      t.eq(out.all?.args, args, 'argv inside equals process.args');
    },
  },
  {
    name: 'config.md#process: args[0] is found through PATH from process.env, as execvp does',
    run(t) {
      const b = t.bundle(['oci-checker', 'all'], (s) => {
        s.process!.env = ['PATH=/usr/local/bin:/bin'];
      });
      const r = t.run(b);
      t.eq(r.inv.status, 0, 'run succeeds');
      t.eq(r.out?.all?.args, ['oci-checker', 'all'], 'the program ran with argv[0] as given');
    },
  },
  {
    name: 'config.md#process: env is the program environment, in order, and the runtime environment does not leak in',
    run(t) {
      const env = ['PATH=/bin', 'A=1', 'WITH_SPACE=a b', 'EMPTY=', 'EQUALS=x=y', 'UNI=ü'];
      const out = t.check([['all']], (s) => {
        s.process!.env = env;
      }, { env: { ...process.env, OCI_CONFORMANCE_LEAK: 'leaked' } });
      const got = out.all.env;
      const positions = env.map((e) => got.indexOf(e));
      t.ok(positions.every((p) => p >= 0), 'every configured entry is present', { env: got });
      t.ok(positions.every((p, i) => i === 0 || p > positions[i - 1]), 'in the configured order', { env: got });
      t.ok(!got.some((e) => e.startsWith('OCI_CONFORMANCE_LEAK=')), 'the runtime environment does not leak into the container');
      const extra = got.filter((e) => !env.includes(e));
      if (extra.length) t.note(`the runtime added: ${extra.join(' ')}`);
    },
  },
  {
    name: 'config.md#process: cwd is the working directory of the program',
    run(t) {
      const out = t.check([['all']], (s) => {
        s.process!.cwd = '/tmp';
      });
      t.eq(out.all.cwd, '/tmp', 'getcwd() in the container');
    },
  },
  {
    name: 'config.md#process: a cwd missing from the rootfs is created or refused, never ignored',
    run(t) {
      const b = t.bundle(checker(['all']), (s) => {
        s.process!.cwd = '/does/not/exist/yet';
      });
      const r = t.run(b);
      if (r.inv.status === 0) t.eq(r.out?.all?.cwd, '/does/not/exist/yet', 'the program runs in the configured cwd');
      else t.note(`refused: ${r.inv.stderr.trim().slice(-200)}`);
    },
  },
  {
    name: 'config.md#user: uid and gid set the real, effective and saved ids',
    run(t) {
      const out = t.check([['all']], (s) => {
        s.process!.user = { uid: 4242, gid: 4343 };
      });
      const a = out.all;
      t.eq([a.uid, a.euid, a.suid], [4242, 4242, 4242], 'real/effective/saved uid');
      t.eq([a.gid, a.egid, a.sgid], [4343, 4343, 4343], 'real/effective/saved gid');
    },
  },
  {
    name: 'config.md#user: additionalGids are the supplementary groups',
    run(t) {
      const out = t.check([['all']], (s) => {
        s.process!.user = { uid: 4242, gid: 4343, additionalGids: [5, 1234, 70000] };
      });
      t.eq([...out.all.groups].sort((x, y) => x - y), [5, 1234, 70000], 'getgroups() in the container');
    },
  },
  {
    name: 'config.md#user: umask is applied',
    run(t) {
      const out = t.check([['all']], (s) => {
        s.process!.user = { uid: 0, gid: 0, umask: 0o027 };
      });
      t.eq(out.all.umask, '0027', 'umask in the container');
    },
  },
  {
    name: 'config.md#posix-process: each rlimit soft and hard value matches the config (getrlimit)',
    run(t) {
      const want: [string, number, number][] = [
        ['RLIMIT_NOFILE', 256, 2048],
        ['RLIMIT_NPROC', 512, 1024],
        ['RLIMIT_CORE', 0, 1048576],
        ['RLIMIT_MSGQUEUE', 204800, 409600],
        ['RLIMIT_STACK', 4194304, 16777216],
        ['RLIMIT_CPU', 3600, 7200],
      ];
      const out = t.check([['all']], (s) => {
        s.process!.rlimits = want.map(([type, soft, hard]) => ({ type, soft, hard }));
      });
      for (const [type, soft, hard] of want) t.eq(out.all.rlimits[type], { soft, hard }, `${type}`);
    },
  },
  {
    name: 'config.md#posix-process: a duplicated rlimit type is an error',
    run(t) {
      const b = t.bundle(checker(['all']), (s) => {
        s.process!.rlimits = [
          { type: 'RLIMIT_NOFILE', soft: 256, hard: 256 },
          { type: 'RLIMIT_NOFILE', soft: 512, hard: 512 },
        ];
      });
      t.expectRefused(b, 'duplicated RLIMIT_NOFILE');
    },
  },
  {
    name: 'config.md#posix-process: an rlimit type that maps to no kernel resource is an error',
    run(t) {
      const b = t.bundle(checker(['all']), (s) => {
        s.process!.rlimits = [{ type: 'RLIMIT_NOT_A_LIMIT', soft: 1, hard: 1 }];
      });
      t.expectRefused(b, 'RLIMIT_NOT_A_LIMIT');
    },
  },
  {
    name: 'config.md#linux-process: capabilities for a root process: bounding, inheritable and ambient as configured; permitted and effective hold the bounding set',
    run(t) {
      const bounding = ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE', 'CAP_SETUID'];
      const out = t.check([['all']], (s) => {
        s.process!.capabilities = {
          bounding,
          permitted: bounding,
          effective: bounding,
          inheritable: ['CAP_KILL', 'CAP_NET_BIND_SERVICE'],
          ambient: ['CAP_NET_BIND_SERVICE'],
        };
      });
      const c = caps(t, out.all);
      t.eq(c.bounding, sorted(bounding), 'bounding set');
      t.eq(c.permitted, sorted(bounding), 'permitted set');
      t.eq(c.effective, sorted(bounding), 'effective set');
      t.eq(c.inheritable, sorted(['CAP_KILL', 'CAP_NET_BIND_SERVICE']), 'inheritable set');
      t.eq(c.ambient, ['CAP_NET_BIND_SERVICE'], 'ambient set');
    },
  },
  {
    name: 'config.md#linux-process: capabilities for a non-root process: bounding, inheritable and ambient as configured; the ambient set survives exec',
    run(t) {
      const bounding = ['CAP_CHOWN', 'CAP_KILL', 'CAP_NET_BIND_SERVICE', 'CAP_NET_RAW', 'CAP_SETUID'];
      const kept = ['CAP_KILL', 'CAP_NET_BIND_SERVICE'];
      const out = t.check([['all']], (s) => {
        s.process!.user = { uid: 1000, gid: 1000 };
        s.process!.capabilities = {
          bounding,
          permitted: ['CAP_CHOWN', 'CAP_KILL', 'CAP_NET_BIND_SERVICE', 'CAP_NET_RAW'],
          effective: ['CAP_CHOWN', 'CAP_KILL', 'CAP_NET_BIND_SERVICE', 'CAP_NET_RAW'],
          inheritable: kept,
          ambient: kept,
        };
      });
      const c = caps(t, out.all);
      t.eq(c.bounding, sorted(bounding), 'bounding set');
      t.eq(c.inheritable, sorted(kept), 'inheritable set');
      t.eq(c.ambient, sorted(kept), 'ambient set');
      // execve(2) of a file without capabilities by a non-root user keeps exactly the ambient set.
      t.eq(c.permitted, sorted(kept), 'permitted set after exec (= ambient)');
      t.eq(c.effective, sorted(kept), 'effective set after exec (= ambient)');
    },
  },
  {
    name: 'config.md#linux-process: an unknown capability is a warning, not an error, and the known ones still apply',
    run(t) {
      const b = t.bundle(checker(['all']), (s) => {
        const set = ['CAP_KILL', 'CAP_NOT_A_CAPABILITY'];
        s.process!.capabilities = { bounding: set, permitted: set, effective: set };
      });
      const r = t.run(b);
      t.eq(r.inv.status, 0, 'run succeeds', { stderr: r.inv.stderr.slice(-300) });
      if (r.out?.all?.capabilities) t.eq(r.out.all.capabilities.bounding, ['CAP_KILL'], 'the known capability is the bounding set');
    },
  },
  {
    name: 'config.md#linux-process: noNewPrivileges true sets no_new_privs, false leaves it clear',
    run(t) {
      const on = t.check([['all']], (s) => {
        s.process!.noNewPrivileges = true;
      });
      t.eq(on.all.status?.NoNewPrivs, 1, 'NoNewPrivs with noNewPrivileges: true');
      const off = t.check([['all']], (s) => {
        s.process!.noNewPrivileges = false;
      });
      t.eq(off.all.status?.NoNewPrivs, 0, 'NoNewPrivs with noNewPrivileges: false');
    },
  },
  {
    name: 'config.md#linux-process: oomScoreAdj is written to oom_score_adj',
    run(t) {
      const out = t.check([['all']], (s) => {
        s.process!.oomScoreAdj = 512;
      });
      t.eq(out.all.oomScoreAdj, 512, 'oom_score_adj in the container');
    },
  },
  {
    name: 'config.md#linux-process: without oomScoreAdj the runtime does not change oom_score_adj',
    run(t) {
      const out = t.check([['all']], (s) => {
        delete s.process!.oomScoreAdj;
      }, { preamble: 'echo 123 > /proc/self/oom_score_adj' });
      t.eq(out.all.oomScoreAdj, 123, 'oom_score_adj inherited from the runtime caller');
    },
  },
  {
    name: 'config.md#linux-process: scheduler is applied (or refused as unsupported), never ignored',
    run(t) {
      const b = t.bundle(checker(['all']), (s) => {
        s.process!.scheduler = { policy: 'SCHED_BATCH', nice: 7 };
      });
      const r = t.run(b);
      if (r.inv.status !== 0) {
        t.note(`refused: ${r.inv.stderr.trim().slice(-200)}`);
        return;
      }
      const sched = r.out?.all?.scheduler;
      t.eq(sched?.policy, 'SCHED_BATCH', 'scheduling policy');
      t.eq(sched?.nice, 7, 'nice value');
    },
  },
  {
    name: 'config.md#linux-process: ioPriority is applied (or refused as unsupported), never ignored',
    run(t) {
      const b = t.bundle(checker(['all']), (s) => {
        s.process!.ioPriority = { class: 'IOPRIO_CLASS_BE', priority: 6 };
      });
      const r = t.run(b);
      if (r.inv.status !== 0) {
        t.note(`refused: ${r.inv.stderr.trim().slice(-200)}`);
        return;
      }
      const io = r.out?.all?.ioPriority;
      t.eq(io ? { class: io.class, priority: io.priority } : null, { class: 'IOPRIO_CLASS_BE', priority: 6 }, 'I/O priority');
    },
  },
  {
    name: 'config.md#linux-process: apparmorProfile confines the process',
    skip: (env) => (env.host.apparmor ? false : 'no AppArmor on this host'),
    run(t) {
      const out = t.check([['all']], (s) => {
        s.process!.apparmorProfile = 'unconfined';
      });
      t.ok(out.all.securityLabel !== null, 'the process has an AppArmor label');
    },
  },
  {
    name: 'config.md#linux-process: selinuxLabel labels the process',
    skip: (env) => (env.host.selinux ? false : 'no SELinux on this host'),
    run(t) {
      const out = t.check([['all']], (s) => {
        s.process!.selinuxLabel = 'system_u:system_r:container_t:s0:c1,c2';
      });
      t.eq(out.all.securityLabel, 'system_u:system_r:container_t:s0:c1,c2', 'SELinux context of the process');
    },
  },
  {
    name: 'runtime-linux.md#file-descriptors: only stdin, stdout and stderr are open in the program',
    run(t) {
      const out = t.check([['all']]);
      t.eq((out.all.fds ?? []).map((f) => f.fd), [0, 1, 2], 'open fds in the container', );
      if ((out.all.fds ?? []).length > 3) t.note(`extra fds: ${JSON.stringify(out.all.fds)}`);
    },
  },
  {
    name: 'runtime-linux.md#file-descriptors: (runc CLI) --preserve-fds passes fds 3 and up to the program',
    run(t) {
      const dir = t.tmpdir();
      const file = path.join(dir, 'passed');
      fs.writeFileSync(file, 'x');
      const fd = fs.openSync(file, 'r');
      try {
        const b = t.bundle(checker(['all']));
        const r = t.run(b, { extraArgs: ['--preserve-fds', '1'], extraFds: [fd] });
        const fds = r.out?.all?.fds ?? [];
        t.eq(r.inv.status, 0, 'run succeeds', { stderr: r.inv.stderr.slice(-200) });
        t.eq(fds.find((f) => f.fd === 3)?.target, file, 'fd 3 is the passed file');
        t.ok(!fds.some((f) => f.fd > 3), 'no other fd is passed', { fds });
      } finally {
        fs.closeSync(fd);
      }
    },
  },
  {
    name: 'config.md#process: with terminal false the program gets the caller stdio, not a terminal',
    run(t) {
      const out = t.check([['all']]);
      t.eq(out.all.tty, { stdin: false, stdout: false, stderr: false }, 'isatty of fds 0-2');
      const fd1 = (out.all.fds ?? []).find((f) => f.fd === 1)?.target ?? '';
      // Node hands a child its 'pipe' stdio as a socketpair.
      t.ok(fd1.startsWith('pipe:') || fd1.startsWith('socket:'), 'stdout is the pipe the runtime was given', { target: fd1 });
    },
  },
];
