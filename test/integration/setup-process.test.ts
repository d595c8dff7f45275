// Container setup seen from inside: process args, env, cwd (made when missing, never outside
// the root), user ids and groups, umask, rlimits, oomScoreAdj, noNewPrivileges, the five
// capability sets, exit codes and signals, --preserve-fds.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { CAPS } from '../../src/plan/capabilities';
import { setupSuite } from '../helpers/setup-checker';
import { CLI, integrationSkip, runtime, uniqueId } from '../helpers/runtime';

const skip = integrationSkip();
const s = skip ? undefined! : setupSuite('proc');
after(() => {
  if (!skip) s.done();
});

/** The kernel's /proc/self/status hex for a list of capability names. */
function capHex(names: string[]): string {
  let mask = 0n;
  for (const n of names) mask |= 1n << BigInt(CAPS.indexOf(n));
  return mask.toString(16).padStart(16, '0');
}

function hostBounding(): bigint {
  return BigInt('0x' + /CapBnd:\s*([0-9a-f]+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1]);
}

function statusLine(status: string, key: string): string {
  const m = new RegExp(`^${key}:\\s*(.*)$`, 'm').exec(status);
  assert.ok(m, `${key} missing from /proc/self/status`);
  return m[1].trim();
}

describe('process.args and process.env', { skip }, () => {
  test('arguments reach argv byte for byte: spaces, quotes, empty strings, unicode, newlines', () => {
    const args = ['/bin/oci-checker', 'all', 'two words', '"double"', "'single'", '', 'ünïcödé ✓', 'line\nbreak', '$HOME', '*', '--flag=x'];
    const all = s.all((c) => (c.process!.args = args));
    assert.deepEqual(all.args, args);
  });

  test('env is passed exactly, in order; with HOME given nothing is added', () => {
    const env = ['PATH=/bin:/usr/bin', 'EMPTY=', 'WITH_EQUALS=a=b=c', 'SPACES=x y  z', 'UNICODE=ärger ✓', 'QUOTES="q"', 'HOME=/custom'];
    const all = s.all((c) => (c.process!.env = env));
    assert.deepEqual(all.env, env);
  });

  test('without HOME, the user\'s home from the container\'s /etc/passwd is added last (runc), else /', () => {
    assert.deepEqual(s.all((c) => (c.process!.env = ['A=1'])).env, ['A=1', 'HOME=/root']);
    assert.deepEqual(s.all((c) => {
      c.process!.env = ['A=1'];
      c.process!.user = { uid: 4242, gid: 4242 };
    }).env, ['A=1', 'HOME=/']);
  });

  test('a bare args[0] is looked up in the PATH of process.env', () => {
    const b = s.bundle(['hello-tool', 'arg'], (c) => {
      c.process!.env = ['PATH=/opt/tools:/bin'];
    });
    fs.mkdirSync(path.join(b.rootfs, 'opt', 'tools'), { recursive: true });
    fs.writeFileSync(path.join(b.rootfs, 'opt', 'tools', 'hello-tool'), '#!/bin/sh\necho "found $1"\n', { mode: 0o755 });
    const r = s.run(b);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'found arg\n');
  });

  test('a missing args[0] fails create before the container waits, leaving nothing', () => {
    const b = s.bundle(['/no/such/program']);
    const id = uniqueId('proc');
    const r = runtime(s.root, ['create', '-b', b.dir, id]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /process\.args\[0\].*\/no\/such\/program/);
    assert.notEqual(runtime(s.root, ['state', id]).status, 0);
  });

  test('a non-executable args[0] fails create too', () => {
    const b = s.bundle(['/etc/passwd']);
    const r = runtime(s.root, ['create', '-b', b.dir, uniqueId('proc')]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /process\.args\[0\].*permission denied/);
  });
});

