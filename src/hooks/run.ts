// Hooks in the runtime's namespaces (prestart, createRuntime, poststart, poststop), in config
// order. Failure semantics per runtime.md#lifecycle: for every kind but poststop the first
// failing hook stops the list and is an error (the caller destroys the container and runs
// poststop); a failing poststop hook is a warning and the rest still run.
import type { Hook, HookKind, State } from '../spec/types';
import { log } from '../util/log';
import { HookError, settle } from './outcome';
import { runHostHook } from './spawn';

export { HookError } from './outcome';

export type OnFailure = 'error' | 'warn';

export function runHooks(kind: HookKind, hooks: Hook[] | undefined, state: State, onFailure: OnFailure = kind === 'poststop' ? 'warn' : 'error'): void {
  if (!hooks || hooks.length === 0) return;
  const input = JSON.stringify(state);
  hooks.forEach((hook, i) => {
    const err: HookError | null = settle(kind, i, hook.path, hook.timeout, runHostHook(hook, input, state.bundle));
    if (!err) return;
    if (onFailure === 'warn') log.warn(err.message);
    else throw err;
  });
}
