// Micro-benchmark of validateConfig inside one process: the median over 200 runs on the
// richest real config (the one with the most values). The target is well under 5 ms.
// Run: npm run build:validators && npm run build:ts && node build/ts/bench/validate.js [CONFIG_DIR]
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const RUNS = 200;
const dir = process.argv[2] ?? '/work/shared/configs';

function countValues(v: unknown): number {
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + countValues(x), 1);
  if (typeof v === 'object' && v !== null) return Object.values(v).reduce((n: number, x) => n + countValues(x), 1);
  return 1;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function main(): void {
  if (!fs.existsSync(dir)) {
    process.stderr.write(`bench/validate: no config directory at ${dir}\n`);
    process.exitCode = 1;
    return;
  }
  const configs = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ file: f, doc: JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as unknown }));
  const richest = configs.reduce((a, b) => (countValues(b.doc) > countValues(a.doc) ? b : a));

  // Loading the module is part of what a command pays once, so report it too.
  const t0 = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { validateConfig } = require('../src/spec/validate') as typeof import('../src/spec/validate');
  const loadMs = performance.now() - t0;

  const t1 = performance.now();
  const first = validateConfig(richest.doc);
  const firstMs = performance.now() - t1;
  if (first.errors.length > 0) throw new Error(`${richest.file} does not validate:\n${first.errors.join('\n')}`);

  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    validateConfig(richest.doc);
    times.push(performance.now() - t);
  }
  const med = median(times);
  process.stdout.write(
    `validateConfig on ${richest.file} (${countValues(richest.doc)} values): ` +
      `median ${med.toFixed(3)} ms over ${RUNS} runs (first call ${firstMs.toFixed(3)} ms, module load ${loadMs.toFixed(2)} ms)` +
      `${med < 5 ? '' : ' -- ABOVE the 5 ms target'}\n`,
  );
}

main();
