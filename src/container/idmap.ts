// Writing a new user namespace's id maps while its first process waits for "go".
// As root: straight into /proc/PID/{uid,gid}_map. Unprivileged: the kernel allows a direct
// write only of the caller's own id (and gid_map only after "deny" in setgroups); any other
// mapping goes through the setuid newuidmap/newgidmap, which check /etc/subuid and /etc/subgid.
import { spawnSync } from 'child_process';
import * as fs from 'fs';

import { idMapText, type IdMapPlan } from '../plan/idmap';
import type { IdMapping } from '../spec/types';
import { RuntimeError } from '../util/errors';

const TOOL_DIRS = ['/usr/bin', '/bin', '/usr/sbin', '/sbin', '/usr/local/bin'];

function findTool(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').filter(Boolean).concat(TOOL_DIRS)) {
    const p = `${dir}/${name}`;
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  return undefined;
}

function writeProc(pid: number, file: string, text: string, field: string): void {
  try {
    fs.writeFileSync(`/proc/${pid}/${file}`, text);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new RuntimeError(`config.json: ${field}: writing /proc/${pid}/${file} failed: ${code}`);
  }
}

function runTool(name: 'newuidmap' | 'newgidmap', pid: number, maps: IdMapping[], field: string): void {
  const sub = name === 'newuidmap' ? '/etc/subuid' : '/etc/subgid';
  const tool = findTool(name);
  if (!tool)
    throw new RuntimeError(
      `config.json: ${field}: mapping more than your own id needs ${name} (Debian package uidmap) and a range in ${sub}, or a single mapping of your own id`,
    );
  const args = [String(pid), ...maps.flatMap((m) => [String(m.containerID), String(m.hostID), String(m.size)])];
  const r = spawnSync(tool, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) throw new RuntimeError(`config.json: ${field}: running ${tool}: ${r.error.message}`);
  if (r.status !== 0) {
    const why = (r.stderr || r.stdout || '').trim().split('\n').pop() || `exit status ${r.status}`;
    throw new RuntimeError(`config.json: ${field}: ${name} ${args.join(' ')} failed (check ${sub}): ${why}`);
  }
}

export function writeIdMaps(pid: number, plan: IdMapPlan): void {
  if (plan.uidTool) runTool('newuidmap', pid, plan.uidMappings, 'linux.uidMappings');
  else writeProc(pid, 'uid_map', idMapText(plan.uidMappings), 'linux.uidMappings');
  if (plan.denySetgroups) writeProc(pid, 'setgroups', 'deny', 'linux.gidMappings');
  if (plan.gidTool) runTool('newgidmap', pid, plan.gidMappings, 'linux.gidMappings');
  else writeProc(pid, 'gid_map', idMapText(plan.gidMappings), 'linux.gidMappings');
}
