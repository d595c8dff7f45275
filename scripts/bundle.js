#!/usr/bin/env node
// Bundles the CLI so that every command loads one script at start-up, holding only that
// command's code, and makes a V8 code cache for each so that no command parses it:
//   dist/runtime.js        src/cli/loader.ts: picks the bundle for the command line
//   dist/cli/<command>.js  one command (src/cli/commands/index.ts names them)
//   dist/cli/all.js        every command (src/cli/entry.ts): help, unknown words
//   dist/cli/<command>.jsc its code cache and source (scripts/make-code-cache.js)
'use strict';
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const { execFileSync, execSync } = require('child_process');

const src = path.join(__dirname, '..', 'src', 'cli');
const dist = path.join(__dirname, '..', 'dist');
const cliDir = path.join(dist, 'cli');
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
 * internal modules; tty) or cost a little each to load (os, util) and that most commands
 * never call: commander requires child_process at load for executable subcommands we do
 * not use, hooks need it only when a config has hooks, the seccomp cache needs crypto only
 * for a filter, os and util serve error texts and hooks. Their require() calls in the
 * bundle become a proxy that loads the module on first property access.
 */
const LAZY_BUILTINS = ['child_process', 'crypto', 'tty', 'os', 'util'];
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
  return out.replace(/^("use strict";\n?)?/, (prologue) => prologue + LAZY_PRELUDE);
}

/** The command names, as src/cli/commands/index.ts lists them. */
function commandNames() {
  const index = fs.readFileSync(path.join(src, 'commands', 'index.ts'), 'utf8');
  const names = [...index.matchAll(/^ {2}(\w+): \(\) => require\('\.\/(\w+)'\),$/gm)].map((m) => m[1]);
  if (names.length === 0) throw new Error('src/cli/commands/index.ts names no command');
  return names;
}

/**
 * The commands that run most of the bundle's code (a container's whole set-up): their cache
 * holds every function compiled. Every other command's cache holds what it runs when
 * trained on a throw-away state root, or its top level only (scripts/make-code-cache.js).
 */
const HEAVY = new Set(['create', 'run', 'exec', 'restore']);

/** One esbuild run: entry is a file, or { contents } compiled as if it were in src/cli/. */
async function build(entryPoint, name) {
  const input = typeof entryPoint === 'string' ? { entryPoints: [entryPoint] } : { stdin: { contents: entryPoint.contents, resolveDir: src, sourcefile: `${name}.ts`, loader: 'ts' } };
  const result = await esbuild.build({
    ...input,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minifySyntax: true,
    // Half the text to read and hash at every start (about 1 ms less per command);
    // identifiers keep their names, so stack traces still say where.
    minifyWhitespace: true,
    legalComments: 'none',
    // The addon is loaded from build/Release at run time, never bundled.
    external: ['*.node'],
    logLevel: 'warning',
    plugins: [plainBuiltins],
    define: { __RUNTIME_VERSION__: JSON.stringify(pkg.version), __RUNTIME_COMMIT__: JSON.stringify(commit) },
    write: false,
  });
  return asciiOnly(deferBuiltins(result.outputFiles[0].text));
}

/** Writes to a temp name and renames, so a command started meanwhile never reads half a file. */
function writeAtomic(file, text, mode) {
  fs.writeFileSync(`${file}.${process.pid}`, text, { mode });
  fs.renameSync(`${file}.${process.pid}`, file);
}

async function main() {
  const names = commandNames();
  fs.mkdirSync(cliDir, { recursive: true });
  const bundles = { all: build(path.join(src, 'entry.ts'), 'all') };
  for (const name of names) {
    bundles[name] = build({ contents: `import { start } from './main';\nstart({ ${name}: () => require('./commands/${name}') });\n` }, `entry-${name}`);
  }
  for (const [name, text] of Object.entries(bundles)) writeAtomic(path.join(cliDir, `${name}.js`), await text);

  // The shebang names the node that built us (whose ABI the addon and the code caches match)
  // instead of asking /usr/bin/env to search PATH: that exec costs a few ms per command.
  const direct = /^\/[\w./+-]+$/.test(process.execPath) && process.execPath.length < 120;
  const loader = (await build(path.join(src, 'loader.ts'), 'loader')).replace(/^#!.*\n/, '');
  writeAtomic(entry, `#!${direct ? process.execPath : '/usr/bin/env node'}\n${loader}`, 0o755);
  fs.chmodSync(entry, 0o755);

  // What earlier builds left: the single bundle and its caches, bundles of removed commands.
  for (const old of ['runtime-cli.js', 'runtime-cli.cache', 'runtime-cli.full.cache', 'runtime-cli.lean.cache']) fs.rmSync(path.join(dist, old), { force: true });
  for (const f of fs.readdirSync(cliDir)) {
    if (!Object.hasOwn(bundles, f.replace(/\.(js|jsc)$/, ''))) fs.rmSync(path.join(cliDir, f), { force: true });
  }
  for (const name of Object.keys(bundles)) makeCodeCache(name, HEAVY.has(name) ? 'full' : 'lean');
}

/** A bundle's code cache, made by a fresh node running scripts/make-code-cache.js. */
function makeCodeCache(name, kind) {
  const bundle = path.join(cliDir, `${name}.js`);
  try {
    // Training runs commands that fail on purpose ("does not exist"): their stderr is
    // shown only when making the cache fails.
    execFileSync(process.execPath, [path.join(__dirname, 'make-code-cache.js'), kind, bundle], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    fs.rmSync(bundle.replace(/\.js$/, '.jsc'), { force: true });
    const why = String(e.stderr ?? '').trim() || e.message.split('\n')[0];
    process.stderr.write(`bundle: no code cache for ${name} (${why}); it compiles at start-up instead\n`);
  }
}

main().catch((e) => {
  process.stderr.write(`bundle: ${e.message}\n`);
  process.exit(1);
});
