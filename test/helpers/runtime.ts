// Shared by integration tests and the conformance suite: busybox bundles in temp dirs,
// the built CLI run as a subprocess, and cleanup that holds even when a test fails.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { defaultSpec } from '../../src/spec/default';
import type { Spec } from '../../src/spec/types';

export const REPO = path.resolve(__dirname, '..', '..', '..', '..');
export const CLI = process.env.RUNTIME_BIN ?? path.join(REPO, 'dist', 'runtime.js');
export const CHECKER = path.join(REPO, 'build', 'Release', 'oci-checker');
// A shared read-only source for test bundles, not container state: kept between runs.
const BUSYBOX_ROOTFS = path.join(os.tmpdir(), 'runtime-busybox-rootfs-cache');

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** A reason to skip tests that need root and a built CLI, or false. */
export function integrationSkip(): string | false {
  if (!isRoot()) return 'needs root';
  if (!fs.existsSync(CLI)) return `${CLI} not built (npm run build)`;
  if (!fs.existsSync('/bin/busybox')) return 'busybox-static not installed';
  return false;
}

/** A busybox rootfs built once per machine and copied (hard-linked) into each bundle. */
function cachedRootfs(): string {
  if (!fs.existsSync(path.join(BUSYBOX_ROOTFS, 'bin', 'busybox'))) {
    const tmp = `${BUSYBOX_ROOTFS}.${process.pid}`;
    const r = spawnSync('bash', [path.join(REPO, 'scripts', 'make-rootfs.sh'), tmp], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`make-rootfs.sh failed: ${r.stderr}`);
    try {
      fs.renameSync(tmp, BUSYBOX_ROOTFS);
    } catch {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  return BUSYBOX_ROOTFS;
}

export interface Bundle {
  dir: string;
  rootfs: string;
  spec: Spec;
  write(): void;
}

/** A bundle whose config is runtime's default with no terminal, running `args`. */
export function makeBundle(args: string[], edit?: (spec: Spec) => void): Bundle {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-test-bundle-'));
  const rootfs = path.join(dir, 'rootfs');
  const r = spawnSync('cp', ['-a', cachedRootfs(), rootfs]);
  if (r.status !== 0) throw new Error(`copying the rootfs failed: ${r.stderr}`);
  if (fs.existsSync(CHECKER)) {
    fs.copyFileSync(CHECKER, path.join(rootfs, 'bin', 'oci-checker'));
    fs.chmodSync(path.join(rootfs, 'bin', 'oci-checker'), 0o755);
  }
  const spec = defaultSpec();
  spec.process!.terminal = false;
  spec.process!.args = args;
  spec.root!.readonly = false;
  edit?.(spec);
  const bundle: Bundle = {
    dir,
    rootfs,
    spec,
    write() {
      fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(bundle.spec, null, 1));
    },
  };
  bundle.write();
  return bundle;
}

let counter = 0;

export interface RunResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A state root per test file, so tests never see each other's containers. */
export function makeRoot(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-test-root-'));
}

/**
 * Runs the CLI and collects its output through files, not pipes: a detached container
 * keeps our stdout open, and spawnSync would wait for that pipe to close.
 */
export function runtime(root: string, args: string[], opts: { input?: string; timeout?: number; env?: NodeJS.ProcessEnv } = {}): RunResult {
  const outFile = path.join(os.tmpdir(), `runtime-test-out-${process.pid}-${++counter}`);
  const out = fs.openSync(outFile, 'w+');
  const err = fs.openSync(`${outFile}.err`, 'w+');
  try {
    const r = spawnSync(process.execPath, [CLI, '--root', root, ...args], {
      input: opts.input,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', out, err],
      timeout: opts.timeout ?? 30000,
      env: opts.env ?? process.env,
    });
    return { status: r.status, signal: r.signal, stdout: fs.readFileSync(outFile, 'utf8'), stderr: fs.readFileSync(`${outFile}.err`, 'utf8') };
  } finally {
    fs.closeSync(out);
    fs.closeSync(err);
    fs.rmSync(outFile, { force: true });
    fs.rmSync(`${outFile}.err`, { force: true });
  }
}

/** Removes every container under root (delete -f), then the root and the bundles. */
export function cleanup(root: string, bundles: Bundle[] = []): void {
  if (fs.existsSync(root)) {
    for (const id of fs.readdirSync(root)) runtime(root, ['delete', '-f', id]);
    fs.rmSync(root, { recursive: true, force: true });
  }
  for (const b of bundles) fs.rmSync(b.dir, { recursive: true, force: true });
}

export function uniqueId(prefix = 'c'): string {
  return `${prefix}-${process.pid}-${++counter}`;
}

export function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Polls pred every 20 ms until it holds or ms pass; returns its last answer. */
export function waitFor(pred: () => boolean, ms = 5000): boolean {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred()) return true;
    sleepMs(20);
  }
  return pred();
}
