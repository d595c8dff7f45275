// dist/runtime.js: the program people run. It loads only the bundle of the command on its
// command line (dist/cli/<command>.js, made by scripts/bundle.js), from that bundle's V8
// code cache (dist/cli/<command>.cache), so a command neither reads nor parses the code of
// the others. Help, a word that is no command, or a missing bundle take dist/cli/all.js.
// `--version` alone is answered here, before any bundle is read.
//
// A cache is used only when it was made for the bundle as it is now (size and mtime are
// recorded in the cache's first line); V8 itself rejects one made by another Node or under
// other flags. Either way the bundle is then compiled as usual.
import * as fs from 'fs';
import * as vm from 'vm';

import { commandWord } from './command-module';
import { isVersionRequest, programName, versionText } from './version';

/** The same wrapper Node's module loader puts around a CommonJS file. */
export function wrap(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
}

/** The bundle for argv: its command's own when there is one, else the whole CLI's. */
export function bundleFor(dir: string, argv: string[]): string {
  const word = commandWord(argv);
  if (word !== undefined && /^[a-z]+$/.test(word)) {
    const own = `${dir}/cli/${word}.js`;
    if (fs.existsSync(own)) return own;
  }
  return `${dir}/cli/all.js`;
}

/** The code cache made for this bundle as it is now, or undefined. */
function cacheOf(file: string): Buffer | undefined {
  try {
    const cache = fs.readFileSync(file.replace(/\.js$/, '.cache'));
    const nl = cache.indexOf(10);
    const stamp = JSON.parse(cache.subarray(0, nl).toString()) as { size: number; mtimeMs: number };
    const st = fs.statSync(file);
    if (stamp.size === st.size && stamp.mtimeMs === st.mtimeMs) return cache.subarray(nl + 1);
  } catch {
    // no cache, or not for this bundle: compile
  }
  return undefined;
}

function start(): void {
  const argv = process.argv.slice(2);
  if (isVersionRequest(argv)) {
    fs.writeSync(1, versionText(programName()));
    return;
  }
  const file = bundleFor(__dirname, argv);
  const script = new vm.Script(wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData: cacheOf(file) });
  const mod = { exports: {} };
  const fn = script.runInThisContext() as (...args: unknown[]) => void;
  fn.call(mod.exports, mod.exports, require, mod, file, `${__dirname}/cli`);
}

if (require.main === module) start();
