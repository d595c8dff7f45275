// LinuxResources -> cgroup v1 control-file writes. Pure: no I/O, the driver decides which
// hierarchy directory each write lands in and in what final order (see v1-driver.ts).
//
// Mapping decisions (docs/cgroups.md has the table):
// - A zero that means "unset" writes nothing: memory limit/reservation/swap 0, cpu shares,
//   quota, period and rt values 0, blockIO weights 0 (Docker sends cpu.shares 0, weight 0).
// - -1 means unlimited and is written as -1 (v1 files accept it); pids -1 is "max".
// - memory.kernel / kernelTCP are written but optional: where the kernel dropped them the
//   write becomes a warning, as runc 1.2+ treats kernel memory.
// - memory.useHierarchy is optional too: recent kernels refuse non-hierarchical mode.
// - memory.checkBeforeUpdate needs no write on v1: the kernel itself refuses (EBUSY) a
//   limit below current usage.
// - devices: the list starts from deny-all, as runc's does; unless the first rule already
//   resets the whole list ("a"), a "devices.deny a" goes first.
// - unified is a cgroup v2 map and is refused on v1, as runc does.

import type { LinuxResources, ThrottleDevice } from '../spec/types';
import { CgroupError } from './errors';
import { isWholeListRule, normalizeDeviceRules, v1DeviceLine } from './device-rules';
import { RES, type CgroupWrite, type TranslatedResources } from './types';

export function v1Writes(resources: LinuxResources): CgroupWrite[] {
  return translateV1(resources).writes;
}

