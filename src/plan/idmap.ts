// User namespaces in the launch plan: which id maps the runtime writes for a new one and
// how (directly, or through newuidmap/newgidmap for an unprivileged caller), whether
// setgroups must be denied, what the container needs to be able to become root inside, and
// the mappings of id-mapped mounts. Pure: the caller's ids come in as arguments.
import type { IdMapping, Spec } from '../spec/types';
import { RuntimeError } from '../util/errors';
import { MOUNT_ATTR, MS } from './mounts';
import type { NamespacePlan } from './namespaces';
import type { MountStep } from './types';

export interface Caller {
  uid: number;
  gid: number;
}

/** What the runtime writes into /proc/PID/{uid_map,setgroups,gid_map} of a new user namespace. */
export interface IdMapPlan {
  uidMappings: IdMapping[];
  gidMappings: IdMapping[];
  /** Through the setuid newuidmap/newgidmap (Debian's uidmap), which check /etc/subuid and /etc/subgid. */
  uidTool: boolean;
  gidTool: boolean;
  /**
   * "deny" to /proc/PID/setgroups before gid_map: the kernel requires it when an unprivileged
   * process writes gid_map itself. Nowhere else: it would forbid setgroups in the container.
   */
  denySetgroups: boolean;
}

export interface UserNamespacePlan {
  idMaps: IdMapPlan | null;
  /** A user namespace joined by path: the init still has to become its root. */
  joined: boolean;
  /** The container's first process stays dumpable until go, so that an unprivileged runtime can write its maps. */
  dumpable: boolean;
}

/** The text of a uid_map/gid_map file. */
export function idMapText(maps: IdMapping[]): string {
  return maps.map((m) => `${m.containerID} ${m.hostID} ${m.size}\n`).join('');
}

/** Whether container id `id` falls in one of the ranges. */
export function isMapped(maps: IdMapping[], id: number): boolean {
  return maps.some((m) => id >= m.containerID && id < m.containerID + m.size);
}

/** The host id that container id `id` maps to, or undefined. */
export function hostIdOf(maps: IdMapping[], id: number): number | undefined {
  const m = maps.find((r) => id >= r.containerID && id < r.containerID + r.size);
  return m ? m.hostID + (id - m.containerID) : undefined;
}

function isOwnIdOnly(maps: IdMapping[], own: number): boolean {
  return maps.length === 1 && maps[0]!.hostID === own && maps[0]!.size === 1;
}

/** The maps of a new user namespace, or the caller's own ids when the config has none (as crun). */
function chooseMaps(spec: Spec, caller: Caller): { uid: IdMapping[]; gid: IdMapping[] } {
  const uid = spec.linux?.uidMappings ?? [];
  const gid = spec.linux?.gidMappings ?? [];
  if (uid.length === 0 && gid.length === 0) {
    if (caller.uid === 0)
      throw new RuntimeError(
        'config.json: linux.uidMappings: a new user namespace needs uidMappings and gidMappings when the runtime runs as root (only a rootless runtime maps its own user by default)',
      );
    return { uid: [{ containerID: 0, hostID: caller.uid, size: 1 }], gid: [{ containerID: 0, hostID: caller.gid, size: 1 }] };
  }
  if (uid.length === 0) throw new RuntimeError('config.json: linux.uidMappings: required together with linux.gidMappings for a new user namespace');
  if (gid.length === 0) throw new RuntimeError('config.json: linux.gidMappings: required together with linux.uidMappings for a new user namespace');
  return { uid, gid };
}

/** Every id the container's setup or process takes must exist in the new namespace. */
function checkMapped(spec: Spec, uid: IdMapping[], gid: IdMapping[], denySetgroups: boolean): void {
  if (!isMapped(uid, 0))
    throw new RuntimeError('config.json: linux.uidMappings: container uid 0 is not mapped (the container is set up as root of its user namespace)');
  if (!isMapped(gid, 0))
    throw new RuntimeError('config.json: linux.gidMappings: container gid 0 is not mapped (the container is set up as root of its user namespace)');
  const user = spec.process?.user;
  if (!user) return;
  if (!isMapped(uid, user.uid)) throw new RuntimeError(`config.json: process.user.uid: ${user.uid} is not mapped by linux.uidMappings`);
  if (!isMapped(gid, user.gid)) throw new RuntimeError(`config.json: process.user.gid: ${user.gid} is not mapped by linux.gidMappings`);
  (user.additionalGids ?? []).forEach((g, i) => {
    if (!isMapped(gid, g)) throw new RuntimeError(`config.json: process.user.additionalGids[${i}]: ${g} is not mapped by linux.gidMappings`);
  });
  if (denySetgroups && (user.additionalGids ?? []).length > 0)
    throw new RuntimeError(
      'config.json: process.user.additionalGids: cannot be set when a rootless runtime maps only its own gid (setgroups is denied); map more gids through /etc/subgid and newgidmap',
    );
}

