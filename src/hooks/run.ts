// Hooks that run in the runtime's namespaces (prestart, createRuntime, poststart,
// poststop): the state JSON on stdin, a timeout, output to our log, never the container's.
import { spawnSync } from 'child_process';

import type { Hook, HookKind, State } from '../spec/types';
import { log } from '../util/log';

export class HookError extends Error {}

export function describeHook(kind: HookKind, i: number, hook: Hook): string {
  return `hooks.${kind}[${i}] ${hook.path}`;
}

/** Runs hooks in order; the first failure throws HookError naming the hook and its cause. */
export function runHooks(kind: HookKind, hooks: Hook[] | undefined, state: State): void {
  (hooks ?? []).forEach((hook, i) => {
    const name = describeHook(kind, i, hook);
    const args = hook.args && hook.args.length > 0 ? hook.args : [hook.path];
    const r = spawnSync(hook.path, args.slice(1), {
      argv0: args[0],
      input: JSON.stringify(state),
      env: Object.fromEntries((hook.env ?? []).map((e) => { const k = e.indexOf('='); return k < 0 ? [e, ''] : [e.slice(0, k), e.slice(k + 1)]; })),
      timeout: hook.timeout ? hook.timeout * 1000 : undefined,
      killSignal: 'SIGKILL',
      stdio: ['pipe', 'pipe', 'pipe'],
      maxBuffer: 1 << 20,
    });
    const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
    if (output) log.info(`${name}: ${output}`);
    let cause = '';
    if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') cause = `timed out after ${hook.timeout}s`;
    else if (r.error) cause = (r.error as NodeJS.ErrnoException).code ?? r.error.message;
    else if (r.signal) cause = `killed by signal ${r.signal}`;
    else if (r.status !== 0) cause = `exit status ${r.status}`;
    if (cause) throw new HookError(`${name}: ${cause}${output ? `: ${output}` : ''}`);
  });
}