export function translateV1(r: LinuxResources): TranslatedResources {
  const writes: CgroupWrite[] = [];
  const add = (controller: string, file: string, value: string | number, field: string, extra: Partial<CgroupWrite> = {}) =>
    writes.push({ controller, file, value: String(value), field: `${RES}.${field}`, ...extra });

  if (r.unified && Object.keys(r.unified).length > 0) {
    throw new CgroupError(`${RES}.unified`, 'needs cgroup v2, but this host runs its controllers on cgroup v1');
  }

  // Order follows runc's subsystem order: cpuset, devices, memory, cpu, pids, blkio, hugetlb, net_cls, net_prio, rdma.
  if (r.cpu?.cpus) add('cpuset', 'cpuset.cpus', r.cpu.cpus, 'cpu.cpus');
  if (r.cpu?.mems) add('cpuset', 'cpuset.mems', r.cpu.mems, 'cpu.mems');

  const rules = normalizeDeviceRules(r.devices);
  if (rules.length > 0 && !isWholeListRule(rules[0]!)) {
    add('devices', 'devices.deny', 'a', 'devices');
  }
  rules.forEach((rule, i) =>
    add('devices', rule.allow ? 'devices.allow' : 'devices.deny', v1DeviceLine(rule), `devices[${i}]`));

  const m = r.memory;
  if (m) {
    if (m.limit) add('memory', 'memory.limit_in_bytes', m.limit, 'memory.limit');
    if (m.swap) {
      add('memory', 'memory.memsw.limit_in_bytes', m.swap, 'memory.swap');
    } else if (m.limit === -1) {
      // Unlimited memory with swap unset: lift the swap limit too, where swap accounting exists.
      add('memory', 'memory.memsw.limit_in_bytes', -1, 'memory.swap', { optional: 'skip' });
    }
    if (m.reservation) add('memory', 'memory.soft_limit_in_bytes', m.reservation, 'memory.reservation');
    if (m.kernel) add('memory', 'memory.kmem.limit_in_bytes', m.kernel, 'memory.kernel', { optional: 'warn' });
    if (m.kernelTCP) add('memory', 'memory.kmem.tcp.limit_in_bytes', m.kernelTCP, 'memory.kernelTCP', { optional: 'warn' });
    if (m.swappiness !== undefined && m.swappiness !== -1) {
      if (!Number.isInteger(m.swappiness) || m.swappiness < 0 || m.swappiness > 100) {
        throw new CgroupError(`${RES}.memory.swappiness`, `invalid value ${m.swappiness} (want 0-100)`);
      }
      add('memory', 'memory.swappiness', m.swappiness, 'memory.swappiness');
    }
    if (m.disableOOMKiller) add('memory', 'memory.oom_control', 1, 'memory.disableOOMKiller');
    if (m.useHierarchy !== undefined) {
      add('memory', 'memory.use_hierarchy', m.useHierarchy ? 1 : 0, 'memory.useHierarchy', { optional: 'warn' });
    }
  }

  const c = r.cpu;
  if (c) {
    if (c.shares) add('cpu', 'cpu.shares', c.shares, 'cpu.shares');
    if (c.period) add('cpu', 'cpu.cfs_period_us', c.period, 'cpu.period', { retryAfterEinval: true });
    if (c.quota) add('cpu', 'cpu.cfs_quota_us', c.quota, 'cpu.quota');
    if (c.burst !== undefined && c.burst !== null) add('cpu', 'cpu.cfs_burst_us', c.burst, 'cpu.burst', { retryAfterEinval: true });
    if (c.realtimePeriod) add('cpu', 'cpu.rt_period_us', c.realtimePeriod, 'cpu.realtimePeriod');
    if (c.realtimeRuntime) add('cpu', 'cpu.rt_runtime_us', c.realtimeRuntime, 'cpu.realtimeRuntime');
    if (c.idle !== undefined && c.idle !== null) add('cpu', 'cpu.idle', c.idle, 'cpu.idle');
  }

  if (r.pids && r.pids.limit !== undefined && r.pids.limit !== null) {
    add('pids', 'pids.max', pidsMax(r.pids.limit), 'pids.limit');
  }

  const b = r.blockIO;
  if (b) {
    if (b.weight) add('blkio', 'blkio.weight', b.weight, 'blockIO.weight', { fallback: { file: 'blkio.bfq.weight', value: String(b.weight) } });
    if (b.leafWeight) add('blkio', 'blkio.leaf_weight', b.leafWeight, 'blockIO.leafWeight');
    (b.weightDevice ?? []).forEach((d, i) => {
      const dev = `${d.major}:${d.minor}`;
      if (d.weight) {
        add('blkio', 'blkio.weight_device', `${dev} ${d.weight}`, `blockIO.weightDevice[${i}].weight`,
          { fallback: { file: 'blkio.bfq.weight_device', value: `${dev} ${d.weight}` } });
      }
      if (d.leafWeight) add('blkio', 'blkio.leaf_weight_device', `${dev} ${d.leafWeight}`, `blockIO.weightDevice[${i}].leafWeight`);
    });
    const throttle = (list: ThrottleDevice[] | undefined, file: string, name: string) =>
      (list ?? []).forEach((d, i) => add('blkio', file, `${d.major}:${d.minor} ${d.rate}`, `blockIO.${name}[${i}]`));
    throttle(b.throttleReadBpsDevice, 'blkio.throttle.read_bps_device', 'throttleReadBpsDevice');
    throttle(b.throttleWriteBpsDevice, 'blkio.throttle.write_bps_device', 'throttleWriteBpsDevice');
    throttle(b.throttleReadIOPSDevice, 'blkio.throttle.read_iops_device', 'throttleReadIOPSDevice');
    throttle(b.throttleWriteIOPSDevice, 'blkio.throttle.write_iops_device', 'throttleWriteIOPSDevice');
  }

  (r.hugepageLimits ?? []).forEach((h, i) => {
    const prefix = `hugetlb.${h.pageSize}`;
    add('hugetlb', `${prefix}.limit_in_bytes`, h.limit, `hugepageLimits[${i}]`);
    // Reservation accounting (kernel 5.7+) gets the same limit where it exists, as in runc.
    add('hugetlb', `${prefix}.rsvd.limit_in_bytes`, h.limit, `hugepageLimits[${i}]`, { optional: 'skip' });
  });

  const n = r.network;
  if (n) {
    if (n.classID !== undefined && n.classID !== null) add('net_cls', 'net_cls.classid', n.classID, 'network.classID');
    (n.priorities ?? []).forEach((p, i) =>
      add('net_prio', 'net_prio.ifpriomap', `${p.name} ${p.priority}`, `network.priorities[${i}]`));
  }

  for (const [line, field] of rdmaLines(r.rdma)) add('rdma', 'rdma.max', line, field);

  return { writes, warnings: [] };
}

/**
 * pids.max value. -1 (any negative) is "max". 0 is written as 0: the runtime-spec (1.3) says
 * 0 is a real limit and SHOULD be treated as one (runc writes 1 instead, for parity with
 * systemd's TasksMax; both stop every fork).
 */
export function pidsMax(limit: number): string {
  return limit < 0 ? 'max' : String(limit);
}

/** rdma.max lines and their field (below linux.resources), shared with v2: "mlx5_0 hca_handle=2 hca_object=2000". */
export function rdmaLines(rdma: LinuxResources['rdma']): [string, string][] {
  if (!rdma) return [];
  return Object.keys(rdma)
    .sort()
    .flatMap((dev): [string, string][] => {
      const v = rdma[dev]!;
      const parts: string[] = [];
      if (v.hcaHandles !== undefined && v.hcaHandles !== null) parts.push(`hca_handle=${v.hcaHandles}`);
      if (v.hcaObjects !== undefined && v.hcaObjects !== null) parts.push(`hca_object=${v.hcaObjects}`);
      return parts.length ? [[`${dev} ${parts.join(' ')}`, `rdma["${dev}"]`]] : [];
    });
}
