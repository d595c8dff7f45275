// The cgroup v2 device program built by device-filter.ts, checked by the kernel itself:
// a small C helper (compiled here; the addon will do the same with its own code) loads the
// bytecode with bpf(BPF_PROG_LOAD), which runs the verifier, and attaches it to a cgroup
// in the unified tree. Then a shell in that cgroup opens allowed and denied devices.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { cgroupManagerFor, type DeviceProgramLoader } from '../../src/cgroups/manager';
import { removeCgroupDir } from '../../src/cgroups/fsutil';

const UNIFIED = '/sys/fs/cgroup/unified';
const BASE = `/runtime-test-${randomBytes(4).toString('hex')}`;
const hasCc = spawnSync('cc', ['--version']).status === 0;
const usable = process.getuid?.() === 0 && fs.existsSync(`${UNIFIED}/cgroup.procs`) && hasCc;

const LOADER_C = String.raw`
#include <linux/bpf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
/* usage: loader PROGRAM_FILE CGROUP_DIR LICENSE */
int main(int argc, char **argv) {
  if (argc != 4) return 2;
  static unsigned char code[65536];
  int f = open(argv[1], O_RDONLY);
  ssize_t n = f < 0 ? -1 : read(f, code, sizeof code);
  if (n <= 0 || n % 8) { perror("read program"); return 1; }
  static char log[65536];
  union bpf_attr a;
  memset(&a, 0, sizeof a);
  a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  a.insns = (unsigned long)code;
  a.insn_cnt = n / 8;
  a.license = (unsigned long)argv[3];
  a.log_buf = (unsigned long)log;
  a.log_size = sizeof log;
  a.log_level = 1;
  int prog = syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof a);
  if (prog < 0) { perror("BPF_PROG_LOAD"); fputs(log, stderr); return 1; }
  int cg = open(argv[2], O_RDONLY | O_DIRECTORY);
  if (cg < 0) { perror("open cgroup"); return 1; }
  memset(&a, 0, sizeof a);
  a.target_fd = cg;
  a.attach_bpf_fd = prog;
  a.attach_type = BPF_CGROUP_DEVICE;
  if (syscall(SYS_bpf, BPF_PROG_ATTACH, &a, sizeof a) < 0) { perror("BPF_PROG_ATTACH"); return 1; }
  return 0;
}
`;

describe('cgroup v2 device program in the kernel', { skip: !usable && 'needs root, a cgroup2 tree and a C compiler' }, () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-bpf-'));
  after(() => {
    removeCgroupDir(path.join(UNIFIED, BASE), 3000);
    fs.rmSync(work, { recursive: true, force: true });
  });

  test('the verifier accepts the program and it allows and denies as the rules say', () => {
    fs.writeFileSync(path.join(work, 'loader.c'), LOADER_C);
    execFileSync('cc', ['-O2', '-o', path.join(work, 'loader'), path.join(work, 'loader.c')]);
    const load: DeviceProgramLoader = (dir, bytecode, license) => {
      const file = path.join(work, 'prog.bin');
      fs.writeFileSync(file, bytecode);
      const r = spawnSync(path.join(work, 'loader'), [file, dir, license], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(r.stderr.trim());
    };
    const m = cgroupManagerFor({ id: 'd1', root: UNIFIED, cgroupsPath: `${BASE}/d1`, loadDeviceProgram: load });
    m.create();
    m.apply({
      devices: [
        { allow: false, access: 'rwm' },
        { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' }, // /dev/null
        { allow: true, type: 'c', major: 1, minor: 9, access: 'r' }, // /dev/urandom, read only
      ],
    });
    // A shell that joins the cgroup itself (echo $$ > cgroup.procs) before touching devices.
    const probe = (script: string) => spawnSync('sh', ['-c', `echo $$ > ${UNIFIED}${BASE}/d1/cgroup.procs && ${script}`], { encoding: 'utf8' });
    assert.equal(probe('echo ok > /dev/null').status, 0, 'c 1:3 allowed');
    assert.equal(probe('head -c 1 /dev/urandom > /dev/null').status, 0, 'c 1:9 readable');
    const w = probe('echo x > /dev/urandom');
    assert.notEqual(w.status, 0, 'c 1:9 not writable');
    assert.match(w.stderr, /Operation not permitted/);
    const z = probe('head -c 1 /dev/zero');
    assert.notEqual(z.status, 0, 'c 1:5 denied');
    assert.match(z.stderr, /Operation not permitted/);
    m.destroy();
  });

  test('the addon loads and attaches the same program (what the runtime uses on cgroup v2)', () => {
    const { native } = require('../../src/native') as typeof import('../../src/native');
    const m = cgroupManagerFor({ id: 'd2', root: UNIFIED, cgroupsPath: `${BASE}/d2`, loadDeviceProgram: (d, b, l) => native().loadDeviceProgram(d, b, l) });
    m.create();
    m.apply({ devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' }] });
    const probe = (script: string) => spawnSync('sh', ['-c', `echo $$ > ${UNIFIED}${BASE}/d2/cgroup.procs && ${script}`], { encoding: 'utf8' });
    assert.equal(probe('echo ok > /dev/null').status, 0, 'c 1:3 allowed');
    const z = probe('head -c 1 /dev/zero');
    assert.notEqual(z.status, 0, 'c 1:5 denied');
    assert.match(z.stderr, /Operation not permitted/);
    m.destroy();
  });
});
