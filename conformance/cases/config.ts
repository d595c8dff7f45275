// config.md#extensibility and #valid-values: what a runtime must ignore and what it must refuse.
import { checker, type Case } from '../lib/harness';

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