/** uid=N / gid=N mount data (devpts, tmpfs) must name ids that exist in the new namespace. */
function checkMountIds(spec: Spec, uid: IdMapping[], gid: IdMapping[]): void {
  (spec.mounts ?? []).forEach((m, i) => {
    (m.options ?? []).forEach((o, k) => {
      const r = /^(uid|gid)=(\d+)$/.exec(o);
      if (!r) return;
      const maps = r[1] === 'uid' ? uid : gid;
      if (!isMapped(maps, Number(r[2])))
        throw new RuntimeError(
          `config.json: mounts[${i}].options[${k}]: ${o} is not mapped by linux.${r[1]}Mappings (drop it, as runtime spec --rootless does)`,
        );
    });
  });
}

/**
 * Decides the user namespace part of the plan and completes the mount steps that depend on it
 * (id-mapped mounts, sources cloned before entering namespaces, sysfs without a network namespace).
 */
export function planUserNamespace(spec: Spec, ns: NamespacePlan, caller: Caller, mounts: MountStep[]): UserNamespacePlan {
  const fresh = ns.isNew('user');
  const joined = ns.has('user') && !fresh;
  const rootless = caller.uid !== 0;
  if (!ns.has('user') && rootless)
    throw new RuntimeError('config.json: linux.namespaces: an unprivileged runtime needs a user namespace (runtime spec --rootless writes one)');

  let idMaps: IdMapPlan | null = null;
  if (fresh) {
    const { uid, gid } = chooseMaps(spec, caller);
    const uidTool = rootless && !isOwnIdOnly(uid, caller.uid);
    const gidTool = rootless && !isOwnIdOnly(gid, caller.gid);
    idMaps = { uidMappings: uid, gidMappings: gid, uidTool, gidTool, denySetgroups: rootless && !gidTool };
    checkMapped(spec, uid, gid, idMaps.denySetgroups);
    checkMountIds(spec, uid, gid);
  }

  for (const step of mounts) {
    if (step.idmap) {
      if (rootless)
        throw new RuntimeError(`config.json: ${step.field}.options: id-mapped mounts need the runtime to run as root (the kernel lets only root id-map a host filesystem)`);
      if (!step.idmap.uidMap) {
        if (!idMaps)
          throw new RuntimeError(
            `config.json: ${step.field}: idmap without uidMappings/gidMappings takes the container's user namespace mappings, and ${joined ? 'a joined user namespace has none in config.json' : 'the container has no user namespace'}`,
          );
        step.idmap.uidMap = idMapText(idMaps.uidMappings);
        step.idmap.gidMap = idMapText(idMaps.gidMappings);
      }
    } else if (step.bind && !step.remount && (fresh || joined) && !rootless && ns.isNew('mount')) {
      // The container's root may not be able to reach a source the runtime can: clone it first.
      step.detached = true;
    }
    // sysfs belongs to the network namespace; in a user namespace without its own, bind the host's.
    // That bind brings the host's mounts below /sys along: give them the flags asked for sysfs.
    if (step.type === 'sysfs' && (fresh || joined) && !ns.isNew('network')) {
      step.fallbackBind = '/sys';
      const set = recursiveFlags(step.flags);
      if (set) step.recursiveAttrs = { set: (step.recursiveAttrs?.set ?? 0) | set, clear: step.recursiveAttrs?.clear ?? 0 };
    }
  }

  return { idMaps, joined, dumpable: fresh && rootless };
}

/** mount(2) flags as mount_setattr attributes (the bits that have both forms). */
function recursiveFlags(flags: number): number {
  let set = 0;
  if (flags & MS.RDONLY) set |= MOUNT_ATTR.RDONLY;
  if (flags & MS.NOSUID) set |= MOUNT_ATTR.NOSUID;
  if (flags & MS.NODEV) set |= MOUNT_ATTR.NODEV;
  if (flags & MS.NOEXEC) set |= MOUNT_ATTR.NOEXEC;
  return set;
}

/** The host ids of the container's root, for chown of what the runtime creates for it. */
export function hostRoot(idMaps: IdMapPlan | null): { uid: number; gid: number } | null {
  if (!idMaps) return null;
  const uid = hostIdOf(idMaps.uidMappings, 0);
  const gid = hostIdOf(idMaps.gidMappings, 0);
  return uid === undefined || gid === undefined ? null : { uid, gid };
}
