// mounts: destinations, per-mount id mappings and the idmap options.
import { checkIdMappings } from './mappings';
import { Findings, Obj, SPEC, arr, obj, show, str } from './report';
import { hasNamespace } from './namespaces';

export function checkMounts(config: Obj, f: Findings): void {
  const userns = hasNamespace(config, 'user');
  arr(config.mounts).forEach((entry, i) => {
    const mount = obj(entry);
    if (!mount) return;
    const at = ['mounts', i];
    const destination = str(mount.destination);
    // Relative destinations are deprecated but allowed on Linux (taken as relative to "/").
    if (destination !== undefined && destination !== '' && !destination.startsWith('/')) {
      f.warn(
        [...at, 'destination'],
        `relative destination ${show(destination)} is deprecated`,
        `it is taken as relative to "/"; write "/${destination}"; ${SPEC.mounts}`,
      );
    }

    const hasUid = mount.uidMappings !== undefined;
    const hasGid = mount.gidMappings !== undefined;
    // "If specified, it MUST be specified along with gidMappings" (and the other way round).
    if (hasUid !== hasGid) {
      const [given, missing] = hasUid ? ['uidMappings', 'gidMappings'] : ['gidMappings', 'uidMappings'];
      f.error([...at, missing], `missing while ${given} is set`, `uidMappings and gidMappings go together; ${SPEC.posixMounts}`);
    }
    if (hasUid) checkIdMappings(mount.uidMappings, [...at, 'uidMappings'], f);
    if (hasGid) checkIdMappings(mount.gidMappings, [...at, 'gidMappings'], f);

    const options = arr(mount.options).filter((o): o is string => typeof o === 'string');
    const idmapOption = options.find((o) => o === 'idmap' || o === 'ridmap');
    if ((hasUid || hasGid) && !idmapOption) {
      f.warn(
        [...at, 'options'],
        'id mappings are set without an "idmap" or "ridmap" option',
        `add "idmap" (or "ridmap" for a recursive bind) so runtimes that ignore the mappings fail instead; ${SPEC.posixMounts}`,
      );
    }
    // Without mappings of its own, an idmapped mount borrows the container's user namespace;
    // with neither, the spec says an error MUST be returned.
    if (idmapOption && !hasUid && !hasGid && !userns) {
      f.error(
        [...at, 'options'],
        `option "${idmapOption}" has no mapping to apply: the mount has no uidMappings/gidMappings and the container has no user namespace`,
        `give the mount uidMappings and gidMappings, or add a user namespace; ${SPEC.mountOptions}`,
      );
    }
  });
}

export function checkHooks(config: Obj, f: Findings): void {
  const hooks = obj(config.hooks);
  if (!hooks) return;
  // Path and timeout rules are in the schema (absolute path, timeout >= 1); prestart is deprecated.
  if (arr(hooks.prestart).length > 0) {
    f.warn(
      ['hooks', 'prestart'],
      'prestart hooks are deprecated',
      `they still run, before createRuntime; prefer createRuntime, createContainer or startContainer; ${SPEC.hooks}`,
    );
  }
}
