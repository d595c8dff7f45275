// validateConfig against the real configs other tools write, validateState, requireProcess,
// and the properties of the validator itself (message format, no ajv at run time).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { SECCOMP_ACTIONS, SECCOMP_ARCHITECTURES, SECCOMP_FLAGS, SECCOMP_OPERATORS } from '../../src/spec/semantic/known';
import { requireProcess, validateConfig, validateState } from '../../src/spec/validate';
import { baseConfig, readJson, repoRoot } from '../fixtures/corpus';

const SHARED_CONFIGS = '/work/shared/configs';
const haveShared = fs.existsSync(SHARED_CONFIGS);

test(
  'every real config in /work/shared/configs validates with no errors',
  { skip: haveShared ? false : `${SHARED_CONFIGS} is not on this machine` },
  async (t) => {
    const files = fs.readdirSync(SHARED_CONFIGS).filter((f) => f.endsWith('.json'));
    assert.ok(files.length > 0, 'no configs found');
    for (const file of files) {
      await t.test(file, () => {
        const { errors } = validateConfig(readJson(path.join(SHARED_CONFIGS, file)));
        assert.deepEqual(errors, []);
      });
    }
  },
);

test(
  'rootless configs: a user namespace without mappings passes without warnings about it',
  { skip: haveShared ? false : `${SHARED_CONFIGS} is not on this machine` },
  () => {
    const config = readJson(path.join(SHARED_CONFIGS, 'crun-spec-rootless.json')) as { linux: { namespaces: { type: string }[]; uidMappings?: unknown } };
    assert.ok(config.linux.namespaces.some((ns) => ns.type === 'user'));
    assert.equal(config.linux.uidMappings, undefined);
    assert.deepEqual(validateConfig(config), { errors: [], warnings: [] });
  },
);

test('Docker configs warn about the deprecated prestart hook but pass', { skip: haveShared ? false : 'no shared configs' }, () => {
  const { errors, warnings } = validateConfig(readJson(path.join(SHARED_CONFIGS, 'docker-run-default.json')));
  assert.deepEqual(errors, []);
  assert.deepEqual(
    warnings.map((w) => w.split(':').slice(0, 2).join(':')),
    ['config.json: hooks.prestart'],
  );
});

