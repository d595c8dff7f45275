// Where a container's first process lands in the cgroup hierarchies, seen from the host.
// The init helper joins the container's cgroups itself before the clone (v1 `tasks` files,
// clone3 into the cgroup2 directory); under a pids limit of 1, or when the kernel refuses,
// the runtime moves the process instead. Either way it must end up in the same place.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { cleanup, integrationSkip, makeBundle, makeRoot, runtime, uniqueId, type Bundle, waitFor } from '../helpers/runtime';

const skip = integrationSkip() || (!fs.existsSync('/sys/fs/cgroup/pids/cgroup.procs') && 'needs the v1 pids hierarchy');

/** /proc/PID/cgroup as hierarchy -> path ("" is the cgroup2 line). */
function cgroupsOf(pid: number): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim().split('\n')) {
    const [, names, p] = /^\d+:([^:]*):(.*)$/.exec(line)!;
    out.set(names, p);
  }
  return out;
}

describe('cgroup join', { skip }, () => {
  let root: string;
  const bundles: Bundle[] = [];
  before(() => {
    root = makeRoot();
  });
  after(() => cleanup(root, bundles));

  const create = (edit?: Parameters<typeof makeBundle>[1], args = ['sleep', '30']): { id: string; pid: number; cgroupsPath: string } => {
    const b = makeBundle(args, edit);
    bundles.push(b);
    const id = uniqueId('cgjoin');
    const r = runtime(root, ['create', '-b', b.dir, id]);
    assert.equal(r.status, 0, r.stderr);
    const pid = JSON.parse(runtime(root, ['state', id]).stdout).pid as number;
    const cgroupsPath = JSON.parse(fs.readFileSync(path.join(root, id, 'state.json'), 'utf8')).cgroups.cgroupsPath as string;
    return { id, pid, cgroupsPath };
  };

  const assertInOwnCgroups = (pid: number, cgroupsPath: string) => {
    const mine = cgroupsOf(process.pid);
    const theirs = cgroupsOf(pid);
    assert.deepEqual([...theirs.keys()].sort(), [...mine.keys()].sort(), 'a line for every hierarchy');
    for (const [names, p] of theirs) assert.equal(p, cgroupsPath, `${names || 'cgroup2'}: ${p}`);
  };

  it('places the init in the container cgroup of every hierarchy, cgroup2 included', () => {
    const c = create();
    assertInOwnCgroups(c.pid, c.cgroupsPath);
    assert.equal(runtime(root, ['delete', '-f', c.id]).status, 0);
  });

  for (const limit of [0, 1]) {
    it(`does the same under a pids limit of ${limit}, where the runtime moves the init`, () => {
      const c = create((s) => {
        s.linux!.resources = { ...s.linux!.resources, pids: { limit } };
      }, ['true']);
      assertInOwnCgroups(c.pid, c.cgroupsPath);
      assert.equal(fs.readFileSync(`/sys/fs/cgroup/pids${c.cgroupsPath}/pids.max`, 'utf8').trim(), String(limit));
      assert.equal(runtime(root, ['start', c.id]).status, 0);
      assert.ok(waitFor(() => JSON.parse(runtime(root, ['state', c.id]).stdout).status === 'stopped'));
      assert.equal(runtime(root, ['delete', c.id]).status, 0);
    });
  }

  it('execs into a container at its pids limit, as runc does (the process is moved in)', () => {
    const c = create((s) => {
      s.linux!.resources = { ...s.linux!.resources, pids: { limit: 1 } };
    });
    try {
      assert.equal(runtime(root, ['start', c.id]).status, 0);
      const r = runtime(root, ['exec', c.id, 'cat', '/proc/self/cgroup']);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /pids:\//);
    } finally {
      runtime(root, ['delete', '-f', c.id]);
    }
  });

  it('joins another container\'s cgroup namespace and still lands in its own cgroups', () => {
    const a = create((s) => {
      if (!s.linux!.namespaces!.some((n) => n.type === 'cgroup')) s.linux!.namespaces!.push({ type: 'cgroup' });
    });
    const b = create((s) => {
      s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== 'cgroup');
      s.linux!.namespaces.push({ type: 'cgroup', path: `/proc/${a.pid}/ns/cgroup` });
    });
    try {
      assert.equal(fs.readlinkSync(`/proc/${b.pid}/ns/cgroup`), fs.readlinkSync(`/proc/${a.pid}/ns/cgroup`));
      assertInOwnCgroups(b.pid, b.cgroupsPath);
    } finally {
      runtime(root, ['delete', '-f', b.id]);
      runtime(root, ['delete', '-f', a.id]);
    }
  });
});