describe('process.cwd', { skip }, () => {
  test('an existing directory', () => {
    assert.equal(s.all((c) => (c.process!.cwd = '/etc')).cwd, '/etc');
  });

  test('a missing directory is made (0755, owned by root) as runc does', () => {
    const b = s.bundle(['/bin/oci-checker', 'all'], (c) => {
      c.process!.cwd = '/work/new/dir';
      c.process!.user = { uid: 1000, gid: 1000 };
    });
    const r = s.run(b);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).all.cwd, '/work/new/dir');
    for (const d of ['work', 'work/new', 'work/new/dir']) {
      const st = fs.statSync(path.join(b.rootfs, d));
      assert.equal(st.mode & 0o7777, 0o755, d);
      assert.equal(st.uid, 0, d);
    }
  });

  test('a missing cwd is made before the root turns read-only', () => {
    assert.equal(s.all((c) => {
      c.process!.cwd = '/made/early';
      c.root!.readonly = true;
    }).cwd, '/made/early');
  });

  test('a cwd the container user cannot enter still works: chdir happens before the user switch', () => {
    const b = s.bundle(['/bin/oci-checker', 'all'], (c) => {
      c.process!.cwd = '/private';
      c.process!.user = { uid: 1000, gid: 1000 };
    });
    fs.mkdirSync(path.join(b.rootfs, 'private'), { mode: 0o700 });
    fs.chownSync(path.join(b.rootfs, 'private'), 2000, 2000);
    const r = s.run(b);
    assert.equal(r.status, 0, r.stderr);
    const all = JSON.parse(r.stdout).all;
    assert.equal(all.cwd, '/private');
    assert.equal(all.uid, 1000);
  });

  test('a symlink to / or climbing with .. resolves inside the container, never to the host', () => {
    const b = s.bundle(['/bin/oci-checker', 'all', '--', 'ls', '.']);
    fs.writeFileSync(path.join(b.rootfs, 'tmp', 'container-tmp-marker'), '');
    fs.symlinkSync('/tmp', path.join(b.rootfs, 'abs-link'));
    b.spec.process!.cwd = '/abs-link';
    b.write();
    let r = s.run(b);
    assert.equal(r.status, 0, r.stderr);
    let out = JSON.parse(r.stdout);
    assert.equal(out.all.cwd, '/tmp');
    assert.deepEqual(out['ls .'].entries, ['container-tmp-marker']);

    fs.symlinkSync('../../../../../../../../../tmp', path.join(b.rootfs, 'rel-link'));
    b.spec.process!.cwd = '/rel-link';
    b.write();
    r = s.run(b);
    assert.equal(r.status, 0, r.stderr);
    out = JSON.parse(r.stdout);
    assert.equal(out.all.cwd, '/tmp');
    assert.deepEqual(out['ls .'].entries, ['container-tmp-marker']);

    b.spec.process!.cwd = '/../../../../tmp';
    b.write();
    r = s.run(b);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).all.cwd, '/tmp');
  });

  test('a dangling symlink as cwd is an error and makes nothing on the host', () => {
    const hostPath = path.join(os.tmpdir(), `runtime-test-never-${process.pid}`);
    const b = s.bundle(['true']);
    fs.symlinkSync(`${hostPath}/dir`, path.join(b.rootfs, 'dangling'));
    b.spec.process!.cwd = '/dangling';
    b.write();
    const r = s.run(b);
    if (r.status === 0) {
      // Acceptable only if what was made is inside the rootfs.
      assert.ok(fs.existsSync(path.join(b.rootfs, hostPath, 'dir')));
    } else {
      assert.match(r.stderr, /process\.cwd/);
    }
    assert.ok(!fs.existsSync(hostPath), 'a directory was made on the host');
  });

  test('a cwd through /proc/self/fd cannot reach a leaked fd', () => {
    // Whatever fds the init holds, none may serve as a way out (CVE-2024-21626).
    for (const fd of [3, 4, 5, 6, 7, 8]) {
      const r = s.run(s.bundle(['/bin/oci-checker', 'all'], (c) => (c.process!.cwd = `/proc/self/fd/${fd}`)));
      if (r.status === 0) {
        const cwd = JSON.parse(r.stdout).all.cwd;
        assert.ok(cwd !== null && cwd.startsWith('/'), `fd ${fd}: cwd ${cwd}`);
      } else {
        assert.match(r.stderr, /process\.cwd/);
      }
    }
  });
});

