// dist/runtime.js: the program people run. It loads only the bundle of the command on its
// command line (dist/cli/<command>.js, made by scripts/bundle.js), so a command neither
// reads nor compiles the code of the others; help, a word that is no command, or a missing
// bundle take dist/cli/all.js. `--version` alone is answered here, before any bundle is read.
//
// Each bundle comes with <command>.jsc (scripts/make-code-cache.js): one line of JSON with
// the size of a V8 code cache, that cache, then the bundle's source. One read gives both,
// and since they were written together the cache always belongs to that source (V8 still
// rejects one made by another Node or under other flags: the source is then compiled).
// Every fs call a command makes for the first time costs Node a few tenths of a
// millisecond, so this file makes as few kinds of them as it can.
import * as fs from 'fs';
import * as vm from 'vm';

import { commandWord } from './command-module';
import { isVersionRequest, programName, versionText } from './version';

/** The same wrapper Node's module loader puts around a CommonJS file. */
export function wrap(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
}

/** The bundle names to try for argv, best first. */
export function bundlesFor(argv: string[]): string[] {
  const word = commandWord(argv);
  return word !== undefined && /^[a-z]+$/.test(word) && word !== 'all' ? [word, 'all'] : ['all'];
}

/** Splits a .jsc file into its code cache and source. */
export function unpack(jsc: Buffer): { cache: Buffer; source: string } {
  const nl = jsc.indexOf(10);
  const header = JSON.parse(jsc.toString('latin1', 0, nl)) as { cache: number };
  const start = nl + 1 + header.cache;
  return { cache: jsc.subarray(nl + 1, start), source: jsc.toString('latin1', start) };
}

function load(dir: string, name: string): vm.Script | undefined {
  const file = `${dir}/${name}.js`;
  try {
    const { cache, source } = unpack(fs.readFileSync(`${dir}/${name}.jsc`));
    return new vm.Script(wrap(source), { filename: file, cachedData: cache });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  try {
    return new vm.Script(wrap(fs.readFileSync(file, 'utf8')), { filename: file });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  return undefined;
}

function start(): void {
  const argv = process.argv.slice(2);
  if (isVersionRequest(argv)) {
    fs.writeSync(1, versionText(programName()));
    return;
  }
  const dir = `${__dirname}/cli`;
  for (const name of bundlesFor(argv)) {
    const script = load(dir, name);
    if (!script) continue;
    const mod = { exports: {} };
    const fn = script.runInThisContext() as (...args: unknown[]) => void;
    fn.call(mod.exports, mod.exports, require, mod, `${dir}/${name}.js`, dir);
    return;
  }
  fs.writeSync(2, `${programName()}: no CLI bundle in ${dir}; run npm run build\n`);
  process.exitCode = 1;
}

if (require.main === module) start();
