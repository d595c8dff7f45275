#!/usr/bin/env node
// Bundles the CLI into one file so every command parses a single script at start-up.
'use strict';
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const out = path.join(__dirname, '..', 'dist', 'runtime.js');
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
});
fs.chmodSync(out, 0o755);
