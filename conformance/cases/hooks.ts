// config.md#posix-platform-hooks and runtime.md#lifecycle steps 3-13: when each hook runs,
// in which namespace, with which state, and what a failing hook does to the lifecycle.
import * as fs from 'fs';
import * as path from 'path';

import { checker, parseCheckerOutput, sleepMs, type Bundle, type Case, type Ctx } from '../lib/harness';
import { alive, nsInode } from '../lib/util';
import type { Hook } from '../../src/spec/types';

interface Entry {
  hook: string;
  args: string;
  argc: string;
  arg2: string;
  mnt: string;
  var: string;
  leak: string;
  state: Record<string, any> | null;
}

/** The recording hook: one JSON line per call with its argv, mount namespace, env and stdin. */
function script(log: string, bin = '/bin'): string {
  return `#!/bin/sh
state=$(${bin}/cat)
printf '{"hook":"%s","args":"%s","argc":"%s","arg2":"%s","mnt":"%s","var":"%s","leak":"%s","state":%s}\\n' "$1" "$*" "$#" "$2" "$(${bin}/readlink /proc/self/ns/mnt)" "\${HOOK_VAR-}" "\${OCI_CONFORMANCE_LEAK-}" "\${state:-null}" >> ${log}
[ -n "\${HOOK_SLEEP-}" ] && ${bin}/sleep "$HOOK_SLEEP"
exit "\${HOOK_EXIT:-0}"
`;
}

interface Hooks {
  /** A hook in the runtime namespace running the host script. */
  host(name: string, env?: string[], extra?: Partial<Hook>): Hook;
  /** A startContainer hook: a script inside the rootfs (its path resolves in the container). */
  inContainer(b: Bundle, name: string, env?: string[]): Hook;
  /** Entries logged by host-side hooks so far. */
  read(): Entry[];
  /** Entries logged inside the container (/hooklog in the rootfs). */
  readContainer(b: Bundle): Entry[];
}

function setup(t: Ctx): Hooks {
  const dir = t.tmpdir('runtime-conformance-hooks-');
  const log = path.join(dir, 'log');
  const file = path.join(dir, 'hook.sh');
  fs.writeFileSync(file, script(log), { mode: 0o755 });
  const parse = (f: string): Entry[] =>
    fs.existsSync(f)
      ? fs.readFileSync(f, 'utf8').trim().split('\n').filter(Boolean).map((l) => {
          try {
            return JSON.parse(l) as Entry;
          } catch {
            return { hook: `<unparsable: ${l.slice(0, 200)}>` } as Entry;
          }
        })
      : [];
  return {
    host: (name, env = [], extra = {}) => ({ path: file, args: [file, name], env, ...extra }),
    inContainer(b, name, env = []) {
      fs.mkdirSync(path.join(b.rootfs, 'hooks'), { recursive: true });
      fs.writeFileSync(path.join(b.rootfs, 'hooks', 'hook.sh'), script('/hooklog'), { mode: 0o755 });
      return { path: '/hooks/hook.sh', args: ['/hooks/hook.sh', name], env: ['PATH=/bin', ...env] };
    },
    read: () => parse(log),
    readContainer: (b) => parse(path.join(b.rootfs, 'hooklog')),
  };
}

const names = (entries: Entry[]) => entries.map((e) => e.hook);
const FAIL = ['HOOK_EXIT=1'];

/** A container with the failing hook `kind` and a recording poststop hook. */
function failingHook(t: Ctx, h: Hooks, kind: 'prestart' | 'createRuntime' | 'createContainer' | 'startContainer' | 'poststart') {
  const b = t.bundle(checker(['all'], ['sleep', '60']));
  b.spec.hooks = {
    [kind]: [kind === 'startContainer' ? h.inContainer(b, kind, FAIL) : h.host(kind, FAIL)],
    poststop: [h.host('poststop')],
  };
  return b;
}

function createFailureCase(kind: 'prestart' | 'createRuntime' | 'createContainer'): Case {
  return {
    name: `runtime.md#lifecycle: a failing ${kind} hook fails create, leaves no container, and poststop hooks still run`,
    run(t) {
      const h = setup(t);
      const b = failingHook(t, h, kind);
      const { inv, id } = t.create(b);
      t.ok(inv.status !== 0, 'create fails');
      t.expectGone(id, `after the ${kind} failure`);
      t.ok(names(h.read()).includes(kind), `the ${kind} hook ran`, { ran: names(h.read()) });
      t.ok(names(h.read()).includes('poststop'), 'the poststop hook ran (lifecycle steps 12-13)', { ran: names(h.read()) });
      sleepMs(100);
      t.eq(t.output(b), '', 'the program never ran');
    },
  };
}

