#!/usr/bin/env node
// dist/runtime.js: starts the bundled CLI (runtime-cli.js, next to this file) from one of two
// V8 code caches made at build time by scripts/bundle.js. Parsing and compiling the bundle
// is most of what a command costs above Node's own start-up; with a cache V8 only
// deserialises it. Deserialising costs in proportion to the cache, so:
//   runtime-cli.full.cache  every function compiled: for the commands that run most of the
//                           code (create, run, exec), which would otherwise compile it all
//   runtime-cli.lean.cache  the top level only: every other command touches little code and
//                           compiles those few functions itself
// Any mismatch (another Node or V8 flags, a bundle rebuilt or edited since: size and mtime
// are recorded in the cache's first line) makes us compile normally.
'use strict';
const fs = require('fs');
const vm = require('vm');

const HEAVY = new Set(['create', 'run', 'exec']);
/** Global flags that take a value (as in src/cli/main.ts), to find the command name. */
const VALUE_FLAGS = new Set(['--root', '--log', '--log-format', '--rootless']);

/** The same wrapper Node's module loader puts around a CommonJS file. */
function wrap(source) {
  return `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
}

function cacheKind(argv) {
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('-')) return HEAVY.has(argv[i]) ? 'full' : 'lean';
    if (VALUE_FLAGS.has(argv[i])) i++;
  }
  return 'lean';
}

function start() {
  const file = `${__dirname}/runtime-cli.js`;
  const source = fs.readFileSync(file, 'utf8');
  let cachedData;
  try {
    const cache = fs.readFileSync(`${__dirname}/runtime-cli.${cacheKind(process.argv.slice(2))}.cache`);
    const nl = cache.indexOf(10);
    const stamp = JSON.parse(cache.subarray(0, nl).toString());
    const st = fs.statSync(file);
    if (stamp.size === st.size && stamp.mtimeMs === st.mtimeMs) cachedData = cache.subarray(nl + 1);
  } catch {
    // no cache: compile
  }
  const script = new vm.Script(wrap(source), { filename: file, cachedData });
  script.runInThisContext().call(module.exports, module.exports, require, module, file, __dirname);
}

if (require.main === module) start();
else module.exports = { wrap };