test('a document that is not an object gets one clear error', () => {
  for (const doc of [null, [], 'config', 3]) {
    const { errors } = validateConfig(doc);
    assert.equal(errors.length, 1);
    assert.match(errors[0], /^config\.json: \(top level\): got .+ \(expected an object/);
  }
});

test('error lines name the path, the problem and what is allowed', () => {
  const config = baseConfig() as { process: { user: Record<string, unknown> }; linux: { namespaces: unknown[] } };
  config.process.user.uid = '0';
  config.linux.namespaces[1] = { type: 'net' };
  const { errors } = validateConfig(config);
  assert.deepEqual(errors, [
    'config.json: process.user.uid: got the string "0" (expected an integer from 0 to 4294967295)',
    'config.json: linux.namespaces[1].type: got "net" (expected one of pid, network, mount, ipc, uts, user, cgroup, time)',
  ]);
});

test('map keys that are not identifiers are quoted in paths', () => {
  const config = baseConfig() as { linux: { sysctl: Record<string, unknown> } };
  config.linux.sysctl['net.core.somaxconn'] = 256;
  assert.deepEqual(validateConfig(config).errors, [
    'config.json: linux.sysctl["net.core.somaxconn"]: got the number 256 (expected a string)',
  ]);
});

test('semantic errors cite the spec', () => {
  const config = baseConfig() as { process: { rlimits: { soft: number }[] } };
  config.process.rlimits[1].soft = 10000;
  const { errors } = validateConfig(config);
  assert.equal(errors.length, 1);
  assert.match(errors[0], /^config\.json: process\.rlimits\[1\]\.soft: soft limit 10000 is above the hard limit 4096 \(.*config\.md#configPOSIXProcess\)$/);
});

test('requireProcess: process is required to start', () => {
  assert.deepEqual(requireProcess(baseConfig()), []);
  const config = baseConfig();
  delete config.process;
  assert.deepEqual(validateConfig(config).errors, [], 'create may validate a config without process');
  const errors = requireProcess(config);
  assert.equal(errors.length, 1);
  assert.match(errors[0], /^config\.json: process: missing \(required to start the container.*runtime\.md#runtimeStart\)$/);
});

test('state: a state as the state command prints it validates', () => {
  const state = {
    ociVersion: '1.3.0',
    id: 'web-1',
    pid: 4422,
    status: 'running',
    bundle: '/containers/web',
    rootfs: '/containers/web/rootfs',
    created: '2025-01-01T00:00:00.000000000Z',
    owner: '',
    annotations: { 'com.example.key': 'value' },
  };
  assert.deepEqual(validateState(state), []);
  assert.deepEqual(validateState({ ociVersion: '1.3.0', id: 'x', status: 'stopped', bundle: '/b' }), [], 'stopped needs no pid');
  assert.deepEqual(validateState({ ...state, status: 'paused' }), [], 'runtimes may add states');
});

test('state: invalid states are rejected at the right path', () => {
  const good = { ociVersion: '1.3.0', id: 'web-1', pid: 1, status: 'created', bundle: '/b' };
  const cases: [Record<string, unknown>, string][] = [
    [{ ...good, id: undefined }, 'state: id: missing'],
    [{ ...good, id: '' }, 'state: id: got ""'],
    [{ ...good, status: 7 }, 'state: status: got the number 7'],
    [{ ...good, pid: -1 }, 'state: pid: got -1'],
    [{ ...good, pid: undefined }, 'state: pid: missing while status is "created"'],
    [{ ...good, bundle: 'relative' }, 'state: bundle: got "relative"'],
    [{ ...good, annotations: { k: 1 } }, 'state: annotations.k: got the number 1'],
  ];
  for (const [state, prefix] of cases) {
    const errors = validateState(JSON.parse(JSON.stringify(state)));
    assert.ok(errors.some((e) => e.startsWith(prefix)), `${prefix}: got ${JSON.stringify(errors)}`);
  }
});

test('validation loads no ajv module and compiles nothing at run time', () => {
  assert.ok(!Object.keys(require.cache).some((k) => k.includes(`${path.sep}node_modules${path.sep}ajv${path.sep}`)));
  const generated = fs.readFileSync(path.join(repoRoot(), 'src', 'spec', 'generated', 'validators.js'), 'utf8');
  assert.ok(!/\brequire\(/.test(generated), 'generated validators must not require anything');
});

test('schemas leave objects open, as the spec requires for unknown properties', () => {
  for (const file of ['defs.json', 'config.json', 'config-linux.json', 'state.json']) {
    const text = fs.readFileSync(path.join(repoRoot(), 'schemas', file), 'utf8');
    assert.ok(!text.includes('"additionalProperties": false'), `${file} closes an object`);
  }
});

test('the seccomp name lists in known.ts match the schema enums', () => {
  const linux = readJson(path.join(repoRoot(), 'schemas', 'config-linux.json')) as { definitions: Record<string, { enum: string[] }> };
  assert.deepEqual(SECCOMP_ACTIONS, linux.definitions.seccompAction.enum);
  assert.deepEqual(SECCOMP_ARCHITECTURES, linux.definitions.seccompArch.enum);
  assert.deepEqual(SECCOMP_OPERATORS, linux.definitions.seccompOperator.enum);
  assert.deepEqual(SECCOMP_FLAGS, linux.definitions.seccompFlag.enum);
});

test('every message stays on one line, whatever strings the config holds', () => {
  const config = baseConfig() as { linux: { devices: unknown[]; sysctl: Record<string, string> }; process: { rlimits: unknown[] } };
  config.linux.devices.push({ path: '/dev/fuse', type: 'c', major: 1, minor: 1 }, { path: '/dev/a\nb', type: 'c', major: 1, minor: 2 }, { path: '/dev/a\nb', type: 'b', major: 1, minor: 2 });
  config.linux.sysctl['net.a\u2028b'] = '1';
  config.process.rlimits.push({ type: 'RLIMIT_\rX', soft: 1, hard: 1 }, { type: 'RLIMIT_\rX', soft: 1, hard: 1 });
  const { errors, warnings } = validateConfig(config);
  assert.ok(errors.length >= 3);
  for (const line of [...errors, ...warnings]) assert.ok(!/[\n\r\u2028\u2029]/.test(line), JSON.stringify(line));
  assert.ok(errors.some((e) => e.includes('/dev/a\\nb is listed again')));
});
