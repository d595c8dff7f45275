// Id-mapped bind mounts (idmap/ridmap, mount uidMappings/gidMappings) and recursive mount
// attributes (rro and friends), through real containers as root.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { idmapSupported } from '../../src/plan/idmap-support';
import type { Mount, Spec } from '../../src/spec/types';
import { cleanup, integrationSkip, makeBundle, makeRoot, runtime, uniqueId, type Bundle } from '../helpers/runtime';

const skip = integrationSkip() || (idmapSupported() ? false : 'the kernel has no mount_setattr (Linux 5.12+)');
const HOST = 100000;

function sh(cmd: string[]): void {
  const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8' });
  assert.equal(r.status, 0, `${cmd.join(' ')}: ${r.stderr}`);
}

describe('id-mapped and recursive-attribute mounts', { skip }, () => {
  let root: string;
  let data: string;
  const bundles: Bundle[] = [];
  const mounted: string[] = [];
  before(() => {
    root = makeRoot();
    // data/src/owned and data/src/w (host uid/gid 1000), data/src/sub: a separate mount holding subfile (1000).
    data = fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-idmap-'));
    fs.mkdirSync(path.join(data, 'src', 'sub'), { recursive: true });
    fs.mkdirSync(path.join(data, 'other'));
    fs.writeFileSync(path.join(data, 'src', 'owned'), 'x');
    fs.chownSync(path.join(data, 'src', 'owned'), 1000, 1000);
    fs.mkdirSync(path.join(data, 'src', 'w'));
    fs.chownSync(path.join(data, 'src', 'w'), 1000, 1000);
    fs.writeFileSync(path.join(data, 'other', 'subfile'), 'y');
    fs.chownSync(path.join(data, 'other', 'subfile'), 1000, 1000);
    fs.chmodSync(path.join(data, 'other'), 0o777);
    sh(['mount', '--bind', path.join(data, 'other'), path.join(data, 'src', 'sub')]);
    mounted.push(path.join(data, 'src', 'sub'));
  });
  after(() => {
    cleanup(root, bundles);
    for (const m of mounted.reverse()) spawnSync('umount', ['-l', m]);
    fs.rmSync(data, { recursive: true, force: true });
  });

  const run = (args: string[], mount: Mount, edit?: (spec: Spec) => void) => {
    const b = makeBundle(args, (spec) => {
      spec.mounts!.push(mount);
      edit?.(spec);
    });
    bundles.push(b);
    return runtime(root, ['run', '-b', b.dir, uniqueId('idmap')]);
  };
  const src = () => path.join(data, 'src');
  const userns = (spec: Spec) => {
    spec.linux!.namespaces!.push({ type: 'user' });
    spec.linux!.uidMappings = [{ containerID: 0, hostID: HOST, size: 65536 }];
    spec.linux!.gidMappings = [{ containerID: 0, hostID: HOST, size: 65536 }];
  };
  const usernsBundleAccess = (b: Bundle) => {
    fs.chmodSync(b.dir, 0o711);
    sh(['chown', '-R', `${HOST}:${HOST}`, b.rootfs]);
  };

  it('shows a file owned by host uid 1000 as the mapped uid (no user namespace)', () => {
    const r = run(['stat', '-c', '%u %g', '/data/owned'], {
      destination: '/data',
      type: 'bind',
      source: src(),
      options: ['bind', 'idmap'],
      uidMappings: [{ containerID: 1000, hostID: 2000, size: 1 }],
      gidMappings: [{ containerID: 1000, hostID: 3000, size: 1 }],
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), '2000 3000');
  });

  it('maps host uid 1000 to the container root through its user namespace', () => {
    const b = makeBundle(['sh', '-c', 'stat -c "%u %g" /data/owned /data/w && touch /data/w/new'], (spec) => {
      userns(spec);
      // host 1000 -> 100000 on the mount, which the container's namespace shows as 0.
      spec.mounts!.push({
        destination: '/data',
        type: 'bind',
        source: src(),
        options: ['rbind', 'idmap'],
        uidMappings: [{ containerID: 1000, hostID: HOST, size: 1 }],
        gidMappings: [{ containerID: 1000, hostID: HOST, size: 1 }],
      });
    });
    bundles.push(b);
    usernsBundleAccess(b);
    const r = runtime(root, ['run', '-b', b.dir, uniqueId('idmap')]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), ['0 0', '0 0']);
    // Written through the mount by the container's root: stored as host uid 1000.
    const st = fs.statSync(path.join(src(), 'w', 'new'));
    assert.deepEqual([st.uid, st.gid], [1000, 1000]);
  });

  it('idmap without mount mappings takes the container user namespace mappings', () => {
    const b = makeBundle(['stat', '-c', '%u %g', '/data/owned', '/data'], (spec) => {
      userns(spec);
      spec.mounts!.push({ destination: '/data', type: 'bind', source: src(), options: ['bind', 'idmap'] });
    });
    bundles.push(b);
    usernsBundleAccess(b);
    const r = runtime(root, ['run', '-b', b.dir, uniqueId('idmap')]);
    assert.equal(r.status, 0, r.stderr);
    // On disk 1000 and 0; through the container's own mapping they read back unchanged.
    assert.deepEqual(r.stdout.trim().split('\n'), ['1000 1000', '0 0']);
  });

  it('ridmap maps the mounts beneath too; idmap only the top one', () => {
    const mount = (opt: string): Mount => ({
      destination: '/data',
      type: 'bind',
      source: src(),
      options: ['rbind', opt],
      uidMappings: [{ containerID: 1000, hostID: 2000, size: 1 }],
      gidMappings: [{ containerID: 1000, hostID: 2000, size: 1 }],
    });
    const rec = run(['stat', '-c', '%u', '/data/owned', '/data/sub/subfile'], mount('ridmap'));
    assert.equal(rec.status, 0, rec.stderr);
    assert.deepEqual(rec.stdout.trim().split('\n'), ['2000', '2000']);
    const top = run(['stat', '-c', '%u', '/data/owned', '/data/sub/subfile'], mount('idmap'));
    assert.equal(top.status, 0, top.stderr);
    assert.deepEqual(top.stdout.trim().split('\n'), ['2000', '1000']);
  });

  it('rro makes the whole tree read-only; ro only its top', () => {
    const probe = ['sh', '-c', 'touch /data/sub/w && echo sub-rw || echo sub-ro; touch /data/w 2>/dev/null && echo top-rw || echo top-ro'];
    const rro = run(probe, { destination: '/data', type: 'bind', source: src(), options: ['rbind', 'rro'] });
    assert.equal(rro.status, 0, rro.stderr);
    assert.deepEqual(rro.stdout.trim().split('\n'), ['sub-ro', 'top-ro']);
    const ro = run(probe, { destination: '/data', type: 'bind', source: src(), options: ['rbind', 'ro'] });
    assert.equal(ro.status, 0, ro.stderr);
    assert.deepEqual(ro.stdout.trim().split('\n'), ['sub-rw', 'top-ro']);
    fs.rmSync(path.join(data, 'other', 'w'), { force: true });
  });

  it('rnosuid/rnodev/rnoexec reach the mounts beneath', () => {
    const r = run(['sh', '-c', 'grep " /data/sub " /proc/self/mountinfo | cut -d" " -f6'], {
      destination: '/data',
      type: 'bind',
      source: src(),
      options: ['rbind', 'rnosuid', 'rnodev', 'rnoexec', 'rnoatime'],
    });
    assert.equal(r.status, 0, r.stderr);
    const opts = r.stdout.trim().split(',');
    for (const o of ['nosuid', 'nodev', 'noexec', 'noatime']) assert.ok(opts.includes(o), `${o} in ${r.stdout}`);
  });

  // The validator (src/spec/semantic) may report these before the plan does; either way one line names the field.
  it('refuses idmap without mappings when the container has no user namespace', () => {
    const r = run(['true'], { destination: '/data', type: 'bind', source: src(), options: ['bind', 'idmap'] });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /mounts\[\d+\](\.options)?: .*idmap.* no user namespace/);
  });

  it('refuses uidMappings without gidMappings, and idmap on a non-bind mount', () => {
    const r1 = run(['true'], { destination: '/data', type: 'bind', source: src(), options: ['bind'], uidMappings: [{ containerID: 0, hostID: 1, size: 1 }] });
    assert.notEqual(r1.status, 0);
    assert.match(r1.stderr, /mounts\[\d+\]\.gidMappings: /);
    const maps = { uidMappings: [{ containerID: 0, hostID: 1, size: 1 }], gidMappings: [{ containerID: 0, hostID: 1, size: 1 }] };
    const r2 = run(['true'], { destination: '/data', type: 'tmpfs', source: 'tmpfs', options: ['idmap'], ...maps });
    assert.notEqual(r2.status, 0);
    assert.match(r2.stderr, /mounts\[\d+\]\.options: .*bind/);
  });
});
