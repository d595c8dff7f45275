// ociVersion: the spec requires SemVer 2.0.0 and keeps compatibility within a major version,
// so any 1.x.y (pre-releases like Docker's 1.0.2-dev included) is ours; another major is not.
import { Findings, Obj, SPEC, show, str } from './report';

import { SPEC_VERSION } from '../version';

export { SPEC_VERSION };
const [OUR_MAJOR, OUR_MINOR] = SPEC_VERSION.split('.').map(Number);

// SemVer 2.0.0: no leading zeros in numeric parts, optional pre-release and build metadata.
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

export function checkVersion(config: Obj, f: Findings): void {
  const version = str(config.ociVersion);
  if (version === undefined) return; // missing or not a string: the schema says so
  const m = SEMVER.exec(version);
  if (!m) {
    f.error(
      ['ociVersion'],
      `${show(version)} is not a semantic version`,
      `expected MAJOR.MINOR.PATCH such as ${SPEC_VERSION}, optionally with a -pre-release suffix; ${SPEC.version}`,
    );
    return;
  }
  const major = Number(m[1]);
  const minor = Number(m[2]);
  if (major !== OUR_MAJOR) {
    f.error(
      ['ociVersion'],
      `version ${version} has major version ${major}, which this runtime does not implement`,
      `expected ${OUR_MAJOR}.x.y; this runtime implements ${SPEC_VERSION} and the spec is compatible only within a major version; ${SPEC.version}`,
    );
  } else if (minor > OUR_MINOR) {
    f.warn(
      ['ociVersion'],
      `version ${version} is newer than ${SPEC_VERSION}, the version this runtime implements`,
      `properties added after ${SPEC_VERSION} are ignored; ${SPEC.version}`,
    );
  }
}
