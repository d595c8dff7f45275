// The whole spec-to-plan translation (src/plan/build.ts buildInitPlan): the default config,
// the checks it makes before anything runs, and every real config.json in
// /work/shared/configs, each of which must build on this host or fail with one clear line.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import { buildInitPlan, type InitOptions } from '../../src/plan/build';
import { readHostCaps } from '../../src/plan/capabilities';
import { readLsmHost } from '../../src/plan/lsm';
import { CLONE_FLAGS } from '../../src/plan/namespaces';
import { MS } from '../../src/plan/mounts';
import { defaultSpec } from '../../src/spec/default';
import type { Spec } from '../../src/spec/types';
import { validateConfig } from '../../src/spec/validate';

const HIERARCHIES = [
  { name: 'cpu', hostPath: '/sys/fs/cgroup/cpu/runtime/c1' },
  { name: 'memory', hostPath: '/sys/fs/cgroup/memory/runtime/c1' },
];

function options(over: Partial<InitOptions> = {}): InitOptions & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    bundle: '/bundles/b1',
    fifo: '/run/runtime/c1/exec.fifo',
    host: { lastCap: 40, bounding: (1n << 41n) - 1n },
    cgroupHierarchies: HIERARCHIES,
    cgroupV2: false,
    seccomp: null,
    warn: (m) => warnings.push(m),
    warnings,
    ...over,
  };
}

function spec(edit: (s: Spec) => void = () => {}): Spec {
  const s = defaultSpec();
  s.process!.terminal = false;
  edit(s);
  return s;
}

