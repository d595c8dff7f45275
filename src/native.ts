// The only place that loads the addon. It is loaded on first use, so commands that need
// no syscalls beyond Node's (state, list, spec, --version) never pay for it.
import * as fs from 'fs';
import * as path from 'path';

export interface ExitStatus {
  code?: number;
  signal?: number;
}

export interface Native {
  spawnInit(helper: string, fds: number[]): { pid: number; sync: number };
  waitPid(pid: number): ExitStatus;
  waitExit(pid: number): Promise<ExitStatus>;
  flock(fd: number, exclusive: boolean, wait: boolean): boolean;
  mkfifo(path: string, mode: number): void;
  pidfdOpen(pid: number): number;
  pidfdSignal(pidfd: number, signal: number): number;
  /** poll(2) for POLLIN on each fd; their revents (all 0 on timeout); timeoutMs -1 waits. */
  pollIn(fds: number[], timeoutMs: number): number[];
  recvFd(sock: number): number;
  setWinsize(fd: number, rows: number, cols: number): void;
  dupFd(fd: number): number;
  loadDeviceProgram(cgroupDir: string, bytecode: Buffer, license: string): void;
  /** Connects to a unix socket and sends fd with SCM_RIGHTS, `name` as payload. */
  sendFdToSocket(path: string, fd: number, name: string): void;
  compileSeccomp(plan: unknown): { bpf: Buffer; skipped: string[] };
  resolveSyscalls(names: string[], archs: number[]): number[][];
  seccompInfo(): {
    version: string;
    actions: string[];
    operators: string[];
    archs: string[];
    supportedFlags?: string[];
  };
}

let cached: Native | undefined;
let buildDir: string | undefined;

/** build/Release, found from a bundle (dist/cli/) or from compiled sources (build/ts/...). */
export function nativeDir(): string {
  if (buildDir) return buildDir;
  const candidates = [
    process.env.RUNTIME_NATIVE_DIR,
    path.join(__dirname, '..', '..', 'build', 'Release'),
    path.join(__dirname, '..', '..', 'Release'),
    path.join(__dirname, '..', '..', '..', 'build', 'Release'),
  ];
  for (const dir of candidates) {
    if (dir && fs.existsSync(path.join(dir, 'runtime_native.node'))) return (buildDir = dir);
  }
  throw new Error(`cannot find the native addon (runtime_native.node) near ${__dirname}; run npm run build`);
}

export function native(): Native {
  if (!cached) {
    const file = path.join(nativeDir(), 'runtime_native.node');
    const mod = { exports: {} as Native };
    process.dlopen(mod, file);
    cached = mod.exports;
  }
  return cached;
}

export function initHelperPath(): string {
  return path.join(nativeDir(), 'runtime-init');
}
