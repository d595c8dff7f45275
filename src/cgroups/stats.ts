// Cgroup statistics in the shape `runc events --stats` prints (runc's types/events.go),
// read from v1 hierarchies or a v2 directory. Zero values are left out where runc's JSON
// tags say omitempty, so the output matches runc's key for key.
//
// Counters are unsigned 64-bit; values above 2^53 (for instance an unlimited v1 limit,
// 9223372036854771712) are kept exact as bigint. statsJSON() prints them as plain numbers.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { allPids, parseCpuList, readOptional } from './fsutil';

export type U64 = number | bigint;
export const MAX_U64 = (1n << 64n) - 1n;

export interface PsiData { avg10: number; avg60: number; avg300: number; total: U64 }
export interface PsiStats { some?: PsiData; full?: PsiData }
export interface MemoryEntry { limit: U64; usage?: U64; max?: U64; failcnt: U64 }
export interface BlkioEntry { major?: number; minor?: number; op?: string; value?: U64 }

export interface RuncStats {
  cpu: {
    usage: { total?: U64; percpu?: U64[]; percpu_kernel?: U64[]; percpu_user?: U64[]; kernel: U64; user: U64 };
    throttling: { periods?: U64; throttledPeriods?: U64; throttledTime?: U64 };
    psi?: PsiStats;
  };
  cpuset: {
    cpus?: number[]; cpu_exclusive: U64; mems?: number[]; mem_hardwall: U64; mem_exclusive: U64;
    memory_migrate: U64; memory_spread_page: U64; memory_spread_slab: U64; memory_pressure: U64;
    sched_load_balance: U64; sched_relax_domain_level: number;
  };
  memory: {
    cache?: U64; usage: MemoryEntry; swap: MemoryEntry; kernel: MemoryEntry; kernelTCP: MemoryEntry;
    raw?: Record<string, U64>; psi?: PsiStats;
  };
  pids: { current?: U64; limit?: U64 };
  blkio: {
    ioServiceBytesRecursive?: BlkioEntry[]; ioServicedRecursive?: BlkioEntry[]; ioQueueRecursive?: BlkioEntry[];
    ioServiceTimeRecursive?: BlkioEntry[]; ioWaitTimeRecursive?: BlkioEntry[]; ioMergedRecursive?: BlkioEntry[];
    ioTimeRecursive?: BlkioEntry[]; sectorsRecursive?: BlkioEntry[]; psi?: PsiStats;
  };
  hugetlb: Record<string, { usage?: U64; max?: U64; failcnt: U64 }>;
  intel_rdt: Record<string, never>;
  network_interfaces: null;
}

