// Rootless containers: an unprivileged user created for this test (and deleted after) runs
// `spec --rootless` and `run` itself, with its state under $XDG_RUNTIME_DIR/runtime. This
// machine has no logind, so the setup makes /run/user/UID (0700, owned by the user) by hand.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { Spec } from '../../src/spec/types';
import { CLI, integrationSkip, makeBundle, uniqueId, type Bundle } from '../helpers/runtime';

const USER = `rtls${process.pid % 100000}`;
const CRUN_ROOTLESS = '/work/shared/configs/crun-spec-rootless.json';

/** Every directory on the way must be searchable, and the file readable, by others. */
function readableByOthers(file: string): boolean {
  let p = path.resolve(file);
  try {
    if ((fs.statSync(p).mode & 0o004) === 0) return false;
    while (p !== '/') {
      p = path.dirname(p);
      if ((fs.statSync(p).mode & 0o001) === 0) return false;
    }
    return true;
  } catch {
    return false;
  }
}

function skipReason(): string | false {
  const base = integrationSkip();
  if (base) return base;
  for (const tool of ['/usr/sbin/useradd', '/usr/sbin/userdel']) if (!fs.existsSync(tool)) return `${tool} missing`;
  const release = path.join(path.dirname(CLI), '..', 'build', 'Release');
  for (const f of [CLI, path.join(release, 'runtime_native.node'), path.join(release, 'runtime-init'), process.execPath]) if (!readableByOthers(f)) return `${f} is not readable by other users (see docs/userns.md)`;
  return false;
}

const skip = skipReason();

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

