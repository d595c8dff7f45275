// The v2 driver on this host's cgroup2 tree (/sys/fs/cgroup/unified). It has no resource
// controllers here, so this covers what works: create, join, freeze, pids, cpu stats,
// kill (cgroup.kill and signal-all), destroy, and errors naming fields for the rest.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { cgroupManagerFor, CgroupError } from '../../src/cgroups/manager';
import { NO_DEVICE_PROGRAM } from '../../src/cgroups/v2-driver';
import { removeCgroupDir } from '../../src/cgroups/fsutil';

const UNIFIED = '/sys/fs/cgroup/unified';
const BASE = `/runtime-test-${randomBytes(4).toString('hex')}`;
const usable = process.getuid?.() === 0 && fs.existsSync(`${UNIFIED}/cgroup.procs`);
const children: ChildProcess[] = [];
const read = (p: string) => fs.readFileSync(p, 'utf8').trim();

const exited = (c: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) resolve({ code: c.exitCode, signal: c.signalCode });
    else c.once('exit', (code, signal) => resolve({ code, signal }));
  });

function sleeper(): ChildProcess {
  const c = spawn('sleep', ['1000'], { stdio: 'ignore' });
  children.push(c);
  return c;
}

async function cleanup(): Promise<void> {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(children.map(exited));
  const d = path.join(UNIFIED, BASE);
  if (fs.existsSync(path.join(d, 'cgroup.freeze'))) fs.writeFileSync(path.join(d, 'cgroup.freeze'), '0');
  removeCgroupDir(d, 3000);
}

async function until(what: string, ok: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const manager = (name: string) => cgroupManagerFor({ id: name, root: UNIFIED, cgroupsPath: `${BASE}/${name}` });

describe('cgroups v2 driver on the unified tree', { skip: !usable && 'needs root and a cgroup2 tree' }, () => {
  before(cleanup);
  after(cleanup);

  test('create and join: the process shows the v2 path', async () => {
    const m = manager('u1');
    assert.equal(m.toState().driver, 'v2');
    m.create();
    assert.ok(fs.existsSync(`${UNIFIED}${BASE}/u1/cgroup.procs`));
    assert.deepEqual(m.apply({}), []);
    const child = sleeper();
    m.join(child.pid!);
    assert.ok(read(`/proc/${child.pid}/cgroup`).split('\n').includes(`0::${BASE}/u1`));
    assert.deepEqual(m.pids(), [child.pid]);
    assert.match(read(`${UNIFIED}${BASE}/u1/cgroup.events`), /populated 1/);
    const s = m.stats();
    assert.equal(s.pids.current, 1); // counted from cgroup.procs: no pids controller here
    assert.equal(typeof s.cpu.usage.user, 'number');
    m.kill(9); // cgroup.kill
    assert.equal((await exited(child)).signal, 'SIGKILL');
    await until('cgroup.events populated 0', () => /populated 0/.test(read(`${UNIFIED}${BASE}/u1/cgroup.events`)));
    m.destroy();
    assert.ok(!fs.existsSync(`${UNIFIED}${BASE}/u1`));
  });

  test('freeze and thaw through cgroup.freeze; kill works on a frozen cgroup', async () => {
    const m = manager('u2');
    m.create();
    const child = sleeper();
    m.join(child.pid!);
    m.freeze();
    assert.equal(m.state(), 'frozen');
    assert.match(read(`${UNIFIED}${BASE}/u2/cgroup.events`), /frozen 1/);
    m.thaw();
    assert.equal(m.state(), 'thawed');
    assert.match(read(`${UNIFIED}${BASE}/u2/cgroup.events`), /frozen 0/);
    m.freeze();
    m.kill(9);
    assert.equal((await exited(child)).signal, 'SIGKILL');
    m.thaw();
    await until('the cgroup to empty', () => m.pids().length === 0);
    m.destroy();
  });

  test('kill with another signal reaches every process', async () => {
    const m = manager('u3');
    m.create();
    const a = sleeper();
    const b = sleeper();
    m.join(a.pid!);
    m.join(b.pid!);
    m.kill(15);
    assert.equal((await exited(a)).signal, 'SIGTERM');
    assert.equal((await exited(b)).signal, 'SIGTERM');
    assert.equal(m.state(), 'thawed');
    await until('the cgroup to empty', () => m.pids().length === 0);
    m.destroy();
  });

  test('resources without a controller here are errors naming the field', () => {
    const m = manager('u4');
    m.create();
    const dir = `${UNIFIED}${BASE}/u4`;
    assert.throws(() => m.apply({ pids: { limit: 10 } }),
      (e: unknown) => e instanceof CgroupError && e.message === `linux.resources.pids.limit: no pids controller in the cgroup v2 tree at ${dir}`);
    assert.throws(() => m.apply({ memory: { limit: 1048576 } }), { message: `linux.resources.memory.limit: no memory controller in the cgroup v2 tree at ${dir}` });
    assert.throws(() => m.apply({ devices: [{ allow: false, access: 'rwm' }] }), { message: `linux.resources.devices: ${NO_DEVICE_PROGRAM}` });
    // core files work through unified
    m.apply({ unified: { 'cgroup.max.descendants': '5' } });
    assert.equal(read(`${dir}/cgroup.max.descendants`), '5');
    m.destroy();
  });
});

test('no unified test directory is left behind', () => {
  assert.ok(!fs.existsSync(path.join(UNIFIED, BASE)));
});
