// config-linux.md#control-groups: cgroupsPath and linux.resources as the container's own
// cgroup files show them (the checker's `cgroup` probe reads them through /sys/fs/cgroup).
import * as fs from 'fs';

import { checker, type Case, type CheckerOutput, type Ctx, type Env } from '../lib/harness';
import { lacksController } from '../lib/host';
import { procCgroups, uniqueCgroupPath } from '../lib/util';
import type { Spec } from '../../src/spec/types';

type Resources = NonNullable<NonNullable<Spec['linux']>['resources']>;

/** Runs the checker reading `files` with `resources` applied (devices rule kept). */
function withResources(t: Ctx, resources: Resources, files: string[]): CheckerOutput {
  return t.check(
    files.map((f) => ['cgroup', f] as [string, string]),
    (s) => {
      s.linux!.resources = { ...s.linux!.resources, ...resources };
    },
  );
}

function content(out: CheckerOutput, file: string): string | null {
  const r = out[`cgroup ${file}`];
  return r?.ok ? String(r.content).trim() : null;
}

const v1Only = (env: Env) => (env.host.cgroupMode === 'v2' ? 'this host runs cgroup v2 (the case checks v1 files)' : false);
const needs = (...controllers: string[]) => (env: Env) => v1Only(env) || controllers.map((c) => lacksController(env.host, c)).find(Boolean) || false;

function rdmaDevice(): string | undefined {
  try {
    return fs.readdirSync('/sys/class/infiniband')[0];
  } catch {
    return undefined;
  }
}

