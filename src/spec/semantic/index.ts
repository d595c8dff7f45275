// Checks a schema cannot express, run after (and regardless of) the schema so that every
// problem is reported at once. Each check reads the raw document defensively: a value of
// the wrong type is the schema's to report, and is skipped here.
import { checkDevices } from './devices';
import { checkLinuxMisc } from './linux';
import { checkHooks, checkMounts } from './mounts';
import { checkNamespaces } from './namespaces';
import { checkProcess } from './process';
import { Findings, Obj } from './report';
import { checkCgroups } from './resources';
import { checkSeccomp } from './seccomp';
import { checkVersion } from './version';

export function semanticChecks(config: Obj, f: Findings): void {
  checkVersion(config, f);
  checkProcess(config, f);
  checkMounts(config, f);
  checkHooks(config, f);
  checkNamespaces(config, f);
  checkDevices(config, f);
  checkCgroups(config, f);
  checkSeccomp(config, f);
  checkLinuxMisc(config, f);
}
