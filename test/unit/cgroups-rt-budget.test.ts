// The real-time budget arithmetic (src/cgroups/rt-budget.ts) on an in-memory cpu tree.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { planRtBudget, rtRatio, runtimeFor, type RtTree } from '../../src/cgroups/rt-budget';

const M = '/sys/fs/cgroup/cpu';

/** dir -> [period, runtime] */
function tree(entries: Record<string, [number, number]>): RtTree {
  const at = (rel: string) => (rel ? path.join(M, rel) : M);
  const map = new Map(Object.entries(entries).map(([k, v]) => [at(k), { period: BigInt(v[0]), runtime: BigInt(v[1]) }]));
  return {
    read: (d) => map.get(d),
    children: (d) => [...map.keys()].filter((k) => path.dirname(k) === d && k !== d),
  };
}

describe('rt budget', () => {
  test('ratios as the kernel computes them', () => {
    assert.equal(rtRatio(1000000n, 950000n), (950000n << 20n) / 1000000n);
    assert.equal(rtRatio(1000000n, -1n), 1n << 20n);
    assert.equal(rtRatio(1000000n, 0n), 0n);
    const r = rtRatio(1000000n, 300000n);
    assert.equal(runtimeFor(1000000n, r), 300000n);
    assert.ok(rtRatio(700000n, runtimeFor(700000n, r)) >= r);
  });

  test('an empty intermediate cgroup gets exactly what the container needs', () => {
    const t = tree({ '': [1000000, 950000], runtime: [1000000, 0], 'runtime/c1': [1000000, 0] });
    const writes = planRtBudget(t, M, `${M}/runtime/c1`, 200000n, 1000000n);
    assert.deepEqual(writes, [{ dir: `${M}/runtime`, runtime: 200000n }]);
  });

  test('siblings keep their share: the parent grows by the new child only', () => {
    const t = tree({
      '': [1000000, 950000],
      a: [1000000, 100000],
      'a/b': [1000000, 100000],
      'a/b/other': [1000000, 100000],
      'a/b/c': [1000000, 0],
    });
    const writes = planRtBudget(t, M, `${M}/a/b/c`, 50000n, 1000000n);
    // The kernel truncates each ratio, so 149999µs already covers 100000 + 50000.
    assert.deepEqual(writes, [
      { dir: `${M}/a`, runtime: 149999n },
      { dir: `${M}/a/b`, runtime: 149999n },
    ]);
    assert.ok(rtRatio(1000000n, 149999n) >= rtRatio(1000000n, 100000n) + rtRatio(1000000n, 50000n));
  });

  test('nothing to write when the parents already have room', () => {
    const t = tree({ '': [1000000, 950000], runtime: [1000000, 500000], 'runtime/c': [1000000, 0] });
    assert.deepEqual(planRtBudget(t, M, `${M}/runtime/c`, 100000n, 1000000n), []);
  });

  test('a different period in the container is compared by ratio', () => {
    const t = tree({ '': [1000000, 950000], runtime: [1000000, 0], 'runtime/c': [500000, 0] });
    const writes = planRtBudget(t, M, `${M}/runtime/c`, 100000n, 500000n);
    assert.deepEqual(writes, [{ dir: `${M}/runtime`, runtime: 200000n }]);
  });

  test('the host budget at the mount point bounds it, naming the field', () => {
    const t = tree({ '': [1000000, 950000], other: [1000000, 900000], runtime: [1000000, 0], 'runtime/c': [1000000, 0] });
    assert.throws(
      () => planRtBudget(t, M, `${M}/runtime/c`, 100000n, 1000000n),
      /^.*linux\.resources\.cpu\.realtimeRuntime: 100000µs every 1000000µs needs 10\.0% of the real-time budget below \/sys\/fs\/cgroup\/cpu, which has 5\.0% free/,
    );
  });

  test('a kernel without RT group scheduling (no files) needs nothing', () => {
    const t: RtTree = { read: () => undefined, children: () => [] };
    assert.deepEqual(planRtBudget(t, M, `${M}/runtime/c`, 100000n, 1000000n), []);
  });
});