describe('process.user', { skip }, () => {
  test('uid, gid and additionalGids: real, effective and saved ids; Groups in /proc/self/status', () => {
    const { results } = s.probe([['all'], ['read', '/proc/self/status']], (c) => {
      c.process!.user = { uid: 1000, gid: 1001, additionalGids: [5, 2000, 100] };
    });
    const [all, status] = results;
    assert.deepEqual([all.uid, all.euid, all.suid], [1000, 1000, 1000]);
    assert.deepEqual([all.gid, all.egid, all.sgid], [1001, 1001, 1001]);
    assert.deepEqual([...all.groups].sort((a: number, b: number) => a - b), [5, 100, 2000]);
    assert.deepEqual(statusLine(status.content, 'Groups').split(/\s+/).map(Number).sort((a, b) => a - b), [5, 100, 2000]);
    assert.equal(statusLine(status.content, 'Uid'), '1000\t1000\t1000\t1000');
    assert.equal(statusLine(status.content, 'Gid'), '1001\t1001\t1001\t1001');
  });

  test('root without additionalGids has no supplementary groups (the runtime\'s own are dropped)', () => {
    const all = s.all();
    assert.equal(all.uid, 0);
    assert.deepEqual(all.groups, []);
  });

  test('files the process makes belong to its uid and gid', () => {
    const b = s.bundle(['/bin/oci-checker', 'write', '/tmp/owned']);
    b.spec.process!.user = { uid: 1234, gid: 4321 };
    b.write();
    fs.chmodSync(path.join(b.rootfs, 'tmp'), 0o1777);
    const r = s.run(b);
    assert.equal(r.status, 0, r.stderr);
    const st = fs.statSync(path.join(b.rootfs, 'tmp', 'owned'));
    assert.deepEqual([st.uid, st.gid], [1234, 4321]);
  });
});

describe('process.user.umask', { skip }, () => {
  test('the given umask, and the mode of a file made under it', () => {
    const { results } = s.probe([['all'], ['write', '/tmp/f'], ['stat', '/tmp/f']], (c) => {
      c.process!.user.umask = 0o027;
    });
    assert.equal(results[0].umask, '0027');
    assert.equal(results[0].status.Umask, '0027');
    assert.equal(results[2].mode, '0640');
  });

  test('0022 when not given', () => {
    assert.equal(s.all().umask, '0022');
  });

  test('0 is a umask too', () => {
    assert.equal(s.all((c) => (c.process!.user.umask = 0)).umask, '0000');
  });
});

describe('process.rlimits', { skip }, () => {
  test('soft and hard values of several limits; limits not named are inherited', () => {
    const { results } = s.probe([['all'], ['read', '/proc/self/limits']], (c) => {
      c.process!.rlimits = [
        { type: 'RLIMIT_NOFILE', soft: 1000, hard: 20000 },
        { type: 'RLIMIT_NPROC', soft: 500, hard: 600 },
        { type: 'RLIMIT_CORE', soft: 0, hard: 1048576 },
        { type: 'RLIMIT_MSGQUEUE', soft: 4096, hard: 8192 },
        { type: 'RLIMIT_STACK', soft: 4194304, hard: 8388608 },
      ];
    });
    const [all, limits] = results;
    assert.deepEqual(all.rlimits.RLIMIT_NOFILE, { soft: 1000, hard: 20000 });
    assert.deepEqual(all.rlimits.RLIMIT_NPROC, { soft: 500, hard: 600 });
    assert.deepEqual(all.rlimits.RLIMIT_CORE, { soft: 0, hard: 1048576 });
    assert.deepEqual(all.rlimits.RLIMIT_MSGQUEUE, { soft: 4096, hard: 8192 });
    assert.deepEqual(all.rlimits.RLIMIT_STACK, { soft: 4194304, hard: 8388608 });
    assert.match(limits.content, /^Max open files\s+1000\s+20000\s+files/m);
    assert.match(limits.content, /^Max processes\s+500\s+600\s+processes/m);
    assert.match(limits.content, /^Max core file size\s+0\s+1048576\s+bytes/m);
  });

  test('unlimited (2^64-1) on a limit whose host hard value is unlimited', () => {
    const b = s.bundle(['/bin/oci-checker', 'all']);
    // JSON.stringify would round the number; write it as the literal other tools write.
    const text = JSON.stringify({ ...b.spec, process: { ...b.spec.process, rlimits: [{ type: 'RLIMIT_CORE', soft: 1, hard: 2 }] } }).replace(
      '{"type":"RLIMIT_CORE","soft":1,"hard":2}',
      '{"type":"RLIMIT_CORE","soft":18446744073709551615,"hard":18446744073709551615}',
    );
    fs.writeFileSync(path.join(b.dir, 'config.json'), text);
    const r = s.run(b);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).all.rlimits.RLIMIT_CORE, { soft: 'unlimited', hard: 'unlimited' });
  });

  test('a hard limit above the runtime\'s own, without CAP_SYS_RESOURCE, fails naming the entry', (t) => {
    if (hostBounding() & (1n << BigInt(CAPS.indexOf('CAP_SYS_RESOURCE')))) return t.skip('this host grants CAP_SYS_RESOURCE');
    s.fails(['true'], (c) => {
      c.process!.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 1024 }, { type: 'RLIMIT_NPROC', soft: 100, hard: 2 ** 40 }];
    }, /process\.rlimits\[1\]: setrlimit: Operation not permitted/);
  });

  test('soft above hard is refused naming the entry', () => {
    s.fails(['true'], (c) => {
      c.process!.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 2000, hard: 1000 }];
    }, /process\.rlimits\[0\]/);
  });

  test('an unknown rlimit type is refused naming the entry', () => {
    s.fails(['true'], (c) => {
      c.process!.rlimits = [{ type: 'RLIMIT_NOPE', soft: 1, hard: 1 }];
    }, /process\.rlimits\[0\]/);
  });
});

