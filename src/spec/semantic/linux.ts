// The smaller linux sections: personality, memoryPolicy, timeOffsets, netDevices, intelRdt, sysctl.
import { Findings, Obj, SPEC, arr, obj, show, str } from './report';

export function checkLinuxMisc(config: Obj, f: Findings): void {
  const linux = obj(config.linux);
  if (!linux) return;
  checkPersonality(linux, f);
  checkMemoryPolicy(linux, f);
  checkTimeOffsets(linux, f);
  checkNetDevices(linux, f);
  checkIntelRdt(linux, f);
  checkSysctlNames(linux, f);
}

function checkPersonality(linux: Obj, f: Findings): void {
  const flags = arr(obj(linux.personality)?.flags);
  // "Currently no flag values are supported": any flag is a value we cannot apply.
  if (flags.length > 0) {
    f.error(['linux', 'personality', 'flags', 0], `${show(flags[0])} is not a supported flag`, `the spec defines no personality flags yet; leave flags empty; ${SPEC.personality}`);
  }
}

// set_mempolicy(2): some modes take no nodes, others need at least one; the two node-flag
// modifiers exclude each other.
const NO_NODES = new Set(['MPOL_DEFAULT', 'MPOL_LOCAL']);
const NEEDS_NODES = new Set(['MPOL_BIND', 'MPOL_INTERLEAVE', 'MPOL_WEIGHTED_INTERLEAVE', 'MPOL_PREFERRED_MANY']);

function checkMemoryPolicy(linux: Obj, f: Findings): void {
  const policy = obj(linux.memoryPolicy);
  if (!policy) return;
  const mode = str(policy.mode);
  const nodes = str(policy.nodes) ?? '';
  const at = ['linux', 'memoryPolicy'];
  if (mode !== undefined && NO_NODES.has(mode) && nodes !== '') {
    f.error([...at, 'nodes'], `nodes ${show(nodes)} given with ${mode}`, `${mode} takes no nodes, see set_mempolicy(2); ${SPEC.memoryPolicy}`);
  }
  if (mode !== undefined && NEEDS_NODES.has(mode) && nodes === '') {
    f.error([...at, 'nodes'], `missing for ${mode}`, `${mode} needs at least one node, such as "0" or "0-3"; see set_mempolicy(2); ${SPEC.memoryPolicy}`);
  }
  const flags = arr(policy.flags);
  if (flags.includes('MPOL_F_STATIC_NODES') && flags.includes('MPOL_F_RELATIVE_NODES')) {
    f.error([...at, 'flags'], 'MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES are both set', `they exclude each other, see set_mempolicy(2); ${SPEC.memoryPolicy}`);
  }
}

// time_namespaces(7): only these two clocks can be offset.
const CLOCKS = new Set(['monotonic', 'boottime']);

function checkTimeOffsets(linux: Obj, f: Findings): void {
  for (const clock of Object.keys(obj(linux.timeOffsets) ?? {})) {
    if (!CLOCKS.has(clock)) {
      f.error(['linux', 'timeOffsets', clock], `${show(clock)} is not a clock a time namespace can offset`, `expected monotonic or boottime, see time_namespaces(7); ${SPEC.timeOffsets}`);
    }
  }
}

// Interface names: at most 15 bytes (IFNAMSIZ - 1), not "." or "..", no "/", ":" or blanks.
function interfaceNameProblem(name: string, template: boolean): string | undefined {
  if (name === '') return 'is empty';
  if (Buffer.byteLength(name) > 15) return 'is longer than 15 bytes';
  if (name === '.' || name === '..') return 'is not a valid name';
  if (/[/:\s]/.test(name)) return 'contains "/", ":" or a blank';
  if (!template && name.includes('%')) return 'contains "%"';
  return undefined;
}

function checkNetDevices(linux: Obj, f: Findings): void {
  const devices = obj(linux.netDevices);
  if (!devices) return;
  const targets = new Map<string, string>();
  for (const [hostName, entry] of Object.entries(devices)) {
    const at = ['linux', 'netDevices', hostName];
    const hostProblem = interfaceNameProblem(hostName, false);
    if (hostProblem) f.error(at, `host interface name ${show(hostName)} ${hostProblem}`, `expected a Linux interface name such as eth0; ${SPEC.netDevices}`);
    const newName = str(obj(entry)?.name);
    if (newName !== undefined) {
      // A trailing %d asks the kernel to pick a free number.
      const problem = interfaceNameProblem(newName, true);
      if (problem) f.error([...at, 'name'], `${show(newName)} ${problem}`, `expected a Linux interface name such as eth1, or a template such as eth%d; ${SPEC.netDevices}`);
    }
    // Two devices given the same name: the second move would find the name taken, which
    // the spec says MUST be an error (unless the name is a %d template).
    const target = newName ?? hostName;
    if (!target.includes('%d')) {
      const other = targets.get(target);
      if (other !== undefined) {
        f.error(newName !== undefined ? [...at, 'name'] : at, `${show(target)} is also the name given to ${show(other)}`, `each device needs its own name in the container; ${SPEC.netDevices}`);
      } else targets.set(target, hostName);
    }
  }
}

function checkIntelRdt(linux: Obj, f: Findings): void {
  const rdt = obj(linux.intelRdt);
  if (!rdt) return;
  const at = ['linux', 'intelRdt'];
  // closID names a directory under the resctrl mount; "/" alone means the default group.
  const closID = str(rdt.closID);
  if (closID !== undefined && closID !== '/' && (closID.includes('/') || closID === '.' || closID === '..' || /\s/.test(closID))) {
    f.error([...at, 'closID'], `${show(closID)} is not a resctrl group name`, `expected a plain name such as guaranteed_group, or "/" for the default group; ${SPEC.intelRdt}`);
  }
  // "The value SHOULD start with L3: and SHOULD NOT contain newlines."
  const l3 = str(rdt.l3CacheSchema);
  if (l3 !== undefined && (!l3.startsWith('L3:') || l3.includes('\n'))) {
    f.warn([...at, 'l3CacheSchema'], `${show(l3)} does not look like an L3 schema`, `expected a single line starting with L3:; ${SPEC.intelRdt}`);
  }
}

// sysctl names become paths under /proc/sys: refuse ones that would leave it.
function checkSysctlNames(linux: Obj, f: Findings): void {
  for (const key of Object.keys(obj(linux.sysctl) ?? {})) {
    if (key === '' || key.startsWith('/') || key.split(/[./]/).some((part) => part === '' || part === '..')) {
      f.error(['linux', 'sysctl', key], `${show(key)} is not a sysctl name`, `expected a name like net.ipv4.ip_forward; ${SPEC.sysctl}`);
    }
  }
}
