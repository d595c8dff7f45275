// The remaining process and linux fields, observed from inside real containers:
// personality, scheduler, ioPriority, memoryPolicy, timeOffsets, netDevices,
// execCPUAffinity, and the errors for what this host cannot do (LSMs, intelRdt).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';

import type { Spec } from '../../src/spec/types';
import { cleanup, integrationSkip, makeBundle, makeRoot, runtime, uniqueId, type Bundle } from '../helpers/runtime';

const skip = integrationSkip();
const root = skip ? '' : makeRoot();
const bundles: Bundle[] = [];
const links: string[] = [];
after(() => {
  if (!skip) cleanup(root, bundles);
  for (const l of links) spawnSync('ip', ['link', 'del', l]);
});

function bundle(args: string[], edit: (s: Spec) => void): Bundle {
  const b = makeBundle(args, edit);
  bundles.push(b);
  return b;
}

function run(b: Bundle, id = uniqueId('pf')) {
  return runtime(root, ['run', '-b', b.dir, id]);
}

function ok(b: Bundle): string {
  const r = run(b);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

function checkerAll(edit: (s: Spec) => void): Record<string, any> {
  return JSON.parse(ok(bundle(['/bin/oci-checker', 'all'], edit))).all;
}

function fails(b: Bundle, re: RegExp): string {
  const r = run(b);
  assert.notEqual(r.status, 0, r.stdout);
  assert.match(r.stderr, re);
  return r.stderr;
}

describe('linux.personality', { skip }, () => {
  test('LINUX32 makes uname report a 32-bit machine', { skip: os.arch() !== 'x64' && 'x86_64 only' }, () => {
    const b = bundle(['uname', '-m'], (s) => {
      s.linux!.personality = { domain: 'LINUX32' };
    });
    assert.equal(ok(b), 'i686\n');
    const all = checkerAll((s) => {
      s.linux!.personality = { domain: 'LINUX32' };
    });
    assert.equal(all.personality.domain, 'LINUX32');
  });

  test('LINUX keeps the native machine', () => {
    const b = bundle(['uname', '-m'], (s) => {
      s.linux!.personality = { domain: 'LINUX' };
    });
    assert.equal(ok(b), `${spawnSync('uname', ['-m'], { encoding: 'utf8' }).stdout}`);
  });

  test('an unknown domain is an error naming the field', () => {
    fails(
      bundle(['true'], (s) => {
        s.linux!.personality = { domain: 'SVR4' };
      }),
      /linux\.personality\.domain/,
    );
  });
});

describe('process.scheduler', { skip }, () => {
  test('SCHED_BATCH with a nice value', () => {
    const all = checkerAll((s) => {
      s.process!.scheduler = { policy: 'SCHED_BATCH', nice: 7 };
    });
    assert.equal(all.scheduler.policy, 'SCHED_BATCH');
    assert.equal(all.scheduler.nice, 7);
  });

  test('SCHED_IDLE', () => {
    assert.equal(checkerAll((s) => (s.process!.scheduler = { policy: 'SCHED_IDLE' })).scheduler.policy, 'SCHED_IDLE');
  });

  test('SCHED_RR with a priority and RESET_ON_FORK, given a real-time budget in the cpu cgroup', () => {
    // RT group scheduling: a new cpu cgroup gets cpu.rt_runtime_us 0, so the container asks
    // for a budget. A top-level cgroup takes it from the root's; under the default
    // /runtime/<id> the intermediate cgroup would have none to give.
    const id = uniqueId('rr');
    const b = bundle(['/bin/oci-checker', 'all'], (s) => {
      s.process!.scheduler = { policy: 'SCHED_RR', priority: 12, flags: ['SCHED_FLAG_RESET_ON_FORK'] };
      s.linux!.cgroupsPath = `/${id}`;
      s.linux!.resources = { ...s.linux!.resources, cpu: { realtimeRuntime: 20000, realtimePeriod: 1000000 } };
    });
    const r = run(b, id);
    assert.equal(r.status, 0, r.stderr);
    const all = JSON.parse(r.stdout).all;
    assert.equal(all.scheduler.policy, 'SCHED_RR');
    assert.equal(all.scheduler.priority, 12);
    assert.equal(all.scheduler.resetOnFork, true);
  });

  test('SCHED_FIFO without a real-time budget fails naming the field and the remedy', () => {
    fails(
      bundle(['true'], (s) => {
        s.process!.scheduler = { policy: 'SCHED_FIFO', priority: 5 };
      }),
      /process\.scheduler: sched_setattr.*realtimeRuntime.*Operation not permitted/,
    );
  });

  test('SCHED_DEADLINE takes runtime, deadline and period', () => {
    // A deadline task may not fork, so the checker is the container's only process.
    const r = run(
      bundle(['/bin/oci-checker', 'all'], (s) => {
        s.process!.scheduler = { policy: 'SCHED_DEADLINE', runtime: 2000000, deadline: 10000000, period: 20000000 };
      }),
    );
    if (r.status !== 0) {
      // The kernel refuses deadline tasks in some cpuset/RT group setups; the error must say where.
      assert.match(r.stderr, /process\.scheduler: sched_setattr/);
      return;
    }
    const all = JSON.parse(r.stdout).all;
    assert.equal(all.scheduler.policy, 'SCHED_DEADLINE');
    assert.equal(all.scheduler.runtime, 2000000);
    assert.equal(all.scheduler.deadline, 10000000);
    assert.equal(all.scheduler.period, 20000000);
  });

  test('a priority with a non-real-time policy is refused', () => {
    fails(
      bundle(['true'], (s) => {
        s.process!.scheduler = { policy: 'SCHED_OTHER', priority: 3 };
      }),
      /process\.scheduler\.priority/,
    );
  });
});

describe('process.ioPriority', { skip }, () => {
  for (const [cls, prio] of [
    ['IOPRIO_CLASS_IDLE', 4],
    ['IOPRIO_CLASS_BE', 2],
    ['IOPRIO_CLASS_RT', 0],
  ] as const) {
    test(`${cls} ${prio}`, () => {
      const all = checkerAll((s) => {
        s.process!.ioPriority = { class: cls, priority: prio };
      });
      assert.equal(all.ioPriority.class, cls);
      assert.equal(all.ioPriority.priority, prio);
    });
  }

  test('an unknown class names the field', () => {
    fails(bundle(['true'], (s) => (s.process!.ioPriority = { class: 'IOPRIO_CLASS_NONE', priority: 0 })), /process\.ioPriority\.class/);
  });
});

describe('linux.memoryPolicy', { skip }, () => {
  for (const [mode, nodes, flags, shown] of [
    ['MPOL_INTERLEAVE', '0', undefined, 'interleave:0'],
    ['MPOL_BIND', '0', undefined, 'bind:0'],
    ['MPOL_PREFERRED', '0', ['MPOL_F_STATIC_NODES'], 'prefer=static:0'],
    ['MPOL_LOCAL', undefined, undefined, 'local'],
  ] as const) {
    test(`${mode} shows in /proc/self/numa_maps as ${shown}`, () => {
      const out = ok(
        bundle(['head', '-n1', '/proc/self/numa_maps'], (s) => {
          s.linux!.memoryPolicy = { mode, nodes, flags: flags ? [...flags] : undefined };
        }),
      );
      assert.ok(out.split(' ').includes(shown), out);
    });
  }

  test('a node the host does not have is an error naming the field', () => {
    fails(bundle(['true'], (s) => (s.linux!.memoryPolicy = { mode: 'MPOL_BIND', nodes: '63' })), /linux\.memoryPolicy: set_mempolicy.*Invalid argument/);
  });

  test('a malformed node list names the field', () => {
    fails(bundle(['true'], (s) => (s.linux!.memoryPolicy = { mode: 'MPOL_BIND', nodes: '0-x' })), /linux\.memoryPolicy\.nodes/);
  });
});

describe('linux.timeOffsets', { skip: skip || (!fs.existsSync('/proc/self/timens_offsets') && 'no time namespaces') }, () => {
  test('the offsets show in /proc/uptime, timens_offsets and CLOCK_BOOTTIME inside', () => {
    const year = 365 * 86400;
    const all = checkerAll((s) => {
      s.linux!.namespaces!.push({ type: 'time' });
      s.linux!.timeOffsets = { boottime: { secs: year }, monotonic: { secs: 3600, nanosecs: 5 } };
    });
    assert.deepEqual(all.timensOffsets.boottime, { secs: year, nanosecs: 0 });
    assert.deepEqual(all.timensOffsets.monotonic, { secs: 3600, nanosecs: 5 });
    const hostUptime = Number(fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    // /proc/uptime reads CLOCK_BOOTTIME in the reader's time namespace.
    assert.ok(Math.abs(all.uptime - (hostUptime + year)) < 60, `inside ${all.uptime}, host ${hostUptime}`);
    const date = ok(
      bundle(['cat', '/proc/uptime'], (s) => {
        s.linux!.namespaces!.push({ type: 'time' });
        s.linux!.timeOffsets = { boottime: { secs: -Math.floor(hostUptime / 2) } };
      }),
    );
    assert.ok(Number(date.split(' ')[0]) < hostUptime, date);
  });
});

/** A host interface for a test: dummy where the kernel has it, else one end of a veth pair. */
function hostInterface(name: string): string {
  const dummy = spawnSync('ip', ['link', 'add', name, 'type', 'dummy']);
  if (dummy.status !== 0) {
    const r = spawnSync('ip', ['link', 'add', name, 'type', 'veth', 'peer', 'name', `${name}p`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    links.push(`${name}p`);
  }
  links.push(name);
  return name;
}

function gone(name: string): boolean {
  return !fs.existsSync(`/sys/class/net/${name}`);
}

describe('linux.netDevices', { skip }, () => {
  test('a host interface moves into the container renamed, with its address, up', () => {
    const dev = hostInterface(`rtnd${process.pid % 10000}a`);
    assert.equal(spawnSync('ip', ['addr', 'add', '10.213.7.1/24', 'dev', dev]).status, 0);
    const b = bundle(['sh', '-c', 'ls /sys/class/net; ip -o -4 addr show dev ctr0; ip -o link show dev ctr0'], (s) => {
      s.linux!.netDevices = { [dev]: { name: 'ctr0' } };
    });
    const out = ok(b);
    const [names, addr, link] = [out.split('\n').slice(0, 2), out, out];
    assert.deepEqual(names, ['ctr0', 'lo']);
    assert.match(addr, /inet 10\.213\.7\.1\/24/);
    assert.match(link, /<[^>]*\bUP\b[^>]*>/);
    // Deleted with its namespace: a virtual device is destroyed by the kernel, never moved back.
    for (let i = 0; i < 50 && !gone(dev); i++) spawnSync('sleep', ['0.1']);
    assert.ok(gone(dev), `${dev} is still on the host`);
  });

  test('without a name the host name is kept; a %d template takes a free number', () => {
    const a = hostInterface(`rtnd${process.pid % 10000}b`);
    const c = hostInterface(`rtnd${process.pid % 10000}c`);
    const b = bundle(['ls', '/sys/class/net'], (s) => {
      s.linux!.netDevices = { [a]: {}, [c]: { name: 'net%d' } };
    });
    assert.deepEqual(ok(b).trim().split('\n').sort(), [a, 'lo', 'net0'].sort());
  });

  test('a device missing on the host fails create before anything runs', () => {
    const b = bundle(['true'], (s) => {
      s.linux!.netDevices = { rtndmissing0: {} };
    });
    fails(b, /linux\.netDevices\.rtndmissing0: no network interface rtndmissing0 on the host/);
  });
});

/** Whether this build has the exec command (it came with another change). */
function hasExec(): boolean {
  return runtime(root, ['exec', '--help']).status === 0;
}

describe('process.execCPUAffinity', { skip: skip || (os.cpus().length < 2 && 'needs two CPUs') }, () => {
  const execSkip = skip || hasExec() ? false : 'no exec command in this build';

  test('does not apply to the container init', () => {
    const out = ok(
      bundle(['grep', 'Cpus_allowed_list', '/proc/self/status'], (s) => {
        s.process!.execCPUAffinity = { initial: '1', final: '1' };
      }),
    );
    assert.equal(out.replace(/\s+/g, ' ').trim(), `Cpus_allowed_list: 0-${os.cpus().length - 1}`);
  });

  for (const [affinity, expected] of [
    [{ initial: '1' }, '1'],
    [{ initial: '0', final: '1' }, '1'],
    [{ initial: '1', final: '0-1' }, '0-1'],
  ] as const) {
    test(`exec with ${JSON.stringify(affinity)} runs on ${expected}`, { skip: execSkip }, () => {
      const id = uniqueId('aff');
      // The container lets go of our stdout/stderr pipes, or runtime() would wait for it.
      const b = bundle(['sh', '-c', 'exec sleep 30 >/tmp/out 2>&1'], (s) => {
        s.process!.execCPUAffinity = { ...affinity };
      });
      assert.equal(runtime(root, ['run', '-d', '-b', b.dir, id]).status, 0);
      const r = runtime(root, ['exec', id, 'grep', 'Cpus_allowed_list', '/proc/self/status']);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.replace(/\s+/g, ' ').trim(), `Cpus_allowed_list: ${expected}`);
      runtime(root, ['delete', '-f', id]);
    });
  }

  test('a malformed list names the field', () => {
    fails(bundle(['true'], (s) => (s.process!.execCPUAffinity = { initial: '1-0' })), /process\.execCPUAffinity\.initial/);
  });
});

describe('what this host cannot do is an error, never a silent pretend', { skip }, () => {
  const apparmor = fs.existsSync('/sys/kernel/security/apparmor');
  const selinux = fs.existsSync('/sys/fs/selinux/enforce');

  test('process.apparmorProfile without AppArmor', { skip: apparmor && 'AppArmor is enabled here' }, () => {
    fails(bundle(['true'], (s) => (s.process!.apparmorProfile = 'docker-default')), /process\.apparmorProfile: AppArmor is not enabled/);
  });

  test('process.selinuxLabel without SELinux', { skip: selinux && 'SELinux is enabled here' }, () => {
    fails(bundle(['true'], (s) => (s.process!.selinuxLabel = 'system_u:system_r:container_t:s0')), /process\.selinuxLabel: SELinux is disabled/);
  });

  test('linux.mountLabel without SELinux runs, with a warning (as runc ignores it)', { skip: selinux && 'SELinux is enabled here' }, () => {
    const r = run(bundle(['true'], (s) => (s.linux!.mountLabel = 'system_u:object_r:container_file_t:s0')));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /linux\.mountLabel: SELinux is not enabled/);
  });

  test('linux.intelRdt without resctrl', { skip: fs.existsSync('/sys/fs/resctrl/info') && 'resctrl is mounted here' }, () => {
    fails(bundle(['true'], (s) => (s.linux!.intelRdt = { closID: 'guaranteed_group', l3CacheSchema: 'L3:0=7f' })), /linux\.intelRdt: .*resctrl/);
  });
});