describe('process.oomScoreAdj', { skip }, () => {
  for (const v of [0, 500, 1000]) {
    test(`${v} reaches /proc/self/oom_score_adj`, () => {
      assert.equal(s.all((c) => (c.process!.oomScoreAdj = v)).oomScoreAdj, v);
    });
  }

  test('a negative value without CAP_SYS_RESOURCE fails naming the field', (t) => {
    if (hostBounding() & (1n << BigInt(CAPS.indexOf('CAP_SYS_RESOURCE')))) return t.skip('this host grants CAP_SYS_RESOURCE');
    s.fails(['true'], (c) => (c.process!.oomScoreAdj = -500), /process\.oomScoreAdj: .*Permission denied/);
  });

  test('absent: inherited from the runtime', () => {
    const own = Number(fs.readFileSync('/proc/self/oom_score_adj', 'utf8'));
    assert.equal(s.all((c) => delete c.process!.oomScoreAdj).oomScoreAdj, own);
  });
});

describe('process.noNewPrivileges', { skip }, () => {
  test('true sets NoNewPrivs; false leaves it clear', () => {
    assert.equal(s.all((c) => (c.process!.noNewPrivileges = true)).status.NoNewPrivs, 1);
    assert.equal(s.all((c) => (c.process!.noNewPrivileges = false)).status.NoNewPrivs, 0);
  });

  test('it stops a setuid-root program from raising a user\'s euid', () => {
    const euid = (nnp: boolean) => {
      const b = s.bundle(['/bin/suid-checker', 'all'], (c) => {
        c.process!.user = { uid: 1000, gid: 1000 };
        c.process!.noNewPrivileges = nnp;
      });
      const copy = path.join(b.rootfs, 'bin', 'suid-checker');
      fs.copyFileSync(path.join(b.rootfs, 'bin', 'oci-checker'), copy);
      fs.chownSync(copy, 0, 0);
      fs.chmodSync(copy, 0o4755);
      const r = s.run(b);
      assert.equal(r.status, 0, r.stderr);
      const all = JSON.parse(r.stdout).all;
      assert.equal(all.uid, 1000);
      return all.euid;
    };
    assert.equal(euid(false), 0);
    assert.equal(euid(true), 1000);
  });
});

