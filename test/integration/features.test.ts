// `features`: the OCI Features structure, checked for its shape (features.md,
// features-linux.md) and held to what the build really does.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, before, describe, it } from 'node:test';

import { CAPS } from '../../src/plan/capabilities';
import { idmapSupported } from '../../src/plan/idmap-support';
import { MPOL_FLAGS, MPOL_MODES } from '../../src/plan/mempolicy';
import { parseMountOptions } from '../../src/plan/mounts';
import { CLI, cleanup, makeBundle, makeRoot, runtime, uniqueId, integrationSkip, type Bundle } from '../helpers/runtime';

const skip = fs.existsSync(CLI) ? false : `${CLI} not built (npm run build)`;

type Features = {
  ociVersionMin: string;
  ociVersionMax: string;
  hooks: string[];
  mountOptions: string[];
  linux: {
    namespaces: string[];
    capabilities: string[];
    cgroup: Record<string, boolean>;
    seccomp: { enabled: boolean; actions: string[]; operators: string[]; archs: string[]; knownFlags: string[]; supportedFlags: string[] };
    apparmor: { enabled: boolean };
    selinux: { enabled: boolean };
    intelRdt: { enabled: boolean };
    netDevices: { enabled: boolean };
    memoryPolicy: { modes: string[]; flags: string[] };
    mountExtensions: { idmap: { enabled: boolean } };
  };
  annotations: Record<string, string>;
};

describe('features', { skip }, () => {
  let f: Features;
  let root: string;
  const bundles: Bundle[] = [];
  before(() => {
    root = makeRoot();
    const r = runtime(root, ['features']);
    assert.equal(r.status, 0, r.stderr);
    f = JSON.parse(r.stdout);
  });
  after(() => cleanup(root, bundles));

  it('names the spec versions it accepts', () => {
    assert.equal(f.ociVersionMin, '1.0.0');
    assert.equal(f.ociVersionMax, '1.3.0');
  });

  it('has only properties the spec defines', () => {
    const allowed = new Set(['ociVersionMin', 'ociVersionMax', 'hooks', 'mountOptions', 'linux', 'annotations', 'potentiallyUnsafeConfigAnnotations']);
    for (const k of Object.keys(f)) assert.ok(allowed.has(k), k);
    const linux = new Set(['namespaces', 'capabilities', 'cgroup', 'seccomp', 'apparmor', 'selinux', 'intelRdt', 'mountExtensions', 'netDevices', 'memoryPolicy']);
    for (const k of Object.keys(f.linux)) assert.ok(linux.has(k), `linux.${k}`);
    for (const [k, v] of Object.entries(f.annotations)) {
      assert.equal(typeof v, 'string', k);
      assert.match(k, /^[a-z0-9.-]+(\.[a-zA-Z0-9-]+)+$/);
    }
  });

  it('lists every hook kind', () => {
    assert.deepEqual([...f.hooks].sort(), ['createContainer', 'createRuntime', 'poststart', 'poststop', 'prestart', 'startContainer']);
  });

  it('lists exactly the mount options the parser turns into flags', () => {
    for (const opt of f.mountOptions) {
      const parsed = parseMountOptions([opt], 'test');
      assert.equal(parsed.data.length, 0, `${opt} is a flag, not filesystem data`);
    }
    for (const opt of ['ro', 'rw', 'bind', 'rbind', 'nosuid', 'nodev', 'noexec', 'rprivate', 'rslave', 'shared', 'relatime', 'strictatime', 'remount']) {
      assert.ok(f.mountOptions.includes(opt), opt);
    }
    // Accepted but ignored, so not claimed.
    assert.ok(!f.mountOptions.includes('tmpcopyup'));
    // Filesystem data is not a mount option in this sense (features.md).
    for (const data of ['mode=755', 'size=65536k', 'newinstance']) assert.ok(!f.mountOptions.includes(data));
    assert.deepEqual(f.mountOptions, [...f.mountOptions].sort());
  });

  it('lists every namespace type and every capability', () => {
    assert.deepEqual(f.linux.namespaces, ['cgroup', 'ipc', 'mount', 'network', 'pid', 'time', 'user', 'uts']);
    assert.deepEqual(f.linux.capabilities, CAPS);
    assert.ok(f.linux.capabilities.includes('CAP_CHECKPOINT_RESTORE'));
  });

  it('says which cgroup managers exist and which do not', () => {
    assert.deepEqual(f.linux.cgroup, { v1: true, v2: true, systemd: false, systemdUser: false, rdma: true });
  });

  it('reports seccomp from the addon\'s libseccomp', () => {
    const s = f.linux.seccomp;
    assert.equal(s.enabled, true);
    for (const a of ['SCMP_ACT_ALLOW', 'SCMP_ACT_ERRNO', 'SCMP_ACT_KILL', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_TRAP', 'SCMP_ACT_LOG']) assert.ok(s.actions.includes(a), a);
    assert.deepEqual([...s.operators].sort(), ['SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_LE', 'SCMP_CMP_LT', 'SCMP_CMP_MASKED_EQ', 'SCMP_CMP_NE']);
    assert.ok(s.archs.includes('SCMP_ARCH_X86_64') || s.archs.includes('SCMP_ARCH_AARCH64'));
    for (const flag of s.supportedFlags) assert.ok(s.knownFlags.includes(flag), flag);
    assert.match(f.annotations['io.github.seccomp.libseccomp.version'], /^\d+\.\d+\.\d+$/);
  });

  it('claims AppArmor and SELinux (applied where the host has them), not Intel RDT or checkpoint', () => {
    assert.equal(f.linux.apparmor.enabled, true);
    assert.equal(f.linux.selinux.enabled, true);
    assert.equal(f.linux.intelRdt.enabled, false);
    assert.equal(f.linux.netDevices.enabled, true);
    assert.equal(f.annotations['org.opencontainers.runc.checkpoint.enabled'], 'false');
  });

  it('lists the memory policy modes and flags the plan translates', () => {
    assert.deepEqual([...f.linux.memoryPolicy.modes].sort(), Object.keys(MPOL_MODES).sort());
    assert.deepEqual([...f.linux.memoryPolicy.flags].sort(), Object.keys(MPOL_FLAGS).sort());
    assert.ok(f.linux.memoryPolicy.modes.includes('MPOL_BIND'));
  });

  it('reports idmapped mounts as the implementation says', () => {
    assert.equal(f.linux.mountExtensions.idmap.enabled, idmapSupported());
  });

  it('carries runc\'s version annotations', () => {
    assert.match(f.annotations['org.opencontainers.runc.version'], /^\d+\.\d+\.\d+/);
    assert.ok(f.annotations['org.opencontainers.runc.commit']);
  });

  it('applies listed mount flags in a real container', { skip: integrationSkip() }, () => {
    const b = makeBundle(['sh', '-c', 'grep " /mnt/t " /proc/self/mountinfo'], (spec) => {
      spec.mounts!.push({ destination: '/mnt/t', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'noexec', 'ro', 'strictatime'] });
    });
    bundles.push(b);
    const r = runtime(root, ['run', '-b', b.dir, uniqueId('feat')]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\bro\b.*nosuid.*nodev.*noexec/);
  });
});
