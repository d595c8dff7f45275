#!/usr/bin/env node
// Makes the V8 code cache of one bundle of the CLI (see src/cli/loader.ts for their use):
//   node scripts/make-code-cache.js full|lean dist/cli/<name>.js
// writes dist/cli/<name>.jsc: a line of JSON {"cache": size}, the cache, then the source.
// Run by bundle.js once per bundle, each in a fresh `node` with no flags: V8 rejects a cache made under other flags or by another Node, and one
// compile per process keeps V8's in-memory compilation cache out of the way (a second
// compile of the same source would be handed the first one's functions). The script is
// compiled under the bundle's own name: a cache keeps that name, and stack traces show it.
//
// full: compiled with --no-lazy, so every function is in it (the flag is switched back before
//       serialising, since V8 stamps the cache with its flags).
// lean: the top level plus the functions that the light commands run, compiled by running
//       those of them that this bundle holds against a throw-away state root (list, state,
//       spec and delete -f for real; the others as far as "container does not exist"); a
//       function they never reach is compiled on first use.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const v8 = require('v8');
const vm = require('vm');

const [kind, bundle] = process.argv.slice(2);
const name = path.basename(bundle, '.js');
const loader = path.join(path.dirname(path.resolve(bundle)), '..', 'runtime.js');
const { wrap } = require(loader);
const source = fs.readFileSync(bundle, 'utf8');
// The loader reads the source back as latin1, which is the same text only for ASCII.
if (/[^\x00-\x7f]/.test(source)) throw new Error(`${bundle} is not ASCII`);

function write(data) {
  const check = new vm.Script(wrap(source), { filename: bundle, cachedData: data });
  if (check.cachedDataRejected) throw new Error(`V8 rejected the ${kind} code cache it just made`);
  const file = bundle.replace(/\.js$/, '.jsc');
  const header = Buffer.from(JSON.stringify({ cache: data.length }) + '\n');
  fs.writeFileSync(`${file}.tmp`, Buffer.concat([header, data, Buffer.from(source, 'latin1')]));
  fs.renameSync(`${file}.tmp`, file);
}

/** Runs the CLI in this process with argv; its output goes wherever our fds 1 and 2 go. */
async function runCli(script, args) {
  process.argv = [process.execPath, loader, ...args];
  // The CLI exits once its command is done; here that would end the build's cache too.
  process.exit = () => {};
  const mod = { exports: {} };
  script.runInThisContext().call(mod.exports, mod.exports, require, mod, path.resolve(bundle), path.dirname(path.resolve(bundle)));
  // Every command here is synchronous once parsed: a macrotask later it has finished.
  await new Promise((resolve) => setImmediate(resolve));
}

async function main() {
  if (kind === 'full') {
    v8.setFlagsFromString('--no-lazy');
    const full = new vm.Script(wrap(source), { filename: bundle });
    v8.setFlagsFromString('--lazy');
    write(full.createCachedData());
    return;
  }
  if (kind !== 'lean') throw new Error(`unknown kind ${kind} (full or lean)`);
  const lean = new vm.Script(wrap(source), { filename: bundle });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-code-cache-'));
  try {
    // A stopped container's record, enough for state and list to take their usual path.
    const root = path.join(tmp, 'root');
    fs.mkdirSync(path.join(root, 'trained'), { recursive: true });
    const record = { id: 'trained', bundle: tmp, rootfs: path.join(tmp, 'rootfs'), created: new Date(0).toISOString(), owner: '', spec: { ociVersion: '1.3.0' } };
    fs.writeFileSync(path.join(root, 'trained', 'state.json'), JSON.stringify(record));
    const quiet = ['--log', '/dev/null', '--root', root];
    for (const args of [
      ['--version'],
      ['--root', root, 'list'],
      ['--root', root, 'list', '--format', 'json'],
      ['--root', root, 'state', 'trained'],
      ['--root', root, 'delete', '--force', 'absent'],
      ['spec', '--bundle', tmp],
      // Parsing, the global flags and the state store, up to the missing container.
      ...['start', 'kill', 'pause', 'resume', 'ps', 'events', 'update', 'checkpoint', 'delete'].map((c) => [...quiet, c, 'absent']),
    ]) {
      if (name === 'all' || args.includes(name)) await runCli(lean, args);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
    process.exitCode = 0;
  }
  write(lean.createCachedData());
}

main().catch((e) => {
  process.stderr.write(`make-code-cache: ${e.message}\n`);
  process.exit(1);
});
