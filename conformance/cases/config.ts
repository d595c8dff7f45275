// config.md#extensibility and #valid-values: what a runtime must ignore and what it must refuse.
import { checker, type Case } from '../lib/harness';
import type { Spec } from '../../src/spec/types';

export const cases: Case[] = [
  {
    name: 'config.md#extensibility: unknown properties are ignored, not errors',
    run(t) {
      const b = t.bundle(checker(['all']), (s) => {
        const loose = s as unknown as Record<string, any>;
        loose['org.example.unknownTopLevel'] = { nested: [1, 2, 3] };
        loose.process.unknownProcessField = true;
        loose.linux.unknownLinuxField = 'x';
        loose.mounts[0].unknownMountField = 42;
        loose.root.unknownRootField = null;
      });
      const r = t.run(b);
      t.eq(r.inv.status, 0, 'run succeeds', { stderr: r.inv.stderr.slice(-300) });
      t.ok(r.out?.all, 'the program ran');
    },
  },
  {
    name: 'config.md#valid-values: an unsupported value is an error (rootfsPropagation "sideways")',
    run(t) {
      const b = t.bundle(checker(['all']), (s) => {
        s.linux!.rootfsPropagation = 'sideways';
      });
      t.expectRefused(b, 'rootfsPropagation sideways');
    },
  },
  {
    name: 'config.md#valid-values: an unsupported value is an error (namespace type "bogus")',
    run(t) {
      const b = t.bundle(checker(['all']), (s) => {
        s.linux!.namespaces!.push({ type: 'bogus' as never });
      });
      t.expectRefused(b, 'namespace type bogus');
    },
  },
  {
    name: 'config.md#valid-values: an unsupported value is an error (personality domain "LINUX64K")',
    run(t) {
      const b = t.bundle(checker(['all']), (s) => {
        s.linux!.personality = { domain: 'LINUX64K' };
      });
      t.expectRefused(b, 'personality domain LINUX64K');
    },
  },
];

/** A config the spec forbids, which the runtime must therefore refuse. */
function invalid(name: string, what: string, edit: (s: Spec) => void): Case {
  return {
    name: `${name}: ${what} is an error`,
    run(t) {
      t.expectRefused(t.bundle(checker(['all']), edit), what);
    },
  };
}

export const invalidValues: Case[] = [
  invalid('config.md#specification-version', 'an ociVersion that is not SemVer', (s) => {
    s.ociVersion = 'one-point-oh';
  }),
  invalid('config.md#annotations', 'an empty annotation key', (s) => {
    s.annotations = { '': 'value' };
  }),
  invalid('config.md#process', 'a relative process.cwd', (s) => {
    s.process!.cwd = 'tmp';
  }),
  invalid('config.md#posix-platform-hooks', 'a relative hook path', (s) => {
    s.hooks = { createRuntime: [{ path: 'bin/true' }] };
  }),
  invalid('config.md#posix-platform-hooks', 'a hook timeout of 0', (s) => {
    s.hooks = { createRuntime: [{ path: '/bin/true', timeout: 0 }] };
  }),
  invalid('config-linux.md#namespaces', 'a relative namespace path', (s) => {
    s.linux!.namespaces = s.linux!.namespaces!.map((n) => (n.type === 'ipc' ? { type: 'ipc', path: `proc/${process.pid}/ns/ipc` } : n));
  }),
  invalid('config-linux.md#masked-paths', 'a relative masked path', (s) => {
    s.linux!.maskedPaths = ['proc/kcore'];
  }),
  invalid('config-linux.md#readonly-paths', 'a relative readonly path', (s) => {
    s.linux!.readonlyPaths = ['proc/sys'];
  }),
  invalid('config-linux.md#seccomp', 'listenerMetadata without listenerPath', (s) => {
    s.linux!.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', listenerMetadata: 'x' };
  }),
  invalid('config-linux.md#seccomp', 'a syscalls entry with no names', (s) => {
    s.linux!.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: [], action: 'SCMP_ACT_ERRNO' }] };
  }),
  invalid('config.md#posix-platform-mounts', 'uidMappings on a mount without gidMappings', (s) => {
    s.mounts!.push({ destination: '/idm', type: 'bind', source: '/tmp', options: ['bind', 'idmap'], uidMappings: [{ containerID: 0, hostID: 1000, size: 1 }] });
  }),
];
