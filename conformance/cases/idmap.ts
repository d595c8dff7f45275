// config-linux.md#user-namespace-mappings and config.md#posix-platform-mounts (idmap):
// user namespaces and idmapped mounts.
import * as fs from 'fs';
import * as path from 'path';

import { checker, type Case, type Ctx } from '../lib/harness';
import { readFile } from '../lib/util';
import type { Spec } from '../../src/spec/types';

const MAP = [{ containerID: 0, hostID: 100000, size: 65536 }];

/** Adds a user namespace mapping container 0.. to host 100000.. */
function userns(s: Spec): void {
  s.linux!.namespaces!.push({ type: 'user' });
  s.linux!.uidMappings = MAP;
  s.linux!.gidMappings = MAP;
}

/** A host directory holding files owned by the given host uids (gid = uid). */
function ownedFiles(t: Ctx, owners: Record<string, number>): string {
  const dir = t.tmpdir('runtime-conformance-idmap-');
  fs.chmodSync(dir, 0o755);
  for (const [name, id] of Object.entries(owners)) {
    fs.writeFileSync(path.join(dir, name), name);
    fs.chownSync(path.join(dir, name), id, id);
  }
  return dir;
}

/** The mount point made by us: in a user namespace the runtime cannot write a host-owned rootfs. */
function mountPoint(t: Ctx, b: { rootfs: string }, p: string): void {
  fs.mkdirSync(path.join(b.rootfs, p), { recursive: true });
}

export const cases: Case[] = [
  {
    name: 'config-linux.md#user-namespace-mappings: uidMappings and gidMappings are the user namespace maps',
    run(t) {
      const out = t.check([['all']], userns);
      t.ok(out.all.namespaces.user !== t.host.ns.user, 'the container has its own user namespace');
      t.eq(out.all.uidMap, MAP, 'uid_map');
      t.eq(out.all.gidMap, MAP, 'gid_map');
      t.eq([out.all.uid, out.all.gid], [0, 0], 'the process is root in the container');
    },
  },
  {
    name: 'config-linux.md#user-namespace-mappings: the container user is the mapped host user',
    run(t) {
      const b = t.bundle(checker(['all'], ['sleep', '60']), (s) => {
        userns(s);
        s.process!.user = { uid: 1000, gid: 1000 };
      });
      const id = t.mustCreate(b);
      t.mustStart(id);
      t.need(t.waitStatus(id, 'running'), 'the container is not running');
      const pid = t.state(id).state?.pid as number;
      const status = readFile(`/proc/${pid}/status`) ?? '';
      t.ok(/^Uid:\s+101000\s+101000\s+101000\s+101000$/m.test(status), 'host view: uid 101000', { uid: /^Uid:.*$/m.exec(status)?.[0] });
      t.ok(/^Gid:\s+101000\s+101000\s+101000\s+101000$/m.test(status), 'host view: gid 101000', { gid: /^Gid:.*$/m.exec(status)?.[0] });
    },
  },
  {
    name: 'config.md#posix-platform-mounts: an idmap mount with uidMappings/gidMappings maps file owners (container in a user namespace)',
    run(t) {
      const dir = ownedFiles(t, { a: 1000, b: 1001 });
      const out = t.check([['stat', '/idm/a'], ['stat', '/idm/b']], (s) => {
        userns(s);
        // Files owned by 1000.. on disk become host 100000.., which is container 0..
        const map = [{ containerID: 1000, hostID: 100000, size: 10 }];
        s.mounts!.push({ destination: '/idm', type: 'bind', source: dir, options: ['bind', 'idmap'], uidMappings: map, gidMappings: map });
      }, { prepare: (b) => mountPoint(t, b, 'idm') });
      t.eq([out['stat /idm/a'].uid, out['stat /idm/a'].gid], [0, 0], 'a file of disk uid 1000 is owned by container 0');
      t.eq([out['stat /idm/b'].uid, out['stat /idm/b'].gid], [1, 1], 'a file of disk uid 1001 is owned by container 1');
    },
  },
  {
    name: 'config.md#posix-platform-mounts: an idmap mount with uidMappings/gidMappings maps file owners (no user namespace)',
    run(t) {
      const dir = ownedFiles(t, { a: 1000 });
      const out = t.check([['stat', '/idm/a']], (s) => {
        const map = [{ containerID: 1000, hostID: 5000, size: 10 }];
        s.mounts!.push({ destination: '/idm', type: 'bind', source: dir, options: ['bind', 'idmap'], uidMappings: map, gidMappings: map });
      });
      t.eq([out['stat /idm/a'].uid, out['stat /idm/a'].gid], [5000, 5000], 'a file of disk uid 1000 is owned by 5000');
    },
  },
  {
    name: 'config.md#posix-platform-mounts: an idmap mount without mappings uses the user namespace maps (or is refused)',
    run(t) {
      const dir = ownedFiles(t, { root: 0, seven: 7 });
      const b = t.bundle(checker(['stat', '/idm/root'], ['stat', '/idm/seven']), (s) => {
        userns(s);
        s.mounts!.push({ destination: '/idm', type: 'bind', source: dir, options: ['bind', 'idmap'] });
      });
      mountPoint(t, b, 'idm');
      const r = t.run(b);
      if (r.inv.status !== 0) {
        t.note(`refused: ${r.inv.stderr.trim().slice(-200)}`);
        return;
      }
      t.eq(r.out?.['stat /idm/root']?.uid, 0, 'a file of host root is owned by container root');
      t.eq(r.out?.['stat /idm/seven']?.uid, 7, 'a file of host uid 7 is owned by container 7 (without idmap: nobody)');
    },
  },
  {
    name: 'config.md#posix-platform-mounts: an idmap mount without mappings and without a user namespace is an error',
    run(t) {
      const dir = ownedFiles(t, { a: 1000 });
      const b = t.bundle(checker(['all']), (s) => {
        s.mounts!.push({ destination: '/idm', type: 'bind', source: dir, options: ['bind', 'idmap'] });
      });
      t.expectRefused(b, 'idmap with nothing to map by');
    },
  },
];
