// Container setup seen from inside: hostname and domainname, pid 1, namespaces new or joined
// by path (compared by inode with the host's and another container's), and linux.sysctl
// values inside new network and ipc namespaces.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';

import type { NamespaceType } from '../../src/spec/types';
import { setupSuite } from '../helpers/setup-checker';
import { integrationSkip, runtime, uniqueId } from '../helpers/runtime';

const skip = integrationSkip();
const s = skip ? undefined! : setupSuite('ns');
const netns = `rt-setup-${process.pid}`;
after(() => {
  if (skip) return;
  s.done();
  spawnSync('ip', ['netns', 'del', netns]);
});

const PROC_NAME: Record<NamespaceType, string> = {
  pid: 'pid',
  network: 'net',
  ipc: 'ipc',
  uts: 'uts',
  mount: 'mnt',
  cgroup: 'cgroup',
  user: 'user',
  time: 'time',
};

function inode(path: string): number {
  return fs.statSync(path).ino;
}

function hostSysctl(name: string): string {
  return fs.readFileSync(`/proc/sys/${name.replace(/\./g, '/')}`, 'utf8').trim();
}

/** A detached container that sleeps; returns its host pid. */
function sleeper(edit?: Parameters<typeof s.bundle>[1]): { id: string; pid: number } {
  const id = uniqueId('ns-target');
  const b = s.bundle(['sleep', '60'], edit);
  const r = runtime(s.root, ['run', '-d', '-b', b.dir, id]);
  assert.equal(r.status, 0, r.stderr);
  const st = JSON.parse(runtime(s.root, ['state', id]).stdout);
  return { id, pid: st.pid };
}

describe('hostname and domainname', { skip }, () => {
  test('both are set in the new uts namespace and the host keeps its own', () => {
    const before = os.hostname();
    const all = s.all((c) => {
      c.hostname = 'box-1.inner';
      c.domainname = 'example.test';
    });
    assert.equal(all.hostname, 'box-1.inner');
    assert.equal(all.domainname, 'example.test');
    assert.equal(os.hostname(), before);
    assert.equal(s.ok(['hostname'], (c) => (c.hostname = 'box-1.inner')), 'box-1.inner\n');
  });

  test('without hostname the new uts namespace starts as a copy of the host\'s', () => {
    const all = s.all((c) => {
      delete c.hostname;
    });
    assert.equal(all.hostname, os.hostname());
  });

  test('a hostname without a uts namespace is refused before anything runs', () => {
    s.fails(['true'], (c) => {
      c.linux!.namespaces = c.linux!.namespaces!.filter((n) => n.type !== 'uts');
    }, /hostname.*uts/);
  });
});

describe('pid namespace', { skip }, () => {
  test('the process is pid 1 with no parent in its namespace', () => {
    const all = s.all();
    assert.equal(all.pid, 1);
    assert.equal(all.ppid, 0);
    assert.equal(s.ok(['sh', '-c', 'echo $$; read c </proc/1/comm; echo $c']), '1\nsh\n');
  });

  test('without a pid namespace the process sees the host\'s pids', () => {
    const all = s.all((c) => {
      c.linux!.namespaces = c.linux!.namespaces!.filter((n) => n.type !== 'pid');
    });
    assert.notEqual(all.pid, 1);
    assert.equal(all.namespaces.pid, inode('/proc/self/ns/pid'));
  });
});

describe('namespaces: new or shared with the host', { skip }, () => {
  test('each listed type is new, each unlisted type is the host\'s', () => {
    const all = s.all();
    const listed = new Set(['pid', 'network', 'ipc', 'uts', 'mount', 'cgroup']);
    for (const [type, name] of Object.entries(PROC_NAME)) {
      const host = fs.existsSync(`/proc/self/ns/${name}`) ? inode(`/proc/self/ns/${name}`) : null;
      if (host === null) continue;
      if (listed.has(type)) assert.notEqual(all.namespaces[name], host, `${type} should be new`);
      else assert.equal(all.namespaces[name], host, `${type} should be the host's`);
    }
    assert.equal(all.namespaces.pid_for_children, all.namespaces.pid);
  });

  test('a new network namespace has only lo, in /sys and in /proc; a new cgroup namespace roots every cgroup at /', () => {
    const { results } = s.probe([['all'], ['ls', '/sys/class/net'], ['read', '/proc/net/dev']]);
    assert.deepEqual(results[1].entries, ['lo']);
    const ifaces = results[2].content.split('\n').slice(2).filter(Boolean).map((l: string) => l.split(':')[0].trim());
    assert.deepEqual(ifaces, ['lo']);
    for (const cg of results[0].cgroups) assert.equal(cg.path, '/', JSON.stringify(cg));
  });

  test('two running containers never share a new namespace', () => {
    // Inode numbers of freed namespaces are reused, so the first must still be alive.
    const a = sleeper();
    try {
      const b = s.all();
      for (const name of ['pid', 'net', 'ipc', 'uts', 'mnt', 'cgroup']) assert.notEqual(b.namespaces[name], inode(`/proc/${a.pid}/ns/${name}`), name);
    } finally {
      runtime(s.root, ['delete', '-f', a.id]);
    }
  });
});

