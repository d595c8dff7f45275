// The validation corpora: small variations of test/fixtures/base-config.json that must be
// rejected with the expected JSON path (invalid-configs.json) or accepted (valid-configs.json).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateConfig } from '../../src/spec/validate';
import { baseConfig, buildConfig, loadCases } from '../fixtures/corpus';

// `config.json: <path>: <what is wrong> (<what is allowed>)`
const LINE = /^config\.json: [^\n]+?: [^\n]+ \([^\n]+\)$/;

test('the base config of the corpora is valid and warning-free', () => {
  assert.deepEqual(validateConfig(baseConfig()), { errors: [], warnings: [] });
});

test('invalid corpus: each variation is rejected at the expected path', async (t) => {
  const cases = loadCases('invalid-configs.json');
  assert.ok(cases.length >= 60, `only ${cases.length} invalid cases`);
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.ok(c.expectPath, 'case needs expectPath');
      const { errors } = validateConfig(buildConfig(c));
      const prefix = `config.json: ${c.expectPath}: `;
      const hit = errors.find((e) => e.startsWith(prefix));
      assert.ok(hit, `no error at ${c.expectPath}; got:\n${errors.join('\n') || '(no errors)'}`);
      if (c.expectText) assert.ok(hit.includes(c.expectText), `"${hit}" lacks "${c.expectText}"`);
      for (const e of errors) assert.match(e, LINE);
    });
  }
});

test('valid corpus: each variation is accepted, with exactly the expected warnings', async (t) => {
  const cases = loadCases('valid-configs.json');
  assert.ok(cases.length >= 20, `only ${cases.length} valid cases`);
  for (const c of cases) {
    await t.test(c.name, () => {
      const { errors, warnings } = validateConfig(buildConfig(c));
      assert.deepEqual(errors, []);
      const expected = c.warnings ?? [];
      assert.equal(warnings.length, expected.length, `warnings:\n${warnings.join('\n') || '(none)'}`);
      for (const text of expected) {
        assert.ok(
          warnings.some((w) => w.includes(text)),
          `no warning containing "${text}":\n${warnings.join('\n')}`,
        );
      }
      for (const w of warnings) assert.match(w, LINE);
    });
  }
});

test('all problems are reported at once', () => {
  const cases = loadCases('invalid-configs.json').filter((c) => c.set && !c.remove && !('replace' in c));
  // Combine edits that touch different top-level areas so none masks another.
  const picked = ['process.cwd relative', 'hook timeout zero', 'namespace type twice', 'cpu burst above quota', 'listenerMetadata without listenerPath'];
  const doc = buildConfig({ name: 'combined', set: Object.assign({}, ...picked.map((n) => cases.find((c) => c.name === n)!.set)) });
  const { errors } = validateConfig(doc);
  for (const name of picked) {
    const c = cases.find((x) => x.name === name)!;
    assert.ok(
      errors.some((e) => e.startsWith(`config.json: ${c.expectPath}: `)),
      `${name}: nothing at ${c.expectPath} in\n${errors.join('\n')}`,
    );
  }
});
