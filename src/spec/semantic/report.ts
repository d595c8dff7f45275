// Shared plumbing for the validation checks: where a problem is (a path into the document),
// how it is printed (one line: `config.json: <path>: <what is wrong> (<what is allowed>)`),
// and small guards for reading a document whose shape may itself be wrong.

/** A step into a JSON document: an object key or an array index. */
export type Seg = string | number;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** JSON path in the form people read: process.args[0], linux.sysctl["net.ipv4.ip_forward"]. */
export function jsonPath(path: readonly Seg[]): string {
  if (path.length === 0) return '(top level)';
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (IDENTIFIER.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

// Values from the config end up in messages; escaping control and line-separator characters
// keeps every problem on exactly one line, whatever the config holds.
// eslint-disable-next-line no-control-regex
const BREAKS = /[\u0000-\u001f\u007f\u2028\u2029]/g;

const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function oneLine(text: string): string {
  return text.replace(BREAKS, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Collects errors and warnings for one document; the same line format for both. */
export class Findings {
  readonly errors: string[] = [];
  readonly warnings: string[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly doc: string) {}

  line(path: readonly Seg[], what: string, allowed: string): string {
    return oneLine(`${this.doc}: ${jsonPath(path)}: ${what} (${allowed})`);
  }

  error(path: readonly Seg[], what: string, allowed: string): void {
    this.push(this.errors, this.line(path, what, allowed));
  }

  warn(path: readonly Seg[], what: string, allowed: string): void {
    this.push(this.warnings, this.line(path, what, allowed));
  }

  private push(list: string[], line: string): void {
    if (this.seen.has(line)) return;
    this.seen.add(line);
    list.push(line);
  }
}

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The object at v, or undefined when v is anything else (the schema reports wrong types). */
export function obj(v: unknown): Obj | undefined {
  return isObj(v) ? v : undefined;
}

/** The array at v, or an empty one: checks over lists simply see nothing to check. */
export function arr(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** A short, safe rendering of a value for a message. */
export function show(v: unknown): string {
  if (typeof v === 'string') {
    const s = JSON.stringify(v);
    return s.length > 60 ? `${s.slice(0, 57)}..."` : s;
  }
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return v.length === 0 ? 'an empty array' : 'an array';
  if (typeof v === 'object' && v !== null) return 'an object';
  return String(v);
}

/** The kind of a value, for "got ..." in type errors. */
export function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'string':
      return `the string ${show(v)}`;
    case 'number':
      return `the number ${v}`;
    case 'boolean':
      return String(v);
    case 'object':
      return 'an object';
    default:
      return typeof v;
  }
}

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** The closest known name to a misspelt one, if it is close enough to be a likely typo. */
export function closest(name: string, known: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = distance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.min(3, Math.floor(name.length / 4))) ? best : undefined;
}

/** Spec citations used in messages, so every rule names where it comes from. */
export const SPEC = {
  version: 'config.md#configSpecificationVersion',
  mounts: 'config.md#configMounts',
  mountOptions: 'config.md#configLinuxMountOptions',
  posixMounts: 'config.md#configPOSIXMounts',
  process: 'config.md#configProcess',
  posixProcess: 'config.md#configPOSIXProcess',
  linuxProcess: 'config.md#configLinuxProcess',
  hostname: 'config.md#configHostname',
  hooks: 'config.md#configHooks',
  extensibility: 'config.md#configExtensibility',
  namespaces: 'config-linux.md#configLinuxNamespaces',
  userMappings: 'config-linux.md#configLinuxUserNamespaceMappings',
  timeOffsets: 'config-linux.md#configLinuxTimeOffset',
  devices: 'config-linux.md#configLinuxDevices',
  netDevices: 'config-linux.md#configLinuxNetworkDevices',
  cgroupsPath: 'config-linux.md#configLinuxCgroupsPath',
  memory: 'config-linux.md#configLinuxMemory',
  cpu: 'config-linux.md#configLinuxCPU',
  blockIO: 'config-linux.md#configLinuxBlockIO',
  rdma: 'config-linux.md#configLinuxRDMA',
  unified: 'config-linux.md#configLinuxUnified',
  intelRdt: 'config-linux.md#configLinuxIntelRdt',
  memoryPolicy: 'config-linux.md#configLinuxMemoryPolicy',
  sysctl: 'config-linux.md#configLinuxSysctl',
  seccomp: 'config-linux.md#configLinuxSeccomp',
  personality: 'config-linux.md#configLinuxPersonality',
  state: 'runtime.md#runtimeState',
  start: 'runtime.md#runtimeStart',
} as const;