/** JSON text of stats (or an event holding them) with 64-bit counters printed exactly. */
export function statsJSON(value: unknown): string {
  const tag = '\u0000u64:';
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${tag}${v}` : v));
  return text.replace(/"\\u0000u64:(\d+)"/g, '$1');
}

export function parseU64(text: string): U64 {
  const t = text.trim();
  if (t === 'max') return MAX_U64;
  if (!/^\d+$/.test(t)) return 0; // negative or garbage: runc reports 0
  const n = BigInt(t);
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

const u64File = (p: string): U64 => {
  const t = readOptional(p);
  return t === undefined ? 0 : parseU64(t);
};

const isZero = (v: U64 | undefined) => v === undefined || v === 0 || v === 0n;
const mul = (v: U64, k: number): U64 => {
  const big = BigInt(v) * BigInt(k);
  return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
};
const add = (a: U64, b: U64): U64 => {
  const big = BigInt(a) + BigInt(b);
  return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
};

/** Drop undefined and omitempty zero keys. */
function omit<T extends object>(o: T, keys: (keyof T)[]): T {
  for (const k of keys) {
    const v = o[k] as unknown;
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0) || isZero(v as U64) ||
      (typeof v === 'object' && v !== null && !Array.isArray(v) && typeof v !== 'bigint' && Object.keys(v).length === 0)) {
      delete o[k];
    }
  }
  return o;
}

/** "key value" lines -> map */
export function parseFlatKeyed(text: string | undefined): Record<string, U64> {
  const out: Record<string, U64> = {};
  for (const line of (text ?? '').split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined) out[k] = parseU64(v);
  }
  return out;
}

export function parsePsi(text: string | undefined): PsiStats | undefined {
  if (!text) return undefined;
  const out: PsiStats = {};
  for (const line of text.split('\n')) {
    const [kind, ...kv] = line.trim().split(/\s+/);
    if (kind !== 'some' && kind !== 'full') continue;
    const d: PsiData = { avg10: 0, avg60: 0, avg300: 0, total: 0 };
    for (const item of kv) {
      const [k, v] = item.split('=');
      if (k === 'avg10' || k === 'avg60' || k === 'avg300') d[k] = Number(v);
      else if (k === 'total') d.total = parseU64(v ?? '0');
    }
    out[kind] = d;
  }
  return Object.keys(out).length ? out : undefined;
}

function emptyStats(): RuncStats {
  const mem = (): MemoryEntry => ({ limit: 0, failcnt: 0 });
  return {
    cpu: { usage: { kernel: 0, user: 0 }, throttling: {} },
    cpuset: {
      cpu_exclusive: 0, mem_hardwall: 0, mem_exclusive: 0, memory_migrate: 0, memory_spread_page: 0,
      memory_spread_slab: 0, memory_pressure: 0, sched_load_balance: 0, sched_relax_domain_level: 0,
    },
    memory: { usage: mem(), swap: mem(), kernel: mem(), kernelTCP: mem() },
    pids: {},
    blkio: {},
    hugetlb: {},
    intel_rdt: {},
    network_interfaces: null,
  };
}

/** A copy of `o` with its keys in `keys` order (Go prints struct fields in declaration order). */
function ordered<T extends object>(o: T, keys: (keyof T)[]): T {
  const out = {} as T;
  for (const k of keys) if (k in o) out[k] = o[k];
  return out;
}

function finish(s: RuncStats): RuncStats {
  const mem = (e: MemoryEntry) => ordered(omit(e, ['usage', 'max']), ['limit', 'usage', 'max', 'failcnt']);
  const blkioKeys: (keyof RuncStats['blkio'])[] = [
    'ioServiceBytesRecursive', 'ioServicedRecursive', 'ioQueueRecursive', 'ioServiceTimeRecursive',
    'ioWaitTimeRecursive', 'ioMergedRecursive', 'ioTimeRecursive', 'sectorsRecursive', 'psi',
  ];
  const blkio = ordered(omit(s.blkio, blkioKeys), blkioKeys);
  for (const k of blkioKeys) {
    const list = blkio[k];
    if (Array.isArray(list)) (blkio as Record<string, unknown>)[k] = list.map((e) => ordered(e, ['major', 'minor', 'op', 'value']));
  }
  const hugetlb: RuncStats['hugetlb'] = {};
  for (const [size, h] of Object.entries(s.hugetlb)) hugetlb[size] = ordered(omit(h, ['usage', 'max']), ['usage', 'max', 'failcnt']);
  return {
    cpu: ordered({
      usage: ordered(omit(s.cpu.usage, ['total', 'percpu', 'percpu_kernel', 'percpu_user']),
        ['total', 'percpu', 'percpu_kernel', 'percpu_user', 'kernel', 'user']),
      throttling: ordered(omit(s.cpu.throttling, ['periods', 'throttledPeriods', 'throttledTime']),
        ['periods', 'throttledPeriods', 'throttledTime']),
      ...(s.cpu.psi ? { psi: s.cpu.psi } : {}),
    }, ['usage', 'throttling', 'psi']),
    cpuset: ordered(omit(s.cpuset, ['cpus', 'mems']), [
      'cpus', 'cpu_exclusive', 'mems', 'mem_hardwall', 'mem_exclusive', 'memory_migrate', 'memory_spread_page',
      'memory_spread_slab', 'memory_pressure', 'sched_load_balance', 'sched_relax_domain_level',
    ]),
    memory: ordered(omit({
      ...s.memory, usage: mem(s.memory.usage), swap: mem(s.memory.swap), kernel: mem(s.memory.kernel), kernelTCP: mem(s.memory.kernelTCP),
    }, ['cache', 'raw', 'psi']), ['cache', 'usage', 'swap', 'kernel', 'kernelTCP', 'raw', 'psi']),
    pids: ordered(omit(s.pids, ['current', 'limit']), ['current', 'limit']),
    blkio,
    hugetlb,
    intel_rdt: {},
    network_interfaces: null,
  };
}

// ---- cgroup v1 ----

/** Directories of the container's v1 hierarchies, by subsystem name. */
export type V1Dirs = Partial<Record<string, string>>;

const USER_HZ = 100; // cpuacct.stat counts in clock ticks; Linux reports USER_HZ = 100 to user space

export function statsV1(dirs: V1Dirs): RuncStats {
  const s = emptyStats();

  if (dirs.cpu) {
    const st = parseFlatKeyed(readOptional(path.join(dirs.cpu, 'cpu.stat')));
    s.cpu.throttling = { periods: st.nr_periods ?? 0, throttledPeriods: st.nr_throttled ?? 0, throttledTime: st.throttled_time ?? 0 };
  }
  if (dirs.cpuacct) {
    const d = dirs.cpuacct;
    s.cpu.usage.total = u64File(path.join(d, 'cpuacct.usage'));
    const percpu = readOptional(path.join(d, 'cpuacct.usage_percpu'));
    if (percpu) s.cpu.usage.percpu = percpu.split(/\s+/).filter(Boolean).map(parseU64);
    const st = parseFlatKeyed(readOptional(path.join(d, 'cpuacct.stat')));
    s.cpu.usage.user = mul(st.user ?? 0, 1e9 / USER_HZ);
    s.cpu.usage.kernel = mul(st.system ?? 0, 1e9 / USER_HZ);
    const all = readOptional(path.join(d, 'cpuacct.usage_all'));
    if (all) {
      const rows = all.split('\n').slice(1).map((l) => l.trim().split(/\s+/)).filter((r) => r.length === 3);
      s.cpu.usage.percpu_user = rows.map((r) => parseU64(r[1]!));
      s.cpu.usage.percpu_kernel = rows.map((r) => parseU64(r[2]!));
    }
  }
  if (dirs.cpuset) readCpuset(dirs.cpuset, s);

  if (dirs.memory) {
    const d = dirs.memory;
    const raw = parseFlatKeyed(readOptional(path.join(d, 'memory.stat')));
    s.memory.raw = raw;
    s.memory.cache = raw.cache ?? 0;
    const entry = (prefix: string): MemoryEntry => {
      if (readOptional(path.join(d, `${prefix}.usage_in_bytes`)) === undefined) return { limit: 0, failcnt: 0 };
      return {
        limit: u64File(path.join(d, `${prefix}.limit_in_bytes`)),
        usage: u64File(path.join(d, `${prefix}.usage_in_bytes`)),
        max: u64File(path.join(d, `${prefix}.max_usage_in_bytes`)),
        failcnt: u64File(path.join(d, `${prefix}.failcnt`)),
      };
    };
    s.memory.usage = entry('memory');
    s.memory.swap = entry('memory.memsw');
    s.memory.kernel = entry('memory.kmem');
    s.memory.kernelTCP = entry('memory.kmem.tcp');
  }

  if (dirs.pids) readPidsStats(dirs.pids, s);

  if (dirs.blkio) {
    const d = dirs.blkio;
    const read = (file: string) => parseBlkio(readOptional(path.join(d, file)));
    const b = s.blkio;
    if (fs.existsSync(path.join(d, 'blkio.io_service_bytes_recursive'))) {
      // CFQ: the full set
      b.ioServiceBytesRecursive = read('blkio.io_service_bytes_recursive');
      b.ioServicedRecursive = read('blkio.io_serviced_recursive');
      b.ioQueueRecursive = read('blkio.io_queued_recursive');
      b.ioServiceTimeRecursive = read('blkio.io_service_time_recursive');
      b.ioWaitTimeRecursive = read('blkio.io_wait_time_recursive');
      b.ioMergedRecursive = read('blkio.io_merged_recursive');
      b.ioTimeRecursive = read('blkio.time_recursive');
      b.sectorsRecursive = read('blkio.sectors_recursive');
    } else if (fs.existsSync(path.join(d, 'blkio.bfq.io_service_bytes_recursive'))) {
      b.ioServiceBytesRecursive = read('blkio.bfq.io_service_bytes_recursive');
      b.ioServicedRecursive = read('blkio.bfq.io_serviced_recursive');
    } else {
      b.ioServiceBytesRecursive = read('blkio.throttle.io_service_bytes_recursive');
      b.ioServicedRecursive = read('blkio.throttle.io_serviced_recursive');
    }
  }

  if (dirs.hugetlb) {
    for (const f of safeReaddir(dirs.hugetlb)) {
      const m = /^hugetlb\.([^.]+)\.usage_in_bytes$/.exec(f);
      if (!m) continue;
      const size = m[1]!;
      const p = (suffix: string) => path.join(dirs.hugetlb!, `hugetlb.${size}.${suffix}`);
      s.hugetlb[size] = { usage: u64File(p('usage_in_bytes')), max: u64File(p('max_usage_in_bytes')), failcnt: u64File(p('failcnt')) };
    }
  }
  return finish(s);
}

function readCpuset(d: string, s: RuncStats): void {
  const cpus = readOptional(path.join(d, 'cpuset.cpus'));
  const mems = readOptional(path.join(d, 'cpuset.mems'));
  if (cpus) s.cpuset.cpus = parseCpuList(cpus);
  if (mems) s.cpuset.mems = parseCpuList(mems);
  const flag = (f: string) => u64File(path.join(d, `cpuset.${f}`));
  s.cpuset.cpu_exclusive = flag('cpu_exclusive');
  s.cpuset.mem_hardwall = flag('mem_hardwall');
  s.cpuset.mem_exclusive = flag('mem_exclusive');
  s.cpuset.memory_migrate = flag('memory_migrate');
  s.cpuset.memory_spread_page = flag('memory_spread_page');
  s.cpuset.memory_spread_slab = flag('memory_spread_slab');
  s.cpuset.memory_pressure = flag('memory_pressure');
  s.cpuset.sched_load_balance = flag('sched_load_balance');
  s.cpuset.sched_relax_domain_level = Number(readOptional(path.join(d, 'cpuset.sched_relax_domain_level')) ?? 0) || 0;
}

function readPidsStats(d: string, s: RuncStats): void {
  const current = readOptional(path.join(d, 'pids.current'));
  // Without a pids controller (v2 without it enabled), count the processes as runc does.
  s.pids.current = current === undefined ? allPids(d).length : parseU64(current);
  const max = readOptional(path.join(d, 'pids.max'));
  s.pids.limit = max === undefined || max === 'max' ? 0 : parseU64(max);
}

/** blkio.* "8:0 Read 1234" lines (and "8:0 1234" for time/sectors); "Total" lines are skipped. */
export function parseBlkio(text: string | undefined): BlkioEntry[] {
  const out: BlkioEntry[] = [];
  for (const line of (text ?? '').split('\n')) {
    const f = line.trim().split(/[\s:]+/).filter(Boolean);
    if (f.length < 3) continue;
    const e: BlkioEntry = { major: Number(f[0]), minor: Number(f[1]) };
    if (f.length >= 4) {
      e.op = f[2]!;
      e.value = parseU64(f[3]!);
    } else {
      e.value = parseU64(f[2]!);
    }
    out.push(omit(e, ['major', 'minor', 'op', 'value']));
  }
  return out;
}

function safeReaddir(d: string): string[] {
  try {
    return fs.readdirSync(d).sort();
  } catch {
    return [];
  }
}

// ---- cgroup v2 ----

export function statsV2(dir: string): RuncStats {
  const s = emptyStats();
  const f = (name: string) => path.join(dir, name);

  const cpu = parseFlatKeyed(readOptional(f('cpu.stat')));
  s.cpu.usage.total = mul(cpu.usage_usec ?? 0, 1000);
  s.cpu.usage.user = mul(cpu.user_usec ?? 0, 1000);
  s.cpu.usage.kernel = mul(cpu.system_usec ?? 0, 1000);
  s.cpu.throttling = { periods: cpu.nr_periods ?? 0, throttledPeriods: cpu.nr_throttled ?? 0, throttledTime: mul(cpu.throttled_usec ?? 0, 1000) };
  s.cpu.psi = parsePsi(readOptional(f('cpu.pressure')));

  if (fs.existsSync(f('cpuset.cpus.effective'))) {
    const cpus = readOptional(f('cpuset.cpus.effective'));
    const mems = readOptional(f('cpuset.mems.effective'));
    if (cpus) s.cpuset.cpus = parseCpuList(cpus);
    if (mems) s.cpuset.mems = parseCpuList(mems);
  }

  if (fs.existsSync(f('memory.current'))) {
    const raw = parseFlatKeyed(readOptional(f('memory.stat')));
    s.memory.raw = raw;
    s.memory.cache = raw.file ?? 0;
    const events = parseFlatKeyed(readOptional(f('memory.events')));
    s.memory.usage = {
      usage: u64File(f('memory.current')),
      limit: u64File(f('memory.max')),
      max: u64File(f('memory.peak')),
      failcnt: events.max ?? 0,
    };
    if (fs.existsSync(f('memory.swap.current'))) {
      // v1 reported memory+swap; keep that meaning, as runc does.
      const swapLimit = u64File(f('memory.swap.max'));
      s.memory.swap = {
        usage: add(u64File(f('memory.swap.current')), s.memory.usage.usage ?? 0),
        limit: swapLimit === MAX_U64 || s.memory.usage.limit === MAX_U64 ? MAX_U64 : add(swapLimit, s.memory.usage.limit),
        failcnt: 0,
      };
    }
  }
  s.memory.psi = parsePsi(readOptional(f('memory.pressure')));

  readPidsStats(dir, s);

  const io = readOptional(f('io.stat'));
  if (io) {
    const bytes: BlkioEntry[] = [];
    const ios: BlkioEntry[] = [];
    for (const line of io.split('\n').sort()) {
      const [dev, ...items] = line.trim().split(/\s+/);
      const [major, minor] = (dev ?? '').split(':').map(Number);
      if (major === undefined || minor === undefined || Number.isNaN(minor)) continue;
      for (const item of items) {
        const [k, v] = item.split('=');
        const entry = (op: string) => omit<BlkioEntry>({ major, minor, op, value: parseU64(v ?? '0') }, ['major', 'minor', 'value']);
        if (k === 'rbytes') bytes.push(entry('Read'));
        else if (k === 'wbytes') bytes.push(entry('Write'));
        else if (k === 'rios') ios.push(entry('Read'));
        else if (k === 'wios') ios.push(entry('Write'));
      }
    }
    s.blkio.ioServiceBytesRecursive = bytes;
    s.blkio.ioServicedRecursive = ios;
  }
  s.blkio.psi = parsePsi(readOptional(f('io.pressure')));

  for (const name of safeReaddir(dir)) {
    const m = /^hugetlb\.([^.]+)\.current$/.exec(name);
    if (!m) continue;
    const size = m[1]!;
    const events = parseFlatKeyed(readOptional(f(`hugetlb.${size}.events`)));
    s.hugetlb[size] = { usage: u64File(f(name)), failcnt: events.max ?? 0 };
  }
  return finish(s);
}