describe('process.capabilities', { skip }, () => {
  const bounding = ['CAP_CHOWN', 'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID', 'CAP_NET_BIND_SERVICE', 'CAP_NET_RAW', 'CAP_SYS_CHROOT'];

  const rootCaps = {
    bounding,
    effective: ['CAP_CHOWN', 'CAP_KILL'],
    permitted: ['CAP_CHOWN', 'CAP_KILL', 'CAP_NET_RAW'],
    inheritable: ['CAP_NET_RAW'],
    ambient: ['CAP_NET_RAW'],
  };

  test('root with noNewPrivileges: bounding, permitted, inheritable and ambient as given', () => {
    const all = s.all((c) => {
      c.process!.noNewPrivileges = true;
      c.process!.capabilities = rootCaps;
    });
    assert.equal(all.status.CapBnd, capHex(bounding));
    assert.equal(all.status.CapInh, capHex(['CAP_NET_RAW']));
    assert.equal(all.status.CapAmb, capHex(['CAP_NET_RAW']));
    // no_new_privs caps what exec grants at what the process held: the permitted set.
    assert.equal(all.status.CapPrm, capHex(rootCaps.permitted));
    // exec as uid 0 raises every permitted capability to effective.
    assert.equal(all.status.CapEff, capHex(rootCaps.permitted));
  });

  test('root without noNewPrivileges: exec grants the whole bounding set', () => {
    const all = s.all((c) => {
      c.process!.noNewPrivileges = false;
      c.process!.capabilities = rootCaps;
    });
    assert.equal(all.status.CapBnd, capHex(bounding));
    assert.equal(all.status.CapInh, capHex(['CAP_NET_RAW']));
    assert.equal(all.status.CapAmb, capHex(['CAP_NET_RAW']));
    assert.equal(all.status.CapPrm, capHex(bounding));
    assert.equal(all.status.CapEff, capHex(bounding));
  });

  test('a non-root user keeps exactly its ambient set across exec', () => {
    const all = s.all((c) => {
      c.process!.user = { uid: 1000, gid: 1000 };
      c.process!.capabilities = {
        bounding,
        effective: ['CAP_KILL', 'CAP_NET_BIND_SERVICE'],
        permitted: ['CAP_KILL', 'CAP_NET_BIND_SERVICE', 'CAP_CHOWN'],
        inheritable: ['CAP_KILL', 'CAP_NET_BIND_SERVICE'],
        ambient: ['CAP_KILL', 'CAP_NET_BIND_SERVICE'],
      };
    });
    const amb = capHex(['CAP_KILL', 'CAP_NET_BIND_SERVICE']);
    assert.equal(all.status.CapBnd, capHex(bounding));
    assert.equal(all.status.CapInh, amb);
    assert.equal(all.status.CapAmb, amb);
    assert.equal(all.status.CapPrm, amb);
    assert.equal(all.status.CapEff, amb);
    assert.deepEqual(all.capabilities.ambient, ['CAP_KILL', 'CAP_NET_BIND_SERVICE']);
  });

  test('a non-root user without ambient capabilities has none effective', () => {
    const all = s.all((c) => {
      c.process!.user = { uid: 1000, gid: 1000 };
      c.process!.capabilities = { bounding, effective: bounding, permitted: bounding };
    });
    assert.equal(all.status.CapEff, '0000000000000000');
    assert.equal(all.status.CapPrm, '0000000000000000');
    assert.equal(all.status.CapBnd, capHex(bounding));
  });

  test('effective capabilities work and missing ones do not: CAP_CHOWN', () => {
    const chown = (caps: string[]) =>
      s.run(s.bundle(['sh', '-c', 'touch /tmp/f && chown 1234 /tmp/f && echo chowned'], (c) => {
        c.process!.capabilities = { bounding: caps, effective: caps, permitted: caps };
      }));
    assert.equal(chown(['CAP_CHOWN']).stdout, 'chowned\n');
    assert.notEqual(chown(['CAP_KILL']).status, 0);
  });

  test('no capabilities object: the process has none at all', () => {
    const all = s.all((c) => {
      c.process!.user = { uid: 1000, gid: 1000 };
      delete c.process!.capabilities;
    });
    assert.equal(all.status.CapEff, '0000000000000000');
  });

  test('a capability outside the host\'s bounding set is dropped with a warning, not a failure', (t) => {
    const n = CAPS.indexOf('CAP_SYS_RESOURCE');
    if (hostBounding() & (1n << BigInt(n))) return t.skip('this host grants CAP_SYS_RESOURCE');
    const { results, stderr } = s.probe([['all']], (c) => {
      for (const set of ['bounding', 'effective', 'permitted', 'inheritable', 'ambient'] as const) c.process!.capabilities![set] = ['CAP_KILL', 'CAP_SYS_RESOURCE'];
    });
    assert.match(stderr, /CAP_SYS_RESOURCE/);
    assert.equal(stderr.split('\n').filter((l) => /CAP_SYS_RESOURCE/.test(l)).length, 1, stderr);
    const all = results[0];
    assert.ok(!all.capabilities.bounding.includes('CAP_SYS_RESOURCE'));
    assert.deepEqual(all.capabilities.ambient, ['CAP_KILL']);
  });

  test('an unknown capability name is ignored with a warning', () => {
    const { results, stderr } = s.probe([['all']], (c) => {
      c.process!.capabilities!.bounding!.push('CAP_FROM_THE_FUTURE');
    });
    assert.match(stderr, /CAP_FROM_THE_FUTURE/);
    assert.deepEqual(results[0].capabilities.bounding, ['CAP_KILL', 'CAP_NET_BIND_SERVICE', 'CAP_AUDIT_WRITE']);
  });
});

