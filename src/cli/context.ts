// What every command gets from the global flags.
import { StateStore } from '../state/store';

export interface GlobalOptions {
  root: string;
  log?: string;
  logFormat?: string;
  debug?: boolean;
  systemdCgroup?: boolean;
  rootless?: string;
}

export function storeOf(g: GlobalOptions): StateStore {
  return new StateStore(g.root);
}
