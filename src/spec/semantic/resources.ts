// linux.cgroupsPath and linux.resources: rules between fields, and names that end up as
// file paths under the cgroup tree (which must not escape it).
import { Findings, Obj, Seg, SPEC, num, obj, show, str, arr } from './report';

export function checkCgroups(config: Obj, f: Findings): void {
  const linux = obj(config.linux);
  if (!linux) return;
  const cgroupsPath = str(linux.cgroupsPath);
  if (cgroupsPath !== undefined) checkCgroupsPath(cgroupsPath, f);
  const resources = obj(linux.resources);
  if (!resources) return;
  const at: Seg[] = ['linux', 'resources'];

  // "swap ... sets limit of memory+Swap usage": it cannot be below the memory limit.
  // 0 is how some writers say "unset" and -1 means unlimited, so only positive pairs count.
  const memory = obj(resources.memory);
  const limit = num(memory?.limit);
  const swap = num(memory?.swap);
  if (limit !== undefined && swap !== undefined && limit > 0 && swap > 0 && swap < limit) {
    f.error(
      [...at, 'memory', 'swap'],
      `memory+swap limit ${swap} is below the memory limit ${limit}`,
      `swap counts memory plus swap, so it must be >= limit, or -1 for unlimited; ${SPEC.memory}`,
    );
  }

  // "The values are from 0 to 100." Some Docker versions write -1 cast to uint64 for "unset",
  // which runc accepts, so that one value passes too.
  const swappiness = num(memory?.swappiness);
  if (swappiness !== undefined && swappiness > 100 && swappiness !== 2 ** 64) {
    f.error([...at, 'memory', 'swappiness'], `got ${swappiness}`, `expected an integer from 0 to 100; ${SPEC.memory}`);
  }

  // "If specified with any (valid) positive value, [quota] MUST be no smaller than burst."
  const cpu = obj(resources.cpu);
  const quota = num(cpu?.quota);
  const burst = num(cpu?.burst);
  if (quota !== undefined && burst !== undefined && quota > 0 && burst > quota) {
    f.error(
      [...at, 'cpu', 'burst'],
      `burst ${burst} is larger than quota ${quota}`,
      `burst must be <= a positive quota; ${SPEC.cpu}`,
    );
  }

  // "You MUST specify at least one of weight or leafWeight in a given entry."
  const blockIO = obj(resources.blockIO);
  arr(blockIO?.weightDevice).forEach((entry, i) => {
    const dev = obj(entry);
    if (dev && dev.weight === undefined && dev.leafWeight === undefined) {
      f.error(
        [...at, 'blockIO', 'weightDevice', i],
        'has neither weight nor leafWeight',
        `each weightDevice entry needs weight, leafWeight or both; ${SPEC.blockIO}`,
      );
    }
  });

  // "You MUST specify at least one of the hcaHandles or hcaObjects in a given entry."
  const rdma = obj(resources.rdma);
  for (const [device, entry] of Object.entries(rdma ?? {})) {
    const limits = obj(entry);
    if (limits && limits.hcaHandles === undefined && limits.hcaObjects === undefined) {
      f.error(
        [...at, 'rdma', device],
        'has neither hcaHandles nor hcaObjects',
        `each rdma entry needs hcaHandles, hcaObjects or both; ${SPEC.rdma}`,
      );
    }
  }

  // unified keys are file names in the container's cgroup directory: a slash or ".." would
  // write outside it.
  const unified = obj(resources.unified);
  for (const key of Object.keys(unified ?? {})) {
    if (!/^[A-Za-z0-9_]+\.[A-Za-z0-9_.-]+$/.test(key) || key.includes('..')) {
      f.error(
        [...at, 'unified', key],
        `${show(key)} is not a cgroup v2 file name`,
        `expected a name like memory.max or io.weight, with no "/" or ".."; ${SPEC.unified}`,
      );
    }
  }
}

// The spec allows absolute and relative paths and lets a runtime refuse values it considers
// invalid. Ours: no ".." component (it would leave the hierarchy the path is taken in) and no
// control characters. The systemd form "slice:prefix:name" is accepted here; whether it is
// used that way depends on --systemd-cgroup, which the cgroup driver checks.
export function checkCgroupsPath(value: string, f: Findings): void {
  const at = ['linux', 'cgroupsPath'];
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f]/.test(value)) {
    f.error(at, `${show(value)} contains a control character`, `expected a path such as /mygroup/mycontainer; ${SPEC.cgroupsPath}`);
    return;
  }
  if (value.split(/[/:]/).some((part) => part === '..')) {
    f.error(
      at,
      `${show(value)} has a ".." component`,
      `expected an absolute or relative path inside the cgroup hierarchy, such as /mygroup/mycontainer, or slice:prefix:name with --systemd-cgroup; ${SPEC.cgroupsPath}`,
    );
  }
}