describe('rootless', { skip }, () => {
  let uid = 0;
  let gid = 0;
  let runDir = '';
  const bundles: Bundle[] = [];

  /**
   * The CLI as the test user, with its own XDG_RUNTIME_DIR and no --root. A detached container
   * keeps the stdio it was given, so `run -d` gets files instead of pipes we would wait on.
   */
  const asUser = (args: string[], opts: { cwd?: string; detached?: boolean } = {}) => {
    const errFile = path.join(runDir, `stderr-${process.pid}`);
    const errFd = opts.detached ? fs.openSync(errFile, 'w+') : -1;
    const r = spawnSync(process.execPath, [CLI, ...args], {
      uid,
      gid,
      cwd: opts.cwd ?? '/',
      encoding: 'utf8',
      timeout: 30000,
      stdio: opts.detached ? ['ignore', 'ignore', errFd] : 'pipe',
      env: { PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin', HOME: runDir, XDG_RUNTIME_DIR: runDir },
    });
    let stderr = r.stderr ?? '';
    if (opts.detached) {
      fs.closeSync(errFd);
      stderr = fs.readFileSync(errFile, 'utf8');
      fs.rmSync(errFile);
    }
    return { status: r.status, stdout: r.stdout ?? '', stderr };
  };

  /** A bundle owned by the user, its config written by `spec --rootless` as the user, then edited. */
  const userBundle = (args: string[], edit?: (spec: Spec) => void): Bundle => {
    const b = makeBundle(args);
    bundles.push(b);
    fs.rmSync(path.join(b.dir, 'config.json'));
    sh('chown', ['-R', `${uid}:${gid}`, b.dir]);
    const s = asUser(['spec', '--rootless'], { cwd: b.dir });
    assert.equal(s.status, 0, s.stderr);
    const file = path.join(b.dir, 'config.json');
    const spec = JSON.parse(fs.readFileSync(file, 'utf8')) as Spec;
    spec.process!.terminal = false;
    spec.process!.args = args;
    spec.root!.readonly = false;
    edit?.(spec);
    fs.writeFileSync(file, JSON.stringify(spec));
    b.spec = spec;
    return b;
  };

  before(() => {
    spawnSync('/usr/sbin/userdel', ['-r', USER]);
    sh('/usr/sbin/useradd', ['--no-create-home', '--shell', '/bin/sh', USER]);
    uid = Number(sh('id', ['-u', USER]).trim());
    gid = Number(sh('id', ['-g', USER]).trim());
    runDir = `/run/user/${uid}`;
    fs.mkdirSync(runDir, { recursive: true, mode: 0o700 });
    fs.chownSync(runDir, uid, gid);
    fs.chmodSync(runDir, 0o700);
  });

  after(() => {
    const stateRoot = path.join(runDir, 'runtime');
    if (uid && fs.existsSync(stateRoot)) for (const id of fs.readdirSync(stateRoot)) asUser(['delete', '-f', id]);
    for (const b of bundles) fs.rmSync(b.dir, { recursive: true, force: true });
    if (runDir) fs.rmSync(runDir, { recursive: true, force: true });
    spawnSync('/usr/sbin/userdel', ['-r', USER]);
  });

  it('spec --rootless then run: root inside is the caller outside', () => {
    const b = userBundle(['sh', '-c', 'id -u; cat /proc/self/uid_map; cat /proc/self/setgroups; touch /tmp/made']);
    const r = asUser(['run', '-b', b.dir, uniqueId('rl')]);
    assert.equal(r.status, 0, r.stderr);
    const out = r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' '));
    assert.deepEqual(out, ['0', `0 ${uid} 1`, 'deny']);
    assert.equal(fs.statSync(path.join(b.rootfs, 'tmp', 'made')).uid, uid);
  });

  it('keeps its state under $XDG_RUNTIME_DIR/runtime, owned by the user', () => {
    const b = userBundle(['sleep', '30']);
    const id = uniqueId('rlstate');
    const r = asUser(['run', '-d', '-b', b.dir, id], { detached: true });
    assert.equal(r.status, 0, r.stderr);
    const dir = path.join(runDir, 'runtime', id);
    assert.ok(fs.existsSync(path.join(dir, 'state.json')), `${dir}/state.json`);
    assert.equal(fs.statSync(dir).uid, uid);
    const st = asUser(['state', id]);
    assert.equal(st.status, 0, st.stderr);
    assert.equal(JSON.parse(st.stdout).status, 'running');
    assert.match(asUser(['list']).stdout, new RegExp(id));
    const d = asUser(['delete', '-f', id]);
    assert.equal(d.status, 0, d.stderr);
    assert.ok(!fs.existsSync(dir));
  });

  it('maps a subordinate range through newuidmap/newgidmap, leaving setgroups allowed', () => {
    const range = (file: string) => {
      const line = fs.readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith(`${USER}:`));
      return line ? Number(line.split(':')[1]) : undefined;
    };
    const subuid = range('/etc/subuid');
    const subgid = range('/etc/subgid');
    if (subuid === undefined || subgid === undefined || !fs.existsSync('/usr/bin/newuidmap')) return;
    const b = userBundle(['sh', '-c', 'cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups; id -G'], (spec) => {
      spec.linux!.uidMappings = [{ containerID: 0, hostID: uid, size: 1 }, { containerID: 1, hostID: subuid, size: 1000 }];
      spec.linux!.gidMappings = [{ containerID: 0, hostID: gid, size: 1 }, { containerID: 1, hostID: subgid, size: 1000 }];
      spec.process!.user.additionalGids = [5];
    });
    const r = asUser(['run', '-b', b.dir, uniqueId('rlsub')]);
    assert.equal(r.status, 0, r.stderr);
    const out = r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' '));
    assert.deepEqual(out, [`0 ${uid} 1`, `1 ${subuid} 1000`, `0 ${gid} 1`, `1 ${subgid} 1000`, 'allow', '0 5']);
  });

  it('runs crun\'s rootless config: a user namespace without mappings maps the caller', { skip: fs.existsSync(CRUN_ROOTLESS) ? false : `${CRUN_ROOTLESS} missing` }, () => {
    const b = userBundle(['true']);
    const spec = JSON.parse(fs.readFileSync(CRUN_ROOTLESS, 'utf8')) as Spec;
    spec.process!.terminal = false;
    spec.process!.args = ['sh', '-c', 'id -u; cat /proc/self/uid_map; ls /sys/class/net'];
    // Its ambient set lacks the matching inheritable capabilities, which the kernel refuses;
    // runc and crun carry on with a warning. Not this test's concern.
    delete spec.process!.capabilities!.ambient;
    fs.writeFileSync(path.join(b.dir, 'config.json'), JSON.stringify(spec));
    const r = asUser(['run', '-b', b.dir, uniqueId('rlcrun')]);
    assert.equal(r.status, 0, r.stderr);
    const out = r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' '));
    assert.deepEqual(out, ['0', `0 ${uid} 1`, 'lo']);
  });

  it('says which linux.resources field it cannot apply, and leaves no state behind', () => {
    const b = userBundle(['true'], (spec) => {
      spec.linux!.resources = { memory: { limit: 64 * 1024 * 1024 } };
    });
    const id = uniqueId('rllimit');
    const r = asUser(['run', '-b', b.dir, id]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /linux\.resources\.memory\.limit: a rootless container cannot apply cgroup limits/);
    assert.ok(!fs.existsSync(path.join(runDir, 'runtime', id)));
  });

  it('explains what an unprivileged user cannot do', () => {
    const noUserns = userBundle(['true'], (spec) => {
      spec.linux!.namespaces = spec.linux!.namespaces!.filter((n) => n.type !== 'user');
    });
    const r1 = asUser(['run', '-b', noUserns.dir, uniqueId('rlno')]);
    assert.notEqual(r1.status, 0);
    assert.match(r1.stderr, /linux\.namespaces: an unprivileged runtime needs a user namespace/);

    const idmap = userBundle(['true'], (spec) => {
      spec.mounts!.push({ destination: '/data', type: 'bind', source: '/tmp', options: ['rbind', 'idmap'] });
    });
    const r2 = asUser(['run', '-b', idmap.dir, uniqueId('rlidmap')]);
    assert.notEqual(r2.status, 0);
    assert.match(r2.stderr, /mounts\[\d+\]\.options: id-mapped mounts need the runtime to run as root/);

    const foreign = userBundle(['true'], (spec) => {
      spec.linux!.uidMappings = [{ containerID: 0, hostID: 0, size: 1 }];
    });
    const r3 = asUser(['run', '-b', foreign.dir, uniqueId('rlforeign')]);
    assert.notEqual(r3.status, 0);
    assert.match(r3.stderr, /linux\.uidMappings: newuidmap .* failed \(check \/etc\/subuid\)/);
  });

  it('--rootless false makes cgroup permission errors fatal', () => {
    const b = userBundle(['true']);
    const r = asUser(['--rootless', 'false', 'run', '-b', b.dir, uniqueId('rlfalse')]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /linux\.cgroupsPath: .*EACCES/);
  });
});
