#!/usr/bin/env node
// Bundles the CLI into one file so every command loads a single script at start-up, then
// makes V8 code caches for it so that no command parses it:
//   dist/runtime-cli.js                 the bundle (runnable on its own: node dist/runtime-cli.js)
//   dist/runtime-cli.{full,lean}.cache  its code caches (scripts/make-code-cache.js)
//   dist/runtime.js                     scripts/cli-loader.js: runs the bundle from a cache
'use strict';
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const { execFileSync, execSync } = require('child_process');

const dist = path.join(__dirname, '..', 'dist');
const bundle = path.join(dist, 'runtime-cli.js');
const cacheBase = path.join(dist, 'runtime-cli');
const entry = path.join(dist, 'runtime.js');
const pkg = require('../package.json');
let commit = 'unknown';
try {
  commit = execSync('git rev-parse --short HEAD', { cwd: path.join(__dirname, '..'), stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
} catch {
  // not a git checkout
}
/**
 * esbuild turns `import * as fs from 'fs'` into __toESM(require('fs')), which copies every
 * property of the module onto a new object with a getter each, once per importing module:
 * about 5 ms per command. A Node built-in needs no interop, so such lines become plain
 * requires before esbuild reads the file (only this exact form; nothing else is rewritten).
 */
const builtins = new Set(require('module').builtinModules);
const NAMESPACE_IMPORT = /^import \* as (\w+) from '((?:node:)?[\w/]+)';$/gm;
const plainBuiltins = {
  name: 'plain-builtins',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const source = fs.readFileSync(args.path, 'utf8');
      const contents = source.replace(NAMESPACE_IMPORT, (line, name, mod) =>
        builtins.has(mod.replace(/^node:/, '')) ? `const ${name} = require('${mod}');` : line,
      );
      return { contents, loader: 'ts' };
    });
  },
};

/**
 * Built-ins that pull in much of Node (child_process: streams, net, dgram; crypto: a dozen
 * internal modules; tty) and that most commands never call: commander requires
 * child_process at load for executable subcommands we do not use, hooks need it only when
 * a config has hooks, the seccomp cache needs crypto only for a filter. Their require()
 * calls in the bundle become a proxy that loads the module on first property access.
 */
const LAZY_BUILTINS = ['child_process', 'crypto', 'tty'];
const LAZY_PRELUDE = `var __lazyBuiltin = (name) => {
  let m;
  const load = () => m || (m = require(name));
  return new Proxy({}, {
    get: (_, k) => load()[k],
    has: (_, k) => k in load(),
    ownKeys: () => Reflect.ownKeys(load()),
    getOwnPropertyDescriptor: (_, k) => {
      const d = Reflect.getOwnPropertyDescriptor(load(), k);
      return d && { ...d, configurable: true };
    },
  });
};
`;

/**
 * esbuild escapes non-ASCII characters in strings but not in regular expression literals.
 * One such character makes V8 hold the whole 500 KB source as a two-byte string (decoded,
 * copied and hashed at twice the size on every start), so every one left becomes \uXXXX,
 * which means the same inside a regular expression, a string or an identifier.
 */
function asciiOnly(code) {
  return code.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function deferBuiltins(code) {
  const names = LAZY_BUILTINS.flatMap((n) => [n, `node:${n}`]).join('|');
  const out = code.replace(new RegExp(`\\brequire\\("(${names})"\\)`, 'g'), '__lazyBuiltin("$1")');
  // After esbuild's "use strict" prologue, before any module code.
  return out.replace(/^("use strict";\n)?/, (prologue) => prologue + LAZY_PRELUDE);
}

async function main() {
  const result = await esbuild.build({
    entryPoints: [path.join(__dirname, '..', 'src', 'cli', 'main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: bundle,
    minifySyntax: true,
    legalComments: 'none',
    // The addon is loaded from build/Release at run time, never bundled.
    external: ['*.node'],
    logLevel: 'warning',
    plugins: [plainBuiltins],
    define: { __RUNTIME_VERSION__: JSON.stringify(pkg.version), __RUNTIME_COMMIT__: JSON.stringify(commit) },
    write: false,
  });
  // Each file is written to a temp name and renamed, so a command started meanwhile never
  // reads half a file.
  fs.mkdirSync(dist, { recursive: true });
  fs.writeFileSync(`${bundle}.${process.pid}`, asciiOnly(deferBuiltins(result.outputFiles[0].text)));
  fs.renameSync(`${bundle}.${process.pid}`, bundle);

  const tmpEntry = `${entry}.${process.pid}`;
  // The shebang names the node that built us (whose ABI the addon and the code cache match)
  // instead of asking /usr/bin/env to search PATH: that exec costs a few ms per command.
  const loader = fs.readFileSync(path.join(__dirname, 'cli-loader.js'), 'utf8');
  const direct = /^\/[\w./+-]+$/.test(process.execPath) && process.execPath.length < 120;
  fs.writeFileSync(tmpEntry, direct ? loader.replace(/^#!.*/, `#!${process.execPath}`) : loader);
  fs.chmodSync(tmpEntry, 0o755);
  fs.renameSync(tmpEntry, entry);

  fs.rmSync(path.join(dist, 'runtime-cli.cache'), { force: true }); // the single cache of earlier builds
  makeCodeCaches();
}

/** The code caches, made by a fresh node running scripts/make-code-cache.js. */
function makeCodeCaches() {
  for (const kind of ['full', 'lean']) {
    try {
      execFileSync(process.execPath, [path.join(__dirname, 'make-code-cache.js'), kind, bundle, entry, cacheBase], { stdio: ['ignore', 'ignore', 'inherit'] });
    } catch (e) {
      fs.rmSync(`${cacheBase}.${kind}.cache`, { force: true });
      process.stderr.write(`bundle: no ${kind} code cache (${e.message.split('\n')[0]}); those commands compile at start-up instead\n`);
    }
  }
}

main().catch((e) => {
  process.stderr.write(`bundle: ${e.message}\n`);
  process.exit(1);
});
