// features.md and features-linux.md: what `features` says the runtime recognizes must be
// accepted in config.json.
import { checker, type Case, type Ctx } from '../lib/harness';
import type { Spec } from '../../src/spec/types';

type Features = Record<string, any>;

function features(t: Ctx): Features {
  const r = t.invoke(['features']);
  t.need(r.status === 0, `features failed (exit ${r.status}): ${r.stderr.trim().slice(-200)}`);
  try {
    return JSON.parse(r.stdout) as Features;
  } catch {
    return t.abort(`features output is not JSON: ${r.stdout.slice(0, 200)}`);
  }
}

/** Runs the checker under `edit`; a failure names `what`. */
function accepted(t: Ctx, what: string, edit: (s: Spec) => void): boolean {
  const r = t.run(t.bundle(checker(['all']), edit));
  return t.ok(r.inv.status === 0 && r.out?.all, `${what} is accepted`, { stderr: r.inv.stderr.trim().slice(-300) });
}

/** Options that need more than a tmpfs to mean anything; they have cases of their own. */
const NOT_ON_TMPFS = new Set(['bind', 'rbind', 'idmap', 'ridmap', 'remount']);

const BIG_ENDIAN = new Set(['SCMP_ARCH_MIPS', 'SCMP_ARCH_MIPS64', 'SCMP_ARCH_MIPS64N32', 'SCMP_ARCH_PPC', 'SCMP_ARCH_PPC64', 'SCMP_ARCH_S390', 'SCMP_ARCH_S390X', 'SCMP_ARCH_PARISC', 'SCMP_ARCH_PARISC64', 'SCMP_ARCH_M68K', 'SCMP_ARCH_SHEB']);

const TOP_LEVEL = ['ociVersionMin', 'ociVersionMax', 'hooks', 'mountOptions', 'linux', 'annotations', 'potentiallyUnsafeConfigAnnotations'];
const LINUX = ['namespaces', 'capabilities', 'cgroup', 'seccomp', 'apparmor', 'selinux', 'intelRdt', 'mountExtensions', 'netDevices', 'memoryPolicy'];