describe('exit codes and signals', { skip }, () => {
  for (const code of [0, 1, 3, 127, 255]) {
    test(`exit ${code} is run's exit code`, () => {
      const r = s.run(s.bundle(['/bin/oci-checker', 'exit', String(code)]));
      assert.equal(r.status, code, r.stderr);
    });
  }

  test('a process killed by a signal makes run exit 128+N (no pid namespace, so it can signal itself)', () => {
    for (const [sig, n] of [['USR1', 10], ['TERM', 15], ['KILL', 9]] as const) {
      const r = s.run(s.bundle(['sh', '-c', `kill -${sig} $$; sleep 5`], (c) => {
        c.linux!.namespaces = c.linux!.namespaces!.filter((ns) => ns.type !== 'pid');
      }));
      assert.equal(r.status, 128 + n, `${sig}: ${r.stderr}`);
    }
  });

  test('the container starts with default signal dispositions and an empty mask', () => {
    // The CLI is started with SIGINT and SIGQUIT ignored by the shell around it.
    const out = path.join(s.root, '..', `runtime-test-sig-${process.pid}`);
    const b = s.bundle(['/bin/oci-checker', 'all']);
    const cmd = `trap '' INT QUIT; exec ${process.execPath} ${CLI} --root ${s.root} run -b ${b.dir} ${uniqueId('sig')} > ${out}`;
    const r = spawnSync('sh', ['-c', cmd], { encoding: 'utf8', timeout: 30000 });
    try {
      assert.equal(r.status, 0, r.stderr);
      const all = JSON.parse(fs.readFileSync(out, 'utf8')).all;
      assert.equal(all.status.SigIgn, '0000000000000000');
      assert.equal(all.status.SigBlk, '0000000000000000');
    } finally {
      fs.rmSync(out, { force: true });
    }
  });
});

describe('--preserve-fds', { skip }, () => {
  test('fd 3 reaches the process and nothing else past stdio', () => {
    const b = s.bundle(['/bin/oci-checker', 'all', '--', 'read', '/proc/self/fd/3']);
    const file = path.join(b.dir, 'passed');
    fs.writeFileSync(file, 'through-fd-3');
    const out = path.join(b.dir, 'out');
    const cmd = `exec ${process.execPath} ${CLI} --root ${s.root} run --preserve-fds 1 -b ${b.dir} ${uniqueId('fds')} 3<${file} >${out}`;
    const r = spawnSync('sh', ['-c', cmd], { encoding: 'utf8', timeout: 30000 });
    assert.equal(r.status, 0, r.stderr);
    const res = JSON.parse(fs.readFileSync(out, 'utf8'));
    assert.equal(res['read /proc/self/fd/3'].content, 'through-fd-3');
    // `all` runs before the read probe opens anything of its own.
    assert.deepEqual(res.all.fds.map((f: any) => f.fd), [0, 1, 2, 3]);
  });

  test('without it, an fd 3 the runtime inherited does not reach the process', () => {
    const b = s.bundle(['/bin/oci-checker', 'all']);
    const out = path.join(b.dir, 'out');
    const cmd = `exec ${process.execPath} ${CLI} --root ${s.root} run -b ${b.dir} ${uniqueId('fds')} 3</etc/hostname >${out}`;
    const r = spawnSync('sh', ['-c', cmd], { encoding: 'utf8', timeout: 30000 });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(fs.readFileSync(out, 'utf8')).all.fds.map((f: any) => f.fd), [0, 1, 2]);
  });
});
