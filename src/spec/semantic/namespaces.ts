// linux.namespaces and the settings that only make sense with a given namespace.
import { checkIdMappings } from './mappings';
import { Findings, Obj, SPEC, arr, obj, str } from './report';

function namespaceEntries(config: Obj): { type: string; path?: string }[] {
  const linux = obj(config.linux);
  const out: { type: string; path?: string }[] = [];
  for (const entry of arr(linux?.namespaces)) {
    const ns = obj(entry);
    const type = str(ns?.type);
    if (type !== undefined) out.push({ type, path: str(ns?.path) });
  }
  return out;
}

/** True when linux.namespaces lists the type (new or joined by path). */
export function hasNamespace(config: Obj, type: string): boolean {
  return namespaceEntries(config).some((ns) => ns.type === type);
}

export function checkNamespaces(config: Obj, f: Findings): void {
  const linux = obj(config.linux);
  if (!linux) {
    checkUts(config, f);
    return;
  }
  // "If a namespaces field contains duplicated namespaces with same type, the runtime MUST generate an error."
  const firstAt = new Map<string, number>();
  arr(linux.namespaces).forEach((entry, i) => {
    const type = str(obj(entry)?.type);
    if (type === undefined) return;
    const first = firstAt.get(type);
    if (first !== undefined) {
      f.error(
        ['linux', 'namespaces', i, 'type'],
        `namespace type "${type}" is listed again; first at linux.namespaces[${first}]`,
        `each namespace type may appear once; ${SPEC.namespaces}`,
      );
    } else firstAt.set(type, i);
  });
  // Whether a namespace path really is a namespace of that type can only be checked on the
  // host, when the container is created; that it is absolute is in the schema.

  const entries = namespaceEntries(config);
  const find = (type: string) => entries.find((ns) => ns.type === type);
  checkUserMappings(linux, find('user'), f);
  checkUts(config, f);

  const time = find('time');
  if (obj(linux.timeOffsets) && Object.keys(obj(linux.timeOffsets) ?? {}).length > 0) {
    if (!time) {
      f.warn(
        ['linux', 'timeOffsets'],
        'time offsets are set but linux.namespaces has no "time" namespace',
        `offsets apply only to a new time namespace, so they are ignored; add {"type": "time"}; ${SPEC.timeOffsets}`,
      );
    } else if (time.path !== undefined) {
      f.warn(
        ['linux', 'timeOffsets'],
        'time offsets are set while joining an existing time namespace',
        `offsets are fixed when a time namespace is created, so they are ignored; ${SPEC.timeOffsets}`,
      );
    }
  }

  // Network devices move into the container's network namespace; without one there is
  // nowhere to move them, and the spec says the runtime MUST check that the move is possible.
  const netDevices = obj(linux.netDevices);
  if (netDevices && Object.keys(netDevices).length > 0 && !find('network')) {
    f.error(
      ['linux', 'netDevices'],
      'network devices are listed but linux.namespaces has no "network" namespace',
      `devices are moved into the container's network namespace; add {"type": "network"}; ${SPEC.netDevices}`,
    );
  }

  checkSysctlNamespaces(linux, find, f);
}

function checkUserMappings(linux: Obj, userns: { type: string; path?: string } | undefined, f: Findings): void {
  const uid = linux.uidMappings;
  const gid = linux.gidMappings;
  if (uid !== undefined) checkIdMappings(uid, ['linux', 'uidMappings'], f);
  if (gid !== undefined) checkIdMappings(gid, ['linux', 'gidMappings'], f);
  const any = arr(uid).length > 0 || arr(gid).length > 0;
  if (!any) return; // a user namespace without mappings is valid (rootless: the caller is mapped)
  if (!userns) {
    f.warn(
      ['linux', arr(uid).length > 0 ? 'uidMappings' : 'gidMappings'],
      'mappings are set but linux.namespaces has no "user" namespace',
      `mappings apply to a new user namespace, so they are ignored; add {"type": "user"}; ${SPEC.userMappings}`,
    );
  } else if (userns.path !== undefined) {
    f.warn(
      ['linux', arr(uid).length > 0 ? 'uidMappings' : 'gidMappings'],
      'mappings are set while joining an existing user namespace',
      `a joined user namespace keeps its own mappings, so these are ignored; ${SPEC.userMappings}`,
    );
  } else if (arr(uid).length === 0 || arr(gid).length === 0) {
    const missing = arr(uid).length === 0 ? 'uidMappings' : 'gidMappings';
    f.warn(
      ['linux', missing],
      `no ${missing} while the other map is set`,
      `ids without a mapping appear as the overflow id (65534) and cannot be switched to; ${SPEC.userMappings}`,
    );
  }
}

// hostname and domainname change the UTS namespace the container is in; without a uts
// entry that is the host's own. The spec allows it; runc refuses it; we warn.
function checkUts(config: Obj, f: Findings): void {
  if (hasNamespace(config, 'uts')) return;
  for (const field of ['hostname', 'domainname'] as const) {
    const value = str(config[field]);
    if (value !== undefined && value !== '') {
      f.warn(
        [field],
        `${field} is set but linux.namespaces has no "uts" namespace`,
        `it would change the host's ${field}; add {"type": "uts"}; ${SPEC.hostname}`,
      );
    }
  }
}

// Namespaced sysctls written without the matching namespace change the host's settings.
function checkSysctlNamespaces(
  linux: Obj,
  find: (type: string) => { type: string; path?: string } | undefined,
  f: Findings,
): void {
  const sysctl = obj(linux.sysctl);
  if (!sysctl) return;
  for (const key of Object.keys(sysctl)) {
    const name = key.replace(/\//g, '.');
    let needs: string | undefined;
    if (name.startsWith('net.')) needs = 'network';
    else if (/^(kernel\.(msg|sem|shm)|fs\.mqueue\.)/.test(name)) needs = 'ipc';
    else if (name === 'kernel.hostname' || name === 'kernel.domainname') needs = 'uts';
    if (needs && !find(needs)) {
      f.warn(
        ['linux', 'sysctl', key],
        `${key} belongs to the ${needs} namespace, which linux.namespaces does not list`,
        `it would change the host's value; add {"type": "${needs}"}; ${SPEC.sysctl}`,
      );
    }
  }
}
