// LinuxResources -> cgroup v2 control-file writes. Pure: no I/O.
//
// The spec's resources are cgroup v1 values; each is converted the way current runc
// (opencontainers/cgroups) converts it, so the same config gives the same files:
// - cpu.shares -> cpu.weight by runc 1.3's quadratic-in-log formula (cpuSharesToWeight).
// - memory.swap is memory+swap on v1; memory.swap.max is swap alone: swap - limit.
// - blockIO.weight -> io.bfq.weight as is, or io.weight rescaled when BFQ is absent.
// - -1 means "max"; 0 means unset and writes nothing (except where noted).
// Fields with no v2 counterpart: kernel memory, swappiness, disableOOMKiller, non-hierarchical
// memory and blkio leaf weights are ignored with a warning (runc ignores them silently);
// realtime cpu and network classes would silently drop a guarantee, so they are errors.
// Device rules are not file writes on v2 (an eBPF program, see device-filter.ts); the driver
// handles linux.resources.devices itself.

import type { LinuxResources, ThrottleDevice } from '../spec/types';
import { CgroupError } from './errors';
import { pidsMax, rdmaLines } from './v1-resources';
import { RES, type CgroupWarning, type CgroupWrite, type TranslatedResources } from './types';

export function v2Writes(resources: LinuxResources): CgroupWrite[] {
  return translateV2(resources).writes;
}

/**
 * cpu.shares (v1, 2..262144, default 1024) -> cpu.weight (v2, 1..10000, default 100).
 *
 * runc >= 1.3 (opencontainers/cgroups ConvertCPUSharesToCgroupV2Value) replaced the old
 * linear map 1 + (shares-2)*9999/262142, which sent the default 1024 to 39, with a curve
 * through the three fixed points (2 -> 1, 1024 -> 100, 262144 -> 10000):
 *   l = log2(shares)
 *   weight = ceil(10 ^ ((l^2 + 125*l) / 612 - 7/34))
 * with shares <= 2 -> 1 and shares >= 262144 -> 10000; 0 stays 0 (unset).
 */
export function cpuSharesToWeight(shares: number): number {
  if (shares === 0) return 0;
  if (shares <= 2) return 1;
  if (shares >= 262144) return 10000;
  const l = Math.log2(shares);
  const exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
  return Math.ceil(Math.pow(10, exponent));
}

/** blkio.weight (10..1000) -> io.weight (1..10000), runc's linear map: 1 + (w-10)*9999/990. */
export function blkioWeightToIoWeight(weight: number): number {
  if (weight === 0) return 0;
  return 1 + Math.floor(((weight - 10) * 9999) / 990);
}

/**
 * memory.swap (memory+swap, v1 meaning) -> memory.swap.max (swap only), as runc's
 * ConvertMemorySwapToCgroupV2Value: returns -1 for max, 0 for unset (or swap == limit),
 * else the swap bytes.
 */
export function memorySwapToV2(swap: number, limit: number): number {
  if (limit === -1 && swap === 0) return -1; // unlimited memory, swap unset: both unlimited
  if (swap === -1 || swap === 0) return swap;
  if (limit === -1) return swap;
  if (limit === 0) throw new CgroupError(`${RES}.memory.swap`, 'a swap limit needs a memory limit on cgroup v2');
  if (limit < 0) throw new CgroupError(`${RES}.memory.limit`, `invalid memory limit ${limit}`);
  if (swap < limit) {
    throw new CgroupError(`${RES}.memory.swap`, `memory+swap limit ${swap} is below the memory limit ${limit}`);
  }
  return swap - limit;
}

const max = (v: number) => (v === -1 ? 'max' : String(v));