describe('buildInitPlan: the default config', () => {
  const opts = options();
  const plan = buildInitPlan(spec(), opts);

  it('namespaces: five cloned, cgroup unshared after the cgroup join, nothing joined', () => {
    assert.equal(plan.mode, 'init');
    assert.equal(plan.cloneFlags, CLONE_FLAGS.pid | CLONE_FLAGS.network | CLONE_FLAGS.ipc | CLONE_FLAGS.uts | CLONE_FLAGS.mount);
    assert.equal(plan.unshareCgroup, true);
    assert.equal(plan.newUserNamespace, false);
    assert.equal(plan.newTimeNamespace, false);
    assert.deepEqual(plan.join, []);
    assert.equal(plan.setsid, true);
  });

  it('the root: bundle-relative path, read-only, rslave until told otherwise', () => {
    assert.deepEqual(plan.rootfs, { path: '/bundles/b1/rootfs', readonly: true, propagation: MS.SLAVE | MS.REC, propagationAfterPivot: false, noPivot: false });
    assert.equal(plan.hostname, 'runtime');
  });

  it('mounts in config order, the v1 cgroup mount expanded per hierarchy', () => {
    assert.deepEqual(plan.mounts.map((m) => m.destination), [
      '/proc', '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue', '/sys', '/sys/fs/cgroup', '/sys/fs/cgroup/cpu', '/sys/fs/cgroup/memory', '/sys/fs/cgroup',
    ]);
    assert.deepEqual(plan.mounts.map((m) => m.field), ['mounts[0]', 'mounts[1]', 'mounts[2]', 'mounts[3]', 'mounts[4]', 'mounts[5]', 'mounts[6]', 'mounts[6]', 'mounts[6]', 'mounts[6]']);
    const pts = plan.mounts[2];
    assert.equal(pts.type, 'devpts');
    assert.equal(pts.flags, MS.NOSUID | MS.NOEXEC);
    assert.equal(pts.data, 'newinstance,ptmxmode=0666,mode=0620,gid=5');
    assert.equal(plan.mounts[5].flags, MS.NOSUID | MS.NOEXEC | MS.NODEV | MS.RDONLY);
  });

  it('/dev: the six default devices and five symlinks', () => {
    assert.deepEqual(plan.devices.map((d) => d.path), ['/dev/null', '/dev/zero', '/dev/full', '/dev/random', '/dev/urandom', '/dev/tty']);
    assert.deepEqual(plan.symlinks.map((l) => l.path), ['/dev/fd', '/dev/stdin', '/dev/stdout', '/dev/stderr', '/dev/ptmx']);
  });

  it('masked and read-only paths as given; no sysctl, console or hooks', () => {
    assert.ok(plan.maskedPaths.includes('/proc/kcore'));
    assert.deepEqual(plan.readonlyPaths, ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger']);
    assert.deepEqual(plan.sysctl, []);
    assert.equal(plan.console, null);
    assert.deepEqual(plan.hooks, { createContainer: [], startContainer: [] });
    assert.equal(plan.fifo, '/run/runtime/c1/exec.fifo');
    assert.equal(plan.preserveFds, 0);
  });

  it('the process', () => {
    const p = plan.process;
    assert.deepEqual(p.args, ['sh']);
    assert.equal(p.cwd, '/');
    assert.deepEqual([p.uid, p.gid, p.additionalGids], [0, 0, []]);
    assert.equal(p.noNewPrivileges, true);
    assert.deepEqual(p.rlimits, [{ resource: 7, soft: '1024', hard: '1024', field: 'process.rlimits[0]' }]);
    assert.deepEqual([...p.capabilities!.bounding].sort((a, b) => a - b), [5, 10, 29]);
    assert.equal(p.umask, undefined);
    assert.equal(p.oomScoreAdj, undefined);
  });

  it('no warnings', () => {
    assert.deepEqual(opts.warnings, []);
  });
});

describe('buildInitPlan: fields that change the plan', () => {
  it('rootfsPropagation: its flags, applied again after the pivot', () => {
    for (const [name, flags] of [['private', MS.PRIVATE], ['rshared', MS.SHARED | MS.REC], ['slave', MS.SLAVE], ['runbindable', MS.UNBINDABLE | MS.REC]] as const) {
      const p = buildInitPlan(spec((s) => (s.linux!.rootfsPropagation = name)), options());
      assert.equal(p.rootfs!.propagation, flags, name);
      assert.equal(p.rootfs!.propagationAfterPivot, true, name);
    }
    assert.throws(() => buildInitPlan(spec((s) => (s.linux!.rootfsPropagation = 'sideways')), options()), /linux\.rootfsPropagation: unknown value sideways/);
  });

  it('--no-pivot and --preserve-fds reach the plan', () => {
    const p = buildInitPlan(spec(), options({ noPivot: true, preserveFds: 2 }));
    assert.equal(p.rootfs!.noPivot, true);
    assert.equal(p.preserveFds, 2);
  });

  it('a cgroup mount on a v2 host stays one mount', () => {
    const p = buildInitPlan(spec(), options({ cgroupV2: true }));
    assert.deepEqual(p.mounts.filter((m) => m.destination.startsWith('/sys/fs/cgroup')).map((m) => m.type), ['cgroup']);
  });

  it('/dev bound in from elsewhere: no devices and no symlinks are made', () => {
    const p = buildInitPlan(spec((s) => s.mounts!.push({ destination: '/dev', type: 'bind', source: '/dev', options: ['rbind'] })), options());
    assert.deepEqual(p.devices, []);
    assert.deepEqual(p.symlinks, []);
  });

  it('linux.devices, sysctl, hostname, domainname', () => {
    const p = buildInitPlan(
      spec((s) => {
        s.linux!.devices = [{ path: '/dev/fuse', type: 'c', major: 10, minor: 229 }];
        s.linux!.sysctl = { 'net.ipv4.ip_forward': '1', 'kernel.shm_rmid_forced': '1' };
        s.domainname = 'example.test';
      }),
      options(),
    );
    assert.equal(p.devices.length, 7);
    assert.deepEqual(p.sysctl, [
      { key: 'net.ipv4.ip_forward', value: '1' },
      { key: 'kernel.shm_rmid_forced', value: '1' },
    ]);
    assert.equal(p.domainname, 'example.test');
  });

  it('joined namespaces by path', () => {
    const p = buildInitPlan(spec((s) => (s.linux!.namespaces = s.linux!.namespaces!.map((n) => (n.type === 'network' ? { type: 'network', path: '/run/netns/x' } : n)))), options());
    assert.equal(p.cloneFlags & CLONE_FLAGS.network, 0);
    assert.deepEqual(p.join, [{ path: '/run/netns/x', nstype: CLONE_FLAGS.network, field: 'linux.namespaces[1].path' }]);
  });

  it('a terminal: the console socket, or the foreground pty when run passes an empty one', () => {
    const withSocket = buildInitPlan(spec((s) => (s.process!.terminal = true)), options({ consoleSocket: '/tmp/console.sock' }));
    assert.deepEqual(withSocket.console, { socket: '/tmp/console.sock', width: undefined, height: undefined });
    const foreground = buildInitPlan(spec((s) => (s.process!.terminal = true)), options({ consoleSocket: '' }));
    assert.deepEqual(foreground.console, { socket: undefined, width: undefined, height: undefined });
  });
});

describe('buildInitPlan: refusals, one line naming the field', () => {
  const cases: [string, (s: Spec) => void, RegExp, Partial<InitOptions>?][] = [
    ['no process', (s) => delete s.process, /^config\.json: process: required/],
    ['no mount namespace', (s) => (s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== 'mount')), /linux\.namespaces: a mount namespace is required/],
    ['hostname without uts', (s) => (s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== 'uts')), /^config\.json: hostname: .*uts/],
    ['domainname without uts', (s) => {
      delete s.hostname;
      s.domainname = 'd';
      s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== 'uts');
    }, /^config\.json: domainname: .*uts/],
    ['no root.path', (s) => (s.root = undefined), /root\.path: required/],
    ['terminal without a console socket', (s) => (s.process!.terminal = true), /--console-socket is required/],
    ['a console socket without terminal', () => {}, /--console-socket given but process\.terminal is false/, { consoleSocket: '/tmp/s' }],
    ['an unknown rlimit', (s) => (s.process!.rlimits = [{ type: 'RLIMIT_X', soft: 1, hard: 1 }]), /process\.rlimits\[0\]\.type/],
    ['an unknown namespace', (s) => s.linux!.namespaces!.push({ type: 'bogus' as never }), /linux\.namespaces\[6\]\.type/],
  ];
  for (const [name, edit, re, over] of cases) {
    it(name, () => {
      assert.throws(() => buildInitPlan(spec(edit), options(over)), (e: Error) => {
        assert.match(e.message, re);
        assert.ok(!e.message.includes('\n'), e.message);
        return true;
      });
    });
  }
});

