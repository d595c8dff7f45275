// Every case file, in the order the suite runs them (spec section by section).
import type { Case } from '../lib/harness';
import { cases as annotations } from './annotations';
import { cases as cgroups } from './cgroups';
import { cases as commands } from './commands';
import { cases as config, invalidValues } from './config';
import { cases as devices } from './devices';
import { cases as exec } from './exec';
import { cases as features } from './features';
import { cases as hooks } from './hooks';
import { cases as idmap } from './idmap';
import { cases as lifecycle } from './lifecycle';
import { cases as linux } from './linux';
import { cases as mounts } from './mounts';
import { cases as namespaces } from './namespaces';
import { cases as processCases } from './process';
import { cases as seccomp } from './seccomp';
import { cases as state } from './state';
import { cases as terminal } from './terminal';

export function allCases(): Case[] {
  const all = [
    ...lifecycle, ...state, ...annotations, ...config, ...invalidValues, ...processCases, ...terminal, ...mounts, ...namespaces, ...idmap,
    ...devices, ...linux, ...cgroups, ...seccomp, ...hooks, ...exec, ...commands, ...features,
  ];
  const seen = new Set<string>();
  for (const c of all) {
    if (seen.has(c.name)) throw new Error(`duplicate case name: ${c.name}`);
    seen.add(c.name);
  }
  return all;
}
