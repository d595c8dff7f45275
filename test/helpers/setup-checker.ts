// For the container-setup integration tests (test/integration/setup-*.test.ts): one state
// root per test file, bundles that are removed afterwards, and the in-container checker run
// with a list of probes, its one-line JSON parsed.
import assert from 'node:assert/strict';

import { checkerArgs, probeKeys, type Probe } from '../../conformance/checker/protocol';
import type { Spec } from '../../src/spec/types';
import { cleanup, makeBundle, makeRoot, runtime, uniqueId, type Bundle, type RunResult } from './runtime';

export interface SetupSuite {
  root: string;
  bundle(args: string[], edit?: (s: Spec) => void): Bundle;
  /** `run` of a bundle; extra CLI flags go before `-b`. */
  run(b: Bundle, flags?: string[], id?: string): RunResult;
  /** run that must exit 0; returns stdout. */
  ok(args: string[], edit?: (s: Spec) => void, flags?: string[]): string;
  /** The checker with these probes; results keyed by probeKeys order (index 0 = first probe). */
  probe(probes: Probe[], edit?: (s: Spec) => void, flags?: string[]): { results: any[]; stderr: string };
  /** The checker's `all` object for a config. */
  all(edit?: (s: Spec) => void, flags?: string[]): any;
  /** run that must fail; returns stderr. */
  fails(args: string[], edit: ((s: Spec) => void) | undefined, re: RegExp, flags?: string[]): string;
  done(): void;
}

export function setupSuite(prefix: string): SetupSuite {
  const root = makeRoot();
  const bundles: Bundle[] = [];
  const suite: SetupSuite = {
    root,
    bundle(args, edit) {
      const b = makeBundle(args, edit);
      bundles.push(b);
      return b;
    },
    run(b, flags = [], id = uniqueId(prefix)) {
      return runtime(root, ['run', ...flags, '-b', b.dir, id]);
    },
    ok(args, edit, flags) {
      const r = suite.run(suite.bundle(args, edit), flags);
      assert.equal(r.status, 0, `exit ${r.status}: ${r.stderr}${r.stdout}`);
      return r.stdout;
    },
    probe(probes, edit, flags) {
      const r = suite.run(suite.bundle(['/bin/oci-checker', ...checkerArgs(probes)], edit), flags);
      assert.equal(r.status, 0, `exit ${r.status}: ${r.stderr}${r.stdout}`);
      const out = JSON.parse(r.stdout);
      return { results: probeKeys(probes).map((k) => out[k]), stderr: r.stderr };
    },
    all(edit, flags) {
      return suite.probe([['all']], edit, flags).results[0];
    },
    fails(args, edit, re, flags) {
      const r = suite.run(suite.bundle(args, edit), flags);
      assert.notEqual(r.status, 0, `expected a failure, got: ${r.stdout}`);
      assert.match(r.stderr, re);
      return r.stderr;
    },
    done() {
      cleanup(root, bundles);
    },
  };
  return suite;
}

/** The mount at a path in the checker's mount table (the last one: what the process sees). */
export function mountAt(all: { mounts: any }, mountPoint: string): any {
  assert.ok(Array.isArray(all.mounts), `mountinfo unreadable: ${JSON.stringify(all.mounts)}`);
  const found = (all.mounts as any[]).filter((m) => m.mountPoint === mountPoint);
  assert.ok(found.length > 0, `no mount at ${mountPoint}: ${(all.mounts as any[]).map((m) => m.mountPoint).join(' ')}`);
  return found[found.length - 1];
}