function startFailureCase(kind: 'startContainer' | 'poststart'): Case {
  return {
    name: `runtime.md#lifecycle: a failing ${kind} hook fails start, stops the container, and poststop hooks run`,
    run(t) {
      const h = setup(t);
      const b = failingHook(t, h, kind);
      const id = t.mustCreate(b);
      const pid = t.state(id).state?.pid as number;
      const st = t.start(id);
      t.ok(st.status !== 0, 'start fails');
      for (let i = 0; i < 40 && alive(pid); i++) sleepMs(50);
      t.ok(!alive(pid), 'the container process is stopped');
      const s = t.status(id);
      t.ok(s === null || s === 'stopped', 'the container is stopped or gone', { status: s });
      if (kind === 'startContainer') t.eq(t.output(b), '', 'the program never ran');
      t.ok(names(h.read()).includes('poststop'), 'the poststop hook ran by the time start returned (lifecycle steps 12-13)', { ran: names(h.read()) });
    },
  };
}

export const cases: Case[] = [
  {
    name: 'config.md#posix-platform-hooks: hooks run in lifecycle order (listed order within a kind) with the container state on stdin',
    run(t) {
      const h = setup(t);
      const b = t.bundle(checker(['read', '/hooklog'], ['all'], ['sleep', '60']));
      b.spec.hooks = {
        prestart: [h.host('prestart-1'), h.host('prestart-2')],
        createRuntime: [h.host('createRuntime')],
        createContainer: [h.host('createContainer')],
        startContainer: [h.inContainer(b, 'startContainer')],
        poststart: [h.host('poststart')],
        poststop: [h.host('poststop')],
      };
      const id = t.mustCreate(b);
      const pid = t.state(id).state?.pid;
      t.eq(names(h.read()), ['prestart-1', 'prestart-2', 'createRuntime', 'createContainer'], 'after create');
      t.mustStart(id);
      t.eq(names(h.read()).slice(4), ['poststart'], 'poststart ran before start returned');
      t.eq(names(h.readContainer(b)), ['startContainer'], 'startContainer ran in the container');
      for (let i = 0; i < 100 && !t.output(b).includes('"all"'); i++) sleepMs(20);
      const out = parseCheckerOutput(t.output(b));
      t.ok(String(out?.['read /hooklog']?.content ?? '').includes('"startContainer"'), 'startContainer ran before the program', { program: out?.['read /hooklog'] });
      t.kill(id, 'KILL');
      t.need(t.waitStatus(id, 'stopped'), 'the container did not stop');
      t.eq(t.delete(id).status, 0, 'delete succeeds');
      t.eq(names(h.read()).slice(5), ['poststop'], 'poststop ran before delete returned');
      const want: Record<string, string[]> = {
        'prestart-1': ['creating'], 'prestart-2': ['creating'], createRuntime: ['creating'], createContainer: ['creating'],
        startContainer: ['created'], poststart: ['running'], poststop: ['stopped'],
      };
      for (const e of [...h.read(), ...h.readContainer(b)]) {
        t.ok(e.state && e.state.id === id, `${e.hook}: state.id is the container id`, { state: e.state });
        t.ok(e.state && typeof e.state.bundle === 'string' && fs.realpathSync(e.state.bundle) === fs.realpathSync(b.dir), `${e.hook}: state.bundle`, { bundle: e.state?.bundle });
        t.ok(e.state && typeof e.state.ociVersion === 'string', `${e.hook}: state.ociVersion`);
        t.ok(want[e.hook]?.includes(e.state?.status), `${e.hook}: state.status`, { status: e.state?.status, expected: want[e.hook] });
        if (['prestart-1', 'prestart-2', 'createRuntime', 'poststart'].includes(e.hook)) t.eq(e.state?.pid, pid, `${e.hook}: state.pid is the pid the runtime sees`);
      }
    },
  },
  {
    name: 'config.md#posix-platform-hooks: prestart, createRuntime, poststart and poststop run in the runtime namespace; createContainer and startContainer in the container namespace',
    run(t) {
      const h = setup(t);
      const b = t.bundle(checker(['all'], ['sleep', '60']));
      b.spec.hooks = {
        prestart: [h.host('prestart')],
        createRuntime: [h.host('createRuntime')],
        createContainer: [h.host('createContainer')],
        startContainer: [h.inContainer(b, 'startContainer')],
        poststart: [h.host('poststart')],
        poststop: [h.host('poststop')],
      };
      const id = t.mustCreate(b);
      const pid = t.state(id).state?.pid as number;
      const containerMnt = `mnt:[${nsInode(pid, 'mnt')}]`;
      const runtimeMnt = `mnt:[${t.host.ns.mnt}]`;
      t.mustStart(id);
      t.delete(id, true);
      for (const e of [...h.read(), ...h.readContainer(b)]) {
        const inContainer = e.hook === 'createContainer' || e.hook === 'startContainer';
        t.eq(e.mnt, inContainer ? containerMnt : runtimeMnt, `${e.hook} runs in the ${inContainer ? 'container' : 'runtime'} mount namespace`);
      }
      t.eq(names([...h.read(), ...h.readContainer(b)]).sort(), ['createContainer', 'createRuntime', 'poststart', 'poststop', 'prestart', 'startContainer'], 'every hook ran once');
    },
  },
  {
    name: 'runtime.md#state: for hooks run in the container namespace, state.pid is the pid as seen by the container',
    run(t) {
      const h = setup(t);
      const b = t.bundle(checker(['all'], ['sleep', '60']));
      b.spec.hooks = { createContainer: [h.host('createContainer')], startContainer: [h.inContainer(b, 'startContainer')] };
      const id = t.mustCreate(b);
      t.mustStart(id);
      t.delete(id, true);
      for (const e of [...h.read(), ...h.readContainer(b)]) t.eq(e.state?.pid, 1, `${e.hook}: state.pid (the container init is pid 1 in its pid namespace)`);
    },
  },
  {
    name: 'config.md#posix-platform-hooks: a hook gets exactly its configured args and env',
    run(t) {
      const h = setup(t);
      const b = t.bundle(checker(['all']));
      const hook = h.host('createRuntime', ['HOOK_VAR=from-config']);
      hook.args = [hook.path, 'createRuntime', 'two words', 'third'];
      b.spec.hooks = { createRuntime: [hook] };
      const id = t.mustCreate(b, undefined, [], { env: { ...process.env, OCI_CONFORMANCE_LEAK: 'leaked', HOOK_VAR: 'from-runtime-env' } });
      const e = t.need(h.read()[0], 'the hook did not run');
      t.eq(e.argc, '3', 'three arguments after argv[0]');
      t.eq(e.arg2, 'two words', 'an argument with a space stays one argument');
      t.eq(e.var, 'from-config', 'env from the hook config');
      t.eq(e.leak, '', 'the runtime environment does not leak into the hook');
      t.delete(id, true);
    },
  },
  createFailureCase('prestart'),
  createFailureCase('createRuntime'),
  createFailureCase('createContainer'),
  startFailureCase('startContainer'),
  startFailureCase('poststart'),
  {
    name: 'runtime.md#lifecycle: a failing poststop hook is a warning: delete succeeds and the next poststop hooks run',
    run(t) {
      const h = setup(t);
      const b = t.bundle(checker(['all']));
      b.spec.hooks = { poststop: [h.host('poststop-1', FAIL), h.host('poststop-2')] };
      const id = t.mustCreate(b);
      t.mustStart(id);
      t.need(t.waitStatus(id, 'stopped'), 'the container did not stop');
      const d = t.delete(id);
      t.eq(d.status, 0, 'delete succeeds', { stderr: d.stderr.slice(-200) });
      t.expectGone(id, 'after delete');
      t.eq(names(h.read()), ['poststop-1', 'poststop-2'], 'both poststop hooks ran, in order');
    },
  },
  {
    name: 'config.md#posix-platform-hooks: a hook that outlives its timeout fails the operation',
    run(t) {
      const h = setup(t);
      const b = t.bundle(checker(['all']));
      b.spec.hooks = { createRuntime: [h.host('createRuntime', ['HOOK_SLEEP=30'], { timeout: 1 })] };
      const t0 = Date.now();
      const { inv, id } = t.create(b, undefined, [], { timeoutMs: 40000 });
      const took = Date.now() - t0;
      t.ok(inv.status !== 0, 'create fails');
      t.ok(took < 15000, 'within a few seconds of the 1 s timeout', { ms: took });
      t.expectGone(id, 'after the hook timeout');
    },
  },
];
