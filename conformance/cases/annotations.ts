// config.md#annotations and runtime.md#state: annotations travel from config.json to the state.
import { checker, type Case } from '../lib/harness';

export const cases: Case[] = [
  {
    name: 'config.md#annotations: annotations from config.json appear in the state',
    run(t) {
      const annotations = { 'org.example.key': 'value', 'com.example.empty': '', 'org.opencontainers.image.os': 'linux', 'x.unicode': 'ünï ✓' };
      const b = t.bundle(checker(['all']), (s) => {
        s.annotations = annotations;
      });
      const id = t.mustCreate(b);
      t.eq(t.state(id).state?.annotations, annotations, 'state.annotations');
    },
  },
  {
    name: 'runtime.md#state: without annotations the state has none, or an empty map',
    run(t) {
      const b = t.bundle(checker(['all']), (s) => {
        delete s.annotations;
      });
      const id = t.mustCreate(b);
      const a = t.state(id).state?.annotations;
      t.ok(a === undefined || (typeof a === 'object' && a !== null && Object.keys(a).length === 0), 'annotations absent or {}', { annotations: a });
    },
  },
];
