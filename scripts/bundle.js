#!/usr/bin/env node
// Bundles the CLI into one file so every command parses a single script at start-up.
'use strict';
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const { execSync } = require('child_process');

const out = path.join(__dirname, '..', 'dist', 'runtime.js');
const pkg = require('../package.json');
let commit = 'unknown';
try {
  commit = execSync('git rev-parse --short HEAD', { cwd: path.join(__dirname, '..'), stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
} catch {
  // not a git checkout
}
esbuild.buildSync({
  entryPoints: [path.join(__dirname, '..', 'src', 'cli', 'main.ts')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  outfile: out,
  minifySyntax: true,
  legalComments: 'none',
  // The addon is loaded from build/Release at run time, never bundled.
  external: ['*.node'],
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
  define: { __RUNTIME_VERSION__: JSON.stringify(pkg.version), __RUNTIME_COMMIT__: JSON.stringify(commit) },
});
fs.chmodSync(out, 0o755);