describe('namespaces joined by path', { skip }, () => {
  test('a network namespace made with ip netns add', () => {
    const r = spawnSync('ip', ['netns', 'add', netns], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const path = `/run/netns/${netns}`;
    const all = s.all((c) => {
      c.linux!.namespaces = c.linux!.namespaces!.map((n) => (n.type === 'network' ? { type: 'network', path } : n));
    });
    assert.equal(all.namespaces.net, inode(path));
    assert.notEqual(all.namespaces.net, inode('/proc/self/ns/net'));
    // A sysctl in the joined namespace lands there, not on the host.
    const host = hostSysctl('net.ipv4.ip_local_port_range');
    const out = s.ok(['cat', '/proc/sys/net/ipv4/ip_local_port_range'], (c) => {
      c.linux!.namespaces = c.linux!.namespaces!.map((n) => (n.type === 'network' ? { type: 'network', path } : n));
      c.linux!.sysctl = { 'net.ipv4.ip_local_port_range': '40000\t50000' };
    });
    assert.equal(out.trim(), '40000\t50000');
    const seen = spawnSync('ip', ['netns', 'exec', netns, 'cat', '/proc/sys/net/ipv4/ip_local_port_range'], { encoding: 'utf8' });
    assert.equal(seen.stdout.trim(), '40000\t50000');
    assert.equal(hostSysctl('net.ipv4.ip_local_port_range'), host);
  });

  test('another container\'s net, ipc, uts and pid namespaces through /proc/PID/ns', () => {
    const target = sleeper((c) => {
      c.hostname = 'the-target';
    });
    try {
      const all = s.all((c) => {
        delete c.hostname;
        c.linux!.namespaces = c.linux!.namespaces!.map((n) =>
          ['network', 'ipc', 'uts', 'pid'].includes(n.type) ? { type: n.type, path: `/proc/${target.pid}/ns/${PROC_NAME[n.type]}` } : n,
        );
      });
      for (const name of ['net', 'ipc', 'uts', 'pid']) assert.equal(all.namespaces[name], inode(`/proc/${target.pid}/ns/${name}`), name);
      // New ones stay new.
      assert.notEqual(all.namespaces.mnt, inode(`/proc/${target.pid}/ns/mnt`));
      assert.equal(all.hostname, 'the-target');
      // The target's sleep is pid 1 there; the joiner is another pid in the same namespace.
      assert.notEqual(all.pid, 1);
    } finally {
      runtime(s.root, ['delete', '-f', target.id]);
    }
  });

  test('a path to a namespace of another type is an error naming the entry', () => {
    s.fails(['true'], (c) => {
      c.linux!.namespaces = c.linux!.namespaces!.map((n) => (n.type === 'network' ? { type: 'network', path: '/proc/self/ns/ipc' } : n));
    }, /linux\.namespaces\[\d\]/);
  });

  test('a path that does not exist is an error naming the entry', () => {
    s.fails(['true'], (c) => {
      c.linux!.namespaces = c.linux!.namespaces!.map((n) => (n.type === 'ipc' ? { type: 'ipc', path: '/run/netns/no-such-ns' } : n));
    }, /linux\.namespaces\[\d\]\.path/);
  });
});

describe('linux.sysctl', { skip }, () => {
  test('net.ipv4.ip_forward in a new network namespace; the host keeps its value', () => {
    const host = hostSysctl('net.ipv4.ip_forward');
    const want = host === '1' ? '0' : '1';
    const [v] = s.probe([['sysctl', 'net.ipv4.ip_forward']], (c) => {
      c.linux!.sysctl = { 'net.ipv4.ip_forward': want };
    }).results;
    assert.equal(v.value, want);
    assert.equal(hostSysctl('net.ipv4.ip_forward'), host);
  });

  test('kernel.shm_rmid_forced and kernel.msgmax in a new ipc namespace; the host keeps its values', () => {
    const host = [hostSysctl('kernel.shm_rmid_forced'), hostSysctl('kernel.msgmax')];
    const [a, b] = s.probe([['sysctl', 'kernel.shm_rmid_forced'], ['sysctl', 'kernel.msgmax']], (c) => {
      c.linux!.sysctl = { 'kernel.shm_rmid_forced': host[0] === '1' ? '0' : '1', 'kernel.msgmax': '12345' };
    }).results;
    assert.equal(a.value, host[0] === '1' ? '0' : '1');
    assert.equal(b.value, '12345');
    assert.deepEqual([hostSysctl('kernel.shm_rmid_forced'), hostSysctl('kernel.msgmax')], host);
  });

  test('a name with slashes is the same key (net/ipv4/conf/all/forwarding)', () => {
    const [v] = s.probe([['sysctl', 'net.ipv4.conf.all.forwarding']], (c) => {
      c.linux!.sysctl = { 'net/ipv4/conf/all/forwarding': '1' };
    }).results;
    assert.equal(v.value, '1');
  });

  test('/proc/sys stays read-only for the process after the runtime wrote it', () => {
    const [w] = s.probe([['write', '/proc/sys/net/ipv4/ip_forward', '1']], (c) => {
      c.linux!.sysctl = { 'net.ipv4.ip_forward': '1' };
    }).results;
    assert.equal(w.ok, false);
    assert.equal(w.error, 'Read-only file system');
  });

  test('a net sysctl without a network namespace is refused and the host keeps its value', () => {
    const host = hostSysctl('net.ipv4.ip_forward');
    s.fails(['true'], (c) => {
      c.linux!.namespaces = c.linux!.namespaces!.filter((n) => n.type !== 'network');
      c.linux!.sysctl = { 'net.ipv4.ip_forward': host === '1' ? '0' : '1' };
    }, /linux\.sysctl\.net\.ipv4\.ip_forward: needs a network namespace/);
    assert.equal(hostSysctl('net.ipv4.ip_forward'), host);
  });

  test('an ipc sysctl without an ipc namespace is refused and the host keeps its value', () => {
    const host = hostSysctl('kernel.msgmax');
    s.fails(['true'], (c) => {
      c.linux!.namespaces = c.linux!.namespaces!.filter((n) => n.type !== 'ipc');
      c.linux!.sysctl = { 'kernel.msgmax': '4242' };
    }, /linux\.sysctl\.kernel\.msgmax: needs a ipc namespace/);
    assert.equal(hostSysctl('kernel.msgmax'), host);
  });

  test('a sysctl no namespace holds (vm.swappiness) is refused: it would change the host', () => {
    const host = hostSysctl('vm.swappiness');
    s.fails(['true'], (c) => {
      c.linux!.sysctl = { 'vm.swappiness': host === '10' ? '11' : '10' };
    }, /linux\.sysctl\.vm\.swappiness: not a namespaced sysctl/);
    assert.equal(hostSysctl('vm.swappiness'), host);
  });

  test('kernel.domainname through sysctl in a new uts namespace', () => {
    assert.equal(s.all((c) => (c.linux!.sysctl = { 'kernel.domainname': 'via-sysctl' })).domainname, 'via-sysctl');
  });

  test('an unknown sysctl is an error naming the key', () => {
    s.fails(['true'], (c) => {
      c.linux!.sysctl = { 'net.ipv4.no_such_knob': '1' };
    }, /linux\.sysctl\.net\.ipv4\.no_such_knob/);
  });

  test('a value the kernel refuses is an error naming the key', () => {
    s.fails(['true'], (c) => {
      c.linux!.sysctl = { 'net.ipv4.ip_forward': 'yes' };
    }, /linux\.sysctl\.net\.ipv4\.ip_forward.*Invalid argument/);
  });
});