export const cases: Case[] = [
  {
    name: 'config-linux.md#cgroups-path: an absolute cgroupsPath is taken below each hierarchy mount point',
    run(t) {
      const cg = uniqueCgroupPath(t, 'absolute');
      const b = t.bundle(checker(['all']), (s) => {
        s.linux!.cgroupsPath = cg;
      });
      const id = t.mustCreate(b);
      const pid = t.need(t.state(id).state?.pid as number, 'no pid');
      const seen = procCgroups(pid);
      for (const [controllers, p] of seen) {
        if (controllers === '' && t.host.cgroupMode === 'hybrid') continue;
        t.eq(p, cg, `hierarchy "${controllers || 'unified'}"`);
      }
      for (const [name, mount] of t.host.cgroupMounts) {
        if (name === 'unified' && t.host.cgroupMode === 'hybrid') continue;
        t.ok(fs.existsSync(`${mount}${cg}`), `${mount}${cg} exists`);
      }
    },
  },
  {
    name: 'config-linux.md#control-groups: the container process is in its cgroup (cgroup.procs lists it)',
    run(t) {
      const out = t.check([['cgroup', 'cgroup.procs', t.host.cgroupMode === 'v2' ? 'unified' : 'pids']]);
      const key = Object.keys(out).find((k) => k.startsWith('cgroup '))!;
      t.eq(out[key].ok ? String(out[key].content).trim().split('\n') : out[key], ['1'], 'cgroup.procs inside the container');
    },
  },
  {
    name: 'config-linux.md#memory: limit, reservation, swap, swappiness and disableOOMKiller reach the memory cgroup',
    skip: needs('memory'),
    run(t) {
      const files = ['memory.limit_in_bytes', 'memory.soft_limit_in_bytes', 'memory.swappiness', 'memory.oom_control'];
      const swap = fs.existsSync(`${t.host.cgroupMounts.get('memory')}/memory.memsw.limit_in_bytes`);
      if (swap) files.push('memory.memsw.limit_in_bytes');
      else t.note('no swap accounting (memory.memsw.*) on this host: swap not checked');
      const out = withResources(t, { memory: { limit: 64 << 20, reservation: 32 << 20, ...(swap ? { swap: 128 << 20 } : {}), swappiness: 10, disableOOMKiller: true } }, files);
      t.eq(content(out, 'memory.limit_in_bytes'), String(64 << 20), 'memory.limit_in_bytes');
      t.eq(content(out, 'memory.soft_limit_in_bytes'), String(32 << 20), 'memory.soft_limit_in_bytes');
      if (swap) t.eq(content(out, 'memory.memsw.limit_in_bytes'), String(128 << 20), 'memory.memsw.limit_in_bytes');
      t.eq(content(out, 'memory.swappiness'), '10', 'memory.swappiness');
      t.ok(/oom_kill_disable 1/.test(content(out, 'memory.oom_control') ?? ''), 'memory.oom_control: oom_kill_disable 1', { content: content(out, 'memory.oom_control') });
    },
  },
  {
    name: 'config-linux.md#cpu: shares, quota, period and burst reach the cpu cgroup',
    skip: needs('cpu'),
    run(t) {
      const out = withResources(t, { cpu: { shares: 512, quota: 50000, period: 100000, burst: 10000 } }, ['cpu.shares', 'cpu.cfs_quota_us', 'cpu.cfs_period_us', 'cpu.cfs_burst_us']);
      t.eq(content(out, 'cpu.shares'), '512', 'cpu.shares');
      t.eq(content(out, 'cpu.cfs_quota_us'), '50000', 'cpu.cfs_quota_us');
      t.eq(content(out, 'cpu.cfs_period_us'), '100000', 'cpu.cfs_period_us');
      t.eq(content(out, 'cpu.cfs_burst_us'), '10000', 'cpu.cfs_burst_us');
    },
  },
  {
    name: 'config-linux.md#cpu: idle reaches the cpu cgroup',
    skip: needs('cpu'),
    run(t) {
      const out = withResources(t, { cpu: { idle: 1 } }, ['cpu.idle']);
      t.eq(content(out, 'cpu.idle'), '1', 'cpu.idle');
    },
  },
  {
    name: 'config-linux.md#cpu: realtimeRuntime and realtimePeriod are applied (or refused), never ignored',
    skip: (env) => needs('cpu')(env) || (fs.existsSync(`${env.host.cgroupMounts.get('cpu')}/cpu.rt_runtime_us`) ? false : 'no RT group scheduling (cpu.rt_runtime_us) on this host'),
    run(t) {
      const b = t.bundle(checker(['cgroup', 'cpu.rt_runtime_us'], ['cgroup', 'cpu.rt_period_us']), (s) => {
        s.linux!.resources = { ...s.linux!.resources, cpu: { realtimeRuntime: 10000, realtimePeriod: 1000000 } };
      });
      const r = t.run(b);
      if (r.inv.status !== 0) {
        t.note(`refused: ${r.inv.stderr.trim().slice(-200)}`);
        return;
      }
      t.eq(r.out ? content(r.out, 'cpu.rt_runtime_us') : null, '10000', 'cpu.rt_runtime_us');
      t.eq(r.out ? content(r.out, 'cpu.rt_period_us') : null, '1000000', 'cpu.rt_period_us');
    },
  },
  {
    name: 'config-linux.md#cpu: cpus and mems reach the cpuset cgroup',
    skip: needs('cpuset'),
    run(t) {
      const out = withResources(t, { cpu: { cpus: '0', mems: '0' } }, ['cpuset.cpus', 'cpuset.mems']);
      t.eq(content(out, 'cpuset.cpus'), '0', 'cpuset.cpus');
      t.eq(content(out, 'cpuset.mems'), '0', 'cpuset.mems');
    },
  },
  {
    name: 'config-linux.md#pids: limit reaches pids.max (-1 is max)',
    skip: needs('pids'),
    run(t) {
      const out = withResources(t, { pids: { limit: 42 } }, ['pids.max']);
      t.eq(content(out, 'pids.max'), '42', 'limit 42');
      const unlimited = withResources(t, { pids: { limit: -1 } }, ['pids.max']);
      t.eq(content(unlimited, 'pids.max'), 'max', 'limit -1');
    },
  },
  {
    name: 'config-linux.md#pids: a limit of 0 is a valid limit (SHOULD)',
    skip: needs('pids'),
    run(t) {
      const out = withResources(t, { pids: { limit: 0 } }, ['pids.max']);
      t.eq(content(out, 'pids.max'), '0', 'limit 0');
    },
  },
  {
    name: 'config-linux.md#block-io: throttle rates per device reach the blkio cgroup',
    skip: needs('blkio'),
    run(t) {
      const { major, minor } = t.host.tmpDev;
      const out = withResources(
        t,
        {
          blockIO: {
            throttleReadBpsDevice: [{ major, minor, rate: 1048576 }],
            throttleWriteBpsDevice: [{ major, minor, rate: 2097152 }],
            throttleReadIOPSDevice: [{ major, minor, rate: 300 }],
            throttleWriteIOPSDevice: [{ major, minor, rate: 200 }],
          },
        },
        ['blkio.throttle.read_bps_device', 'blkio.throttle.write_bps_device', 'blkio.throttle.read_iops_device', 'blkio.throttle.write_iops_device'],
      );
      t.eq(content(out, 'blkio.throttle.read_bps_device'), `${major}:${minor} 1048576`, 'read bps');
      t.eq(content(out, 'blkio.throttle.write_bps_device'), `${major}:${minor} 2097152`, 'write bps');
      t.eq(content(out, 'blkio.throttle.read_iops_device'), `${major}:${minor} 300`, 'read iops');
      t.eq(content(out, 'blkio.throttle.write_iops_device'), `${major}:${minor} 200`, 'write iops');
    },
  },
  {
    name: 'config-linux.md#block-io: weight is applied (or refused where the kernel has no weight file), never ignored',
    skip: needs('blkio'),
    run(t) {
      const b = t.bundle(checker(['cgroup', 'blkio.weight'], ['cgroup', 'blkio.bfq.weight']), (s) => {
        s.linux!.resources = { ...s.linux!.resources, blockIO: { weight: 500 } };
      });
      const r = t.run(b);
      if (r.inv.status !== 0) {
        t.note(`refused: ${r.inv.stderr.trim().slice(-200)}`);
        return;
      }
      const w = r.out ? content(r.out, 'blkio.weight') ?? content(r.out, 'blkio.bfq.weight') : null;
      t.ok(w !== null && /(^|\s)500$/m.test(w), 'blkio.weight (or blkio.bfq.weight) is 500', { weight: w });
    },
  },
  {
    name: 'config-linux.md#huge-page-limits: hugepageLimits reach the hugetlb cgroup',
    skip: needs('hugetlb'),
    run(t) {
      const out = withResources(t, { hugepageLimits: [{ pageSize: '2MB', limit: 4 << 21 }] }, ['hugetlb.2MB.limit_in_bytes']);
      t.eq(content(out, 'hugetlb.2MB.limit_in_bytes'), String(4 << 21), 'hugetlb.2MB.limit_in_bytes');
    },
  },
  {
    name: 'config-linux.md#network: classID reaches the net_cls cgroup',
    skip: needs('net_cls'),
    run(t) {
      const out = withResources(t, { network: { classID: 0x100001 } }, ['net_cls.classid']);
      t.eq(content(out, 'net_cls.classid'), String(0x100001), 'net_cls.classid');
    },
  },
  {
    name: 'config-linux.md#network: priorities reach the net_prio cgroup',
    skip: needs('net_prio'),
    run(t) {
      const out = withResources(t, { network: { priorities: [{ name: 'lo', priority: 5 }] } }, ['net_prio.ifpriomap']);
      t.ok(/^lo 5$/m.test(content(out, 'net_prio.ifpriomap') ?? ''), 'net_prio.ifpriomap has lo 5');
    },
  },
  {
    name: 'config-linux.md#rdma: hcaHandles and hcaObjects reach the rdma cgroup',
    skip: (env) => needs('rdma')(env) || (rdmaDevice() ? false : 'no RDMA device on this host'),
    run(t) {
      const dev = rdmaDevice()!;
      const out = withResources(t, { rdma: { [dev]: { hcaHandles: 3, hcaObjects: 100 } } }, ['rdma.max']);
      t.ok(new RegExp(`^${dev} hca_handle=3 hca_object=100$`, 'm').test(content(out, 'rdma.max') ?? ''), 'rdma.max', { content: content(out, 'rdma.max') });
    },
  },
  {
    name: 'config-linux.md#unified: unified keys for controllers not on the unified hierarchy are an error',
    skip: (env) => (env.host.cgroupMode === 'v2' ? 'this host runs cgroup v2 (every controller can be enabled)' : false),
    run(t) {
      const b = t.bundle(checker(['all']), (s) => {
        s.linux!.resources = { ...s.linux!.resources, unified: { 'memory.max': '67108864' } };
      });
      t.expectRefused(b, 'unified memory.max on a v1/hybrid host');
    },
  },
  {
    name: 'config-linux.md#unified: unified keys are written to the container cgroup',
    skip: (env) => (env.host.cgroupMode !== 'v2' ? `this host runs cgroup ${env.host.cgroupMode} (unified needs cgroup v2)` : false),
    run(t) {
      const out = withResources(t, { unified: { 'pids.max': '42' } }, ['pids.max']);
      t.eq(content(out, 'pids.max'), '42', 'pids.max');
    },
  },
];
