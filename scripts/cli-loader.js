#!/usr/bin/env node
// dist/runtime.js: starts the bundled CLI (runtime-cli.js, next to this file) from V8's code
// cache (runtime-cli.cache), made at build time by scripts/bundle.js. Parsing and compiling
// the bundle is most of what a command costs above Node's own start-up; with the cache V8
// only deserialises it. Any mismatch (another Node or V8 flags, a bundle rebuilt or edited
// since: size and mtime are recorded in the cache's first line) makes us compile normally.
'use strict';
const fs = require('fs');
const vm = require('vm');

/** The same wrapper Node's module loader puts around a CommonJS file. */
function wrap(source) {
  return `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
}

function start() {
  const file = `${__dirname}/runtime-cli.js`;
  const source = fs.readFileSync(file, 'utf8');
  let cachedData;
  try {
    const cache = fs.readFileSync(`${__dirname}/runtime-cli.cache`);
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
