// PASS/FAIL/SKIP per scenario, one line each, and the closing summary line CI reads.
import { describe, type Result } from './proc';

export class Skip extends Error {}
export class Fail extends Error {}

export function skip(reason: string): never {
  throw new Skip(reason);
}

export function fail(reason: string): never {
  throw new Fail(reason);
}

/** Fails with the command's own words unless it exited with `code` (0 by default). */
export function expectCode(r: Result, code = 0): Result {
  if (r.timedOut || r.code !== code) fail(`expected exit ${code}: ${describe(r)}`);
  return r;
}

export function expectOutput(r: Result, want: string | RegExp, what = 'output'): void {
  const out = r.stdout.replace(/\r/g, '');
  const ok = typeof want === 'string' ? out.includes(want) : want.test(out);
  if (!ok) fail(`${what}: expected ${typeof want === 'string' ? JSON.stringify(want) : want}, got ${JSON.stringify(out.trim().slice(-400))} (${describe(r)})`);
}

export interface Outcome {
  name: string;
  status: 'PASS' | 'FAIL' | 'SKIP';
  reason: string;
  ms: number;
}

const SCENARIO_TIMEOUT_MS = 180_000;

export class Reporter {
  readonly outcomes: Outcome[] = [];
  private readonly failed = new Set<string>();
  private readonly blocked = new Map<string, string>();
  /** Where the runtime's calls are recorded, so that a FAIL can show the last ones it made. */
  trace?: { mark(): number; since(mark: number): string[] };

  /**
   * @param filter  only scenarios whose name matches (setup scenarios always run)
   * @param deadline  epoch ms after which scenarios are skipped (CI's time budget)
   */
  constructor(
    private readonly filter?: RegExp,
    private readonly deadline = Infinity,
  ) {}

  /**
   * Runs one scenario. `needs` names earlier scenarios it builds on: when one of those did
   * not pass, this one is skipped with that reason (the earlier one already failed).
   */
  async scenario(name: string, fn: () => Promise<void>, needs: string[] = [], setup = false): Promise<boolean> {
    // Setup scenarios (a daemon, an image) run whatever the filter: the others need them.
    if (this.filter && !setup && !this.filter.test(name)) return false;
    const start = Date.now();
    const missing = needs.filter((n) => this.failed.has(n) || !this.outcomes.some((o) => o.name === n));
    const blocked = [...this.blocked].find(([prefix]) => name.startsWith(prefix))?.[1];
    let status: Outcome['status'] = 'PASS';
    let reason = '';
    if (blocked) {
      status = 'SKIP';
      reason = blocked;
    } else if (missing.length) {
      status = 'SKIP';
      reason = `needs ${missing.join(', ')}, which did not pass`;
    } else if (Date.now() > this.deadline) {
      status = 'SKIP';
      reason = 'the time budget (CLIENTS_BUDGET_S) is spent';
    } else {
      const mark = this.trace?.mark();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          fn(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Fail(`scenario timed out after ${SCENARIO_TIMEOUT_MS / 1000} s`)), SCENARIO_TIMEOUT_MS);
          }),
        ]);
      } catch (e) {
        if (e instanceof Skip) status = 'SKIP';
        else status = 'FAIL';
        reason = e instanceof Error ? e.message : String(e);
        const calls = status === 'FAIL' && mark !== undefined ? this.trace!.since(mark).slice(-3) : [];
        if (calls.length) reason += ` [last runtime calls: ${calls.map((c) => c.replace(/^\S+ /, '')).join(' ; ')}]`;
      } finally {
        clearTimeout(timer);
      }
    }
    if (status !== 'PASS') this.failed.add(name);
    const ms = Date.now() - start;
    this.outcomes.push({ name, status, reason, ms });
    const secs = `(${(ms / 1000).toFixed(1)} s)`;
    process.stdout.write(`${status} ${name} ${secs}${reason ? `: ${reason.replace(/\s*\n\s*/g, ' | ')}` : ''}\n`);
    return status === 'PASS';
  }

  /** Skips every later scenario whose name starts with `prefix` (its engine could not be set up). */
  block(prefix: string, reason: string): void {
    if (!this.blocked.has(prefix)) this.blocked.set(prefix, reason);
  }

  /** Records a failure outside any scenario (setup, cleanup). */
  failure(name: string, reason: string): void {
    this.failed.add(name);
    this.outcomes.push({ name, status: 'FAIL', reason, ms: 0 });
    process.stdout.write(`FAIL ${name}: ${reason.replace(/\s*\n\s*/g, ' | ')}\n`);
  }

  summary(): string {
    const n = (s: Outcome['status']): number => this.outcomes.filter((o) => o.status === s).length;
    const skipped = n('SKIP');
    return `clients: ${n('PASS')} passed, ${n('FAIL')} failed${skipped ? `, ${skipped} skipped` : ''}`;
  }

  get anyFailed(): boolean {
    return this.outcomes.some((o) => o.status === 'FAIL');
  }
}
