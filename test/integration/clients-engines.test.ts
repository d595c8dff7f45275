// A core subset of the end-to-end client scenarios (conformance/clients) inside the test
// suite: containerd, podman and Docker drive the runtime. Skipped where the engines are not
// installed (`npm run clients` installs them and runs every scenario) or CLIENTS_IN_TESTS=0.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import { integrationSkip, REPO } from '../helpers/runtime';

// Everything the driver would otherwise install with apt-get: a test never installs packages.
const ENGINES = ['/usr/bin/containerd', '/usr/bin/ctr', '/usr/bin/podman', '/usr/bin/conmon', '/usr/lib/podman/netavark', '/usr/lib/podman/aardvark-dns', '/usr/sbin/dockerd', '/usr/bin/docker', '/usr/sbin/iptables', '/usr/sbin/runc', '/usr/bin/script'];
const DRIVER = path.join(REPO, 'build/ts/conformance/clients/run.js');

function skipReason(): string | false {
  const base = integrationSkip();
  if (base) return base;
  if (process.env.CLIENTS_IN_TESTS === '0') return 'CLIENTS_IN_TESTS=0';
  const missing = ENGINES.filter((f) => !fs.existsSync(f));
  if (missing.length) return `engines not installed (${missing.join(' ')}): npm run clients installs them`;
  return false;
}

/** One or two scenarios of each kind per engine; the scenarios they need come along. */
const SUBSET = [
  'run prints output', 'detached', 'task exec$', 'task kill --all', 'tty with -t', 'exec with', 'stop and rm',
  'bridge network', 'published port', 'seccomp', 'setkey', 'user network', 'exit codes 127',
].join('|');

describe('the runtime under containerd, podman and Docker (a subset of npm run clients)', { skip: skipReason() }, () => {
  it('passes every scenario of the subset', { timeout: 8 * 60_000 }, () => {
    const r = spawnSync(process.execPath, [DRIVER], {
      env: { ...process.env, CLIENTS_FILTER: SUBSET, CLIENTS_BUDGET_S: '400' },
      encoding: 'utf8',
      timeout: 7 * 60_000,
      killSignal: 'SIGTERM',
    });
    const out = `${r.stdout}${r.stderr}`;
    const failed = out.split('\n').filter((l) => l.startsWith('FAIL '));
    assert.deepEqual(failed, [], out.slice(-4000));
    assert.match(r.stdout, /^clients: \d+ passed, 0 failed/m, out.slice(-4000));
    assert.equal(r.status, 0, out.slice(-4000));
  });
});