export const cases: Case[] = [
  {
    name: 'features.md#specification-version: ociVersionMin and ociVersionMax are accepted in config.json, and max >= min',
    run(t) {
      const f = features(t);
      const v = (s: string) => s.split(/[.-]/).slice(0, 3).map(Number);
      const [a, b] = [v(String(f.ociVersionMin)), v(String(f.ociVersionMax))];
      t.ok(a.every(Number.isFinite) && b.every(Number.isFinite), 'both are versions', { min: f.ociVersionMin, max: f.ociVersionMax });
      t.ok(b[0] > a[0] || (b[0] === a[0] && (b[1] > a[1] || (b[1] === a[1] && b[2] >= a[2]))), 'max is not less than min', { min: f.ociVersionMin, max: f.ociVersionMax });
      for (const version of [f.ociVersionMin, f.ociVersionMax]) {
        accepted(t, `ociVersion ${version}`, (s) => {
          s.ociVersion = String(version);
        });
      }
    },
  },
  {
    name: 'features.md: the features object has only properties this spec defines',
    run(t) {
      const f = features(t);
      const extra = Object.keys(f).filter((k) => !TOP_LEVEL.includes(k));
      const extraLinux = Object.keys(f.linux ?? {}).filter((k) => !LINUX.includes(k));
      t.eq([...extra, ...extraLinux.map((k) => `linux.${k}`)], [], 'unknown properties');
    },
  },
  {
    name: 'features.md#hooks: every hook kind listed is supported',
    run(t) {
      const f = features(t);
      const hooks: string[] = f.hooks ?? [];
      accepted(t, `hooks ${hooks.join(', ')}`, (s) => {
        // /bin/true is on the host and in the busybox rootfs (startContainer resolves there).
        s.hooks = Object.fromEntries(hooks.map((h) => [h, [{ path: '/bin/true' }]]));
      });
    },
  },
  {
    name: 'features.md#mount-options: every mount option listed is recognized',
    run(t) {
      const f = features(t);
      const options: string[] = (f.mountOptions ?? []).filter((o: string) => !NOT_ON_TMPFS.has(o));
      const ok = accepted(t, `${options.length} options, one tmpfs each`, (s) => {
        options.forEach((o, i) => s.mounts!.push({ destination: `/opt/o${i}`, type: 'tmpfs', source: 'tmpfs', options: [o] }));
      });
      if (!ok) {
        // Name the culprits.
        for (const o of options) accepted(t, `mount option ${o}`, (s) => s.mounts!.push({ destination: '/opt/o', type: 'tmpfs', source: 'tmpfs', options: [o] }));
      }
    },
  },
  {
    name: 'features-linux.md#namespaces: every namespace type listed is recognized',
    run(t) {
      const f = features(t);
      const types: string[] = f.linux?.namespaces ?? [];
      accepted(t, `namespaces ${types.join(', ')}`, (s) => {
        s.linux!.namespaces = types.map((type) => ({ type: type as never }));
        if (types.includes('user')) {
          s.linux!.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
          s.linux!.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
        }
        if (!types.includes('uts')) delete s.hostname;
      });
    },
  },
  {
    name: 'features-linux.md#capabilities: every capability listed is recognized',
    run(t) {
      const f = features(t);
      const caps: string[] = f.linux?.capabilities ?? [];
      accepted(t, `${caps.length} capabilities in every set`, (s) => {
        s.process!.capabilities = { bounding: caps, permitted: caps, effective: caps, inheritable: caps };
      });
    },
  },
  {
    name: 'features-linux.md#seccomp: every action, operator, architecture and supported flag listed is recognized',
    run(t) {
      const f = features(t);
      const sc = f.linux?.seccomp ?? {};
      if (!sc.enabled) {
        t.note('the runtime says seccomp is not enabled');
        return;
      }
      // Rarely used syscalls, one per action, so the checker never trips them.
      const victims = ['acct', 'swapon', 'swapoff', 'reboot', 'kexec_load', 'init_module', 'delete_module', 'pivot_root', 'quotactl', 'nfsservctl'];
      const actions: string[] = (sc.actions ?? []).filter((a: string) => a !== 'SCMP_ACT_NOTIFY' && a !== 'SCMP_ACT_ALLOW');
      const ops: string[] = sc.operators ?? [];
      accepted(t, 'every action and operator', (s) => {
        s.linux!.seccomp = {
          defaultAction: 'SCMP_ACT_ALLOW',
          syscalls: [
            ...actions.map((action, i) => ({ names: [victims[i % victims.length]], action })),
            ...ops.map((op) => ({ names: ['setdomainname'], action: 'SCMP_ACT_ERRNO', args: [{ index: 1, value: 3, valueTwo: op === 'SCMP_CMP_MASKED_EQ' ? 3 : 0, op }] })),
          ],
        };
      });
      // A filter holds the native architecture, and libseccomp cannot add one of the other
      // byte order to it (EDOM): on this little-endian host only little-endian ones are tried.
      // All together first, then each with the native one.
      const archs: string[] = (sc.archs ?? []).filter((a: string) => !BIG_ENDIAN.has(a));
      const skipped = (sc.archs ?? []).filter((a: string) => BIG_ENDIAN.has(a));
      if (skipped.length) t.note(`big-endian architectures not tried: ${skipped.join(' ')}`);
      const all = t.run(t.bundle(checker(['all']), (s) => {
        s.linux!.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', architectures: archs, syscalls: [{ names: ['acct'], action: 'SCMP_ACT_ERRNO' }] };
      }));
      if (all.inv.status !== 0) {
        t.note(`all ${archs.length} architectures in one filter refused: ${all.inv.stderr.trim().slice(-160)}`);
        for (const arch of archs) {
          accepted(t, `architectures [SCMP_ARCH_X86_64, ${arch}]`, (s) => {
            s.linux!.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', architectures: [...new Set(['SCMP_ARCH_X86_64', arch])], syscalls: [{ names: ['acct'], action: 'SCMP_ACT_ERRNO' }] };
          });
        }
      }
      const flags: string[] = (sc.supportedFlags ?? []).filter((x: string) => x !== 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV');
      accepted(t, `supported flags ${flags.join(', ')}`, (s) => {
        s.linux!.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', flags, syscalls: [{ names: ['acct'], action: 'SCMP_ACT_ERRNO' }] };
      });
    },
  },
  {
    name: 'features-linux.md#memorypolicy: every memory policy mode listed is recognized',
    run(t) {
      const f = features(t);
      const modes: string[] = f.linux?.memoryPolicy?.modes ?? [];
      for (const mode of modes) {
        const nodes = ['MPOL_DEFAULT', 'MPOL_LOCAL'].includes(mode) ? undefined : '0';
        accepted(t, `memoryPolicy ${mode}`, (s) => {
          s.linux!.memoryPolicy = { mode, ...(nodes ? { nodes } : {}) };
        });
      }
    },
  },
];
