// The compiled-filter cache must never serve an entry someone else could have written.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { compileSeccomp, type SeccompNative } from '../../src/seccomp/compile';
import { cacheKey, privateDir, readCached, writeCached } from '../../src/seccomp/cache';
import type { Seccomp } from '../../src/spec/types';

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'seccomp-cache-test-'));
after(() => fs.rmSync(base, { recursive: true, force: true }));

const entry = { bpf: Buffer.alloc(16, 7), skipped: [] };

function counting(): SeccompNative & { calls: number } {
  const fake = {
    calls: 0,
    compileSeccomp() {
      fake.calls++;
      return { bpf: Buffer.alloc(16, fake.calls), skipped: [] };
    },
    resolveSyscalls: (names: string[], archs: number[]) => archs.map(() => names.map((_, i) => i)),
  };
  return fake;
}

const profile: Seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }] };

test('a fresh cache directory is created private and used', () => {
  const dir = path.join(base, 'fresh', 'cache');
  writeCached(dir, 'k', entry);
  assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
  assert.ok(privateDir(dir));
  assert.deepEqual(readCached(dir, 'k'), entry);
});

test('a cache directory others can write is neither read nor written', () => {
  const dir = path.join(base, 'open');
  fs.mkdirSync(dir, { mode: 0o700 });
  // A planted entry, as someone with write access to the directory could leave it.
  const key = 'planted';
  fs.writeFileSync(path.join(dir, `${key}.json`), JSON.stringify({ bpf: entry.bpf.toString('base64'), skipped: [] }));
  fs.chmodSync(dir, 0o777);
  assert.equal(privateDir(dir), false);
  assert.equal(readCached(dir, key), undefined);
  writeCached(dir, 'other', entry);
  assert.equal(fs.existsSync(path.join(dir, 'other.json')), false);
  fs.chmodSync(dir, 0o750);
  assert.equal(readCached(dir, key), undefined, 'group access is enough to refuse it');
  fs.chmodSync(dir, 0o700);
  assert.deepEqual(readCached(dir, key), entry);
});

test('a symlink in place of the cache directory is not followed', () => {
  const real = path.join(base, 'real');
  fs.mkdirSync(real, { mode: 0o700 });
  writeCached(real, 'k', entry);
  const link = path.join(base, 'link');
  fs.symlinkSync(real, link);
  assert.equal(privateDir(link), false);
  assert.equal(readCached(link, 'k'), undefined);
});

test('compileSeccomp compiles afresh when the cache directory is not private', () => {
  const dir = path.join(base, 'shared');
  fs.mkdirSync(dir, { mode: 0o777 });
  fs.chmodSync(dir, 0o777);
  const fake = counting();
  compileSeccomp(fake, profile, { cacheDir: dir });
  compileSeccomp(fake, profile, { cacheDir: dir });
  assert.equal(fake.calls, 2);
  assert.deepEqual(fs.readdirSync(dir), []);
  assert.match(cacheKey(['x']), /^[0-9a-f]{64}$/);
});