describe('buildInitPlan: the real configs in /work/shared/configs on this host', () => {
  const dir = '/work/shared/configs';
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
  // Built as the root runtime except where a config is meant for a rootless runtime only;
  // the errors are the configs' own, not this host's.
  const rootlessOnly = new Set(['crun-spec-rootless.json']);
  const expectedErrors: Record<string, RegExp> = {
    // Maps container ids 100000.. only, yet runs as uid 0, which is not mapped (runc fails too:
    // the init cannot become root in its user namespace).
    'oci-runtime-tool-generate-rich.json': /: config\.json: linux\.uidMappings: container uid 0 is not mapped/,
  };

  it('the configs are there', { skip: files.length === 0 && `${dir} not present` }, () => {
    assert.ok(files.length >= 12, files.join(' '));
  });

  for (const file of files) {
    it(file, () => {
      const config = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Spec;
      assert.deepEqual(validateConfig(config).errors, [], 'schema and semantic checks');
      const opts = options({
        host: readHostCaps(),
        lsm: readLsmHost(),
        consoleSocket: config.process?.terminal ? '/tmp/console.sock' : undefined,
        caller: rootlessOnly.has(file) ? { uid: 1000, gid: 1000 } : { uid: 0, gid: 0 },
      });
      if (expectedErrors[file]) {
        assert.throws(() => buildInitPlan(config, opts), expectedErrors[file]);
        return;
      }
      const plan = buildInitPlan(config, opts);
      assert.ok(plan.process.args.length > 0);
      assert.ok(plan.rootfs!.path.startsWith('/'));
      // Every mount got a field and a flag word; every device a file type.
      for (const m of plan.mounts) assert.match(m.field, /^mounts\[\d+\]$/);
      for (const d of plan.devices) assert.ok((d.mode & 0o170000) !== 0, d.path);
      for (const w of opts.warnings) assert.doesNotMatch(w, /\n/);
    });
  }

  it('crun\'s rootless config as the root runtime: a clear error, since there is no caller to map', { skip: !files.includes('crun-spec-rootless.json') }, () => {
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'crun-spec-rootless.json'), 'utf8')) as Spec;
    const opts = options({ host: readHostCaps(), consoleSocket: config.process?.terminal ? '/tmp/console.sock' : undefined });
    assert.throws(() => buildInitPlan(config, opts), /: config\.json: linux\.uidMappings: a new user namespace needs uidMappings/);
  });
});
