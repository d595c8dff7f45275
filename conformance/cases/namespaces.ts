// config-linux.md#namespaces (new, inherited, joined by path), #offset-for-time-namespace,
// and config.md#hostname / #domainname, which live in the uts namespace.
import * as fs from 'fs';
import * as path from 'path';

import { checker, parseCheckerOutput, type Case } from '../lib/harness';
import { hostMust } from '../lib/util';
import type { NamespaceType } from '../../src/spec/types';

/** The checker's name for each config namespace type. */
const PROC_NAME: Record<NamespaceType, string> = { mount: 'mnt', network: 'net', pid: 'pid', ipc: 'ipc', uts: 'uts', cgroup: 'cgroup', user: 'user', time: 'time' };

export const cases: Case[] = [
  {
    name: 'config-linux.md#namespaces: each listed type without a path gets a new namespace',
    run(t) {
      const out = t.check([['all']]);
      for (const type of ['mount', 'network', 'pid', 'ipc', 'uts', 'cgroup'] as NamespaceType[]) {
        const name = PROC_NAME[type];
        const inside = out.all.namespaces[name];
        t.ok(inside !== null && inside !== t.host.ns[name], `${type}: the container has its own namespace`, { inside, runtime: t.host.ns[name] });
      }
    },
  },
  {
    name: 'config-linux.md#namespaces: a type missing from the list is inherited from the runtime',
    run(t) {
      const out = t.check([['all']], (s) => {
        s.linux!.namespaces = [{ type: 'mount' }];
        delete s.hostname;
      });
      for (const type of ['network', 'pid', 'ipc', 'uts', 'cgroup'] as NamespaceType[]) {
        const name = PROC_NAME[type];
        t.eq(out.all.namespaces[name], t.host.ns[name], `${type}: the runtime's namespace`);
      }
      t.ok(out.all.namespaces.mnt !== t.host.ns.mnt, 'mount: a new namespace (it is listed)');
    },
  },
  {
    name: 'config-linux.md#namespaces: a path places the container in that namespace (ip netns)',
    skip: (env) => (env.host.tools.has('ip') ? false : 'no ip(8) on this host'),
    run(t) {
      const ns = `conf-join-${process.pid}`;
      hostMust(t, `ip netns add ${ns}`);
      t.defer(`ip netns del ${ns}`, () => hostMust(t, `ip netns del ${ns}`));
      const file = `/var/run/netns/${ns}`;
      const out = t.check([['all']], (s) => {
        s.linux!.namespaces = s.linux!.namespaces!.map((n) => (n.type === 'network' ? { type: 'network', path: file } : n));
      });
      t.eq(out.all.namespaces.net, fs.statSync(file).ino, 'the container is in the named network namespace');
    },
  },
  {
    name: 'config-linux.md#namespaces: paths of another container (/proc/PID/ns/*) join its ipc, uts, network and pid namespaces',
    run(t) {
      const first = t.bundle(checker(['all'], ['sleep', '60']));
      const firstId = t.mustCreate(first);
      const pid = t.need(t.state(firstId).state?.pid as number, 'no pid for the first container');
      const joined = ['ipc', 'uts', 'network', 'pid'] as NamespaceType[];
      const out = t.check([['all']], (s) => {
        s.linux!.namespaces = s.linux!.namespaces!.map((n) => (joined.includes(n.type) ? { type: n.type, path: `/proc/${pid}/ns/${PROC_NAME[n.type]}` } : n));
        delete s.hostname;
      });
      for (const type of joined) {
        const name = PROC_NAME[type];
        t.eq(out.all.namespaces[name], fs.statSync(`/proc/${pid}/ns/${name}`).ino, `${type}: the first container's namespace`);
      }
      t.ok(out.all.pid !== 1, 'in a joined pid namespace the process is not pid 1', { pid: out.all.pid });
      t.ok(out.all.namespaces.mnt !== fs.statSync(`/proc/${pid}/ns/mnt`).ino, 'mount: its own (not joined)');
    },
  },
  {
    name: 'config-linux.md#namespaces: a path to a namespace of another type is an error',
    run(t) {
      const b = t.bundle(checker(['all']), (s) => {
        s.linux!.namespaces = s.linux!.namespaces!.map((n) => (n.type === 'network' ? { type: 'network', path: `/proc/${process.pid}/ns/ipc` } : n));
      });
      t.expectRefused(b, 'network path naming an ipc namespace');
    },
  },
  {
    name: 'config-linux.md#namespaces: a path that is not a namespace file is an error',
    run(t) {
      const file = path.join(t.tmpdir(), 'not-a-namespace');
      fs.writeFileSync(file, '');
      const b = t.bundle(checker(['all']), (s) => {
        s.linux!.namespaces = s.linux!.namespaces!.map((n) => (n.type === 'ipc' ? { type: 'ipc', path: file } : n));
      });
      t.expectRefused(b, 'ipc path naming a regular file');
    },
  },
  {
    name: 'config-linux.md#namespaces: a duplicated namespace type is an error',
    run(t) {
      const b = t.bundle(checker(['all']), (s) => {
        s.linux!.namespaces!.push({ type: 'ipc' });
      });
      t.expectRefused(b, 'ipc listed twice');
    },
  },
  {
    name: 'config-linux.md#namespaces: a new cgroup namespace shows the container cgroup as its root',
    run(t) {
      const out = t.check([['all']]);
      const cgroups = Array.isArray(out.all.cgroups) ? out.all.cgroups : [];
      t.ok(cgroups.length > 0 && cgroups.every((c) => c.path === '/'), 'every /proc/self/cgroup path is /', { cgroups });
    },
  },
  {
    name: 'config.md#hostname: hostname is the container hostname',
    run(t) {
      const out = t.check([['all']], (s) => {
        s.hostname = 'conformance-host';
      });
      t.eq(out.all.hostname, 'conformance-host', 'uname nodename');
    },
  },
  {
    name: 'config.md#domainname: domainname is the container NIS domain name',
    run(t) {
      const out = t.check([['all']], (s) => {
        s.domainname = 'conformance.example';
      });
      t.eq(out.all.domainname, 'conformance.example', 'uname domainname');
    },
  },
  {
    name: 'config-linux.md#offset-for-time-namespace: a new time namespace with timeOffsets shifts monotonic and boottime (or is refused: time is a SHOULD type)',
    skip: (env) => (env.host.timeNamespace ? false : 'no time namespaces in this kernel'),
    run(t) {
      const b = t.bundle(checker(['all']), (s) => {
        s.linux!.namespaces!.push({ type: 'time' });
        s.linux!.timeOffsets = { monotonic: { secs: 86400, nanosecs: 0 }, boottime: { secs: 172800, nanosecs: 500 } };
      });
      const r = t.run(b);
      if (r.inv.status !== 0 && !r.out) {
        t.note(`refused: ${r.inv.stderr.trim().slice(-200)}`);
        return;
      }
      const out = t.need(r.out ?? parseCheckerOutput(r.inv.stdout), `the container did not report: ${r.inv.stderr.trim().slice(-300)}`);
      t.ok(out.all?.namespaces.time !== t.host.ns.time, 'the container has its own time namespace');
      t.eq(out.all?.timensOffsets?.monotonic, { secs: 86400, nanosecs: 0 }, 'monotonic offset');
      t.eq(out.all?.timensOffsets?.boottime, { secs: 172800, nanosecs: 500 }, 'boottime offset');
      t.ok((out.all?.uptime ?? 0) >= 172800, 'uptime includes the boottime offset', { uptime: out.all?.uptime });
    },
  },
];