export function translateV2(r: LinuxResources): TranslatedResources {
  const writes: CgroupWrite[] = [];
  const warnings: CgroupWarning[] = [];
  const add = (file: string, value: string | number, field: string, extra: Partial<CgroupWrite> = {}) =>
    writes.push({ controller: file.slice(0, file.indexOf('.')), file, value: String(value), field: `${RES}.${field}`, ...extra });
  const warn = (field: string, message: string) => warnings.push({ field: `${RES}.${field}`, message });
  const refuse = (field: string, message: string) => {
    throw new CgroupError(`${RES}.${field}`, message);
  };

  // Order follows runc's fs2 Set: pids, memory, io, cpu, cpuset, hugetlb, rdma, unified.
  if (r.pids && r.pids.limit !== undefined && r.pids.limit !== null) add('pids.max', pidsMax(r.pids.limit), 'pids.limit');

  const m = r.memory;
  if (m) {
    const limit = m.limit ?? 0;
    const swapSpec = m.swap ?? 0;
    if (limit !== 0 || swapSpec !== 0 || (m.reservation ?? 0) !== 0) {
      const swap = memorySwapToV2(swapSpec, limit);
      if (swap !== 0) add('memory.swap.max', max(swap), 'memory.swap');
      else if (swapSpec > 0) add('memory.swap.max', '0', 'memory.swap'); // swap == limit: no swap at all
      if (limit !== 0) add('memory.max', max(limit), 'memory.limit');
      if (m.reservation) add('memory.low', max(m.reservation), 'memory.reservation');
    }
    if (m.kernel) warn('memory.kernel', 'ignored: kernel memory limits do not exist on cgroup v2');
    if (m.kernelTCP) warn('memory.kernelTCP', 'ignored: kernel TCP memory limits do not exist on cgroup v2');
    if (m.swappiness !== undefined && m.swappiness !== -1) warn('memory.swappiness', 'ignored: cgroup v2 has no per-cgroup swappiness');
    if (m.disableOOMKiller) warn('memory.disableOOMKiller', 'ignored: cgroup v2 cannot disable the OOM killer of a cgroup');
    if (m.useHierarchy === false) warn('memory.useHierarchy', 'ignored: cgroup v2 memory accounting is always hierarchical');
  }

  const b = r.blockIO;
  if (b) {
    if (b.weight) {
      if (b.weight < 10 || b.weight > 1000) refuse('blockIO.weight', `invalid weight ${b.weight} (want 10-1000)`);
      add('io.bfq.weight', b.weight, 'blockIO.weight', { fallback: { file: 'io.weight', value: String(blkioWeightToIoWeight(b.weight)) } });
    }
    if (b.leafWeight) warn('blockIO.leafWeight', 'ignored: cgroup v2 has no leaf weights');
    (b.weightDevice ?? []).forEach((d, i) => {
      const dev = `${d.major}:${d.minor}`;
      if (d.weight) {
        if (d.weight < 10 || d.weight > 1000) refuse(`blockIO.weightDevice[${i}].weight`, `invalid weight ${d.weight} (want 10-1000)`);
        add('io.bfq.weight', `${dev} ${d.weight}`, `blockIO.weightDevice[${i}].weight`,
          { fallback: { file: 'io.weight', value: `${dev} ${blkioWeightToIoWeight(d.weight)}` } });
      }
      if (d.leafWeight) warn(`blockIO.weightDevice[${i}].leafWeight`, 'ignored: cgroup v2 has no leaf weights');
    });
    const throttle = (list: ThrottleDevice[] | undefined, key: string, name: string) =>
      (list ?? []).forEach((d, i) => add('io.max', `${d.major}:${d.minor} ${key}=${d.rate}`, `blockIO.${name}[${i}]`));
    throttle(b.throttleReadBpsDevice, 'rbps', 'throttleReadBpsDevice');
    throttle(b.throttleWriteBpsDevice, 'wbps', 'throttleWriteBpsDevice');
    throttle(b.throttleReadIOPSDevice, 'riops', 'throttleReadIOPSDevice');
    throttle(b.throttleWriteIOPSDevice, 'wiops', 'throttleWriteIOPSDevice');
  }

  const c = r.cpu;
  if (c) {
    if (c.shares) add('cpu.weight', cpuSharesToWeight(c.shares), 'cpu.shares');
    if (c.burst !== undefined && c.burst !== null) add('cpu.max.burst', c.burst, 'cpu.burst', { retryAfterEinval: true });
    if (c.quota || c.period) {
      const quota = c.quota && c.quota > 0 ? String(c.quota) : 'max';
      // The kernel's default period; runc writes it when only the quota is given.
      add('cpu.max', `${quota} ${c.period || 100000}`, c.quota ? 'cpu.quota' : 'cpu.period');
    }
    if (c.idle !== undefined && c.idle !== null) add('cpu.idle', c.idle, 'cpu.idle');
    if (c.realtimeRuntime) refuse('cpu.realtimeRuntime', 'realtime cpu scheduling limits do not exist on cgroup v2');
    if (c.realtimePeriod) refuse('cpu.realtimePeriod', 'realtime cpu scheduling limits do not exist on cgroup v2');
    if (c.cpus) add('cpuset.cpus', c.cpus, 'cpu.cpus');
    if (c.mems) add('cpuset.mems', c.mems, 'cpu.mems');
  }

  (r.hugepageLimits ?? []).forEach((h, i) => {
    add(`hugetlb.${h.pageSize}.max`, h.limit, `hugepageLimits[${i}]`);
    add(`hugetlb.${h.pageSize}.rsvd.max`, h.limit, `hugepageLimits[${i}]`, { optional: 'skip' });
  });

  if (r.network?.classID !== undefined && r.network.classID !== null) {
    refuse('network.classID', 'net_cls does not exist on cgroup v2 (classify traffic with eBPF instead)');
  }
  if (r.network?.priorities?.length) {
    refuse('network.priorities', 'net_prio does not exist on cgroup v2');
  }

  for (const [line, field] of rdmaLines(r.rdma)) add('rdma.max', line, field);

  for (const [key, value] of Object.entries(r.unified ?? {})) {
    const field = `unified["${key}"]`;
    if (key.includes('/') || key === '.' || key === '..') refuse(field, 'must be a file name (no slashes)');
    const dot = key.indexOf('.');
    if (dot <= 0) refuse(field, 'must be of the form CONTROLLER.PARAMETER');
    add(key, value, field);
  }

  return { writes, warnings };
}
