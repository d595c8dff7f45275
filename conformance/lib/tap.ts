// TAP version 13, written to stdout and to a file as it goes, so a killed run still
// leaves a readable (if unfinished) artifact.
import * as fs from 'fs';
import * as path from 'path';

export class Tap {
  private readonly fd: number;
  private n = 0;
  passed = 0;
  failed = 0;
  skipped = 0;

  constructor(file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.fd = fs.openSync(file, 'w');
    this.line('TAP version 13');
  }

  line(s: string): void {
    fs.writeSync(1, s + '\n');
    fs.writeSync(this.fd, s + '\n');
  }

  plan(count: number): void {
    this.line(`1..${count}`);
  }

  comment(s: string): void {
    for (const l of s.split('\n')) this.line(`# ${l}`);
  }

  ok(name: string, notes: string[] = []): void {
    this.passed++;
    this.line(`ok ${++this.n} - ${clean(name)}`);
    if (notes.length) this.yaml({ notes });
  }

  skip(name: string, reason: string): void {
    this.skipped++;
    this.line(`ok ${++this.n} - ${clean(name)} # SKIP ${clean(reason)}`);
  }

  notOk(name: string, diag: Record<string, string[] | string>): void {
    this.failed++;
    this.line(`not ok ${++this.n} - ${clean(name)}`);
    this.yaml(diag);
  }

  /** A YAML block; every scalar is a JSON string, which YAML reads as a double-quoted scalar. */
  private yaml(diag: Record<string, string[] | string>): void {
    this.line('  ---');
    for (const [k, v] of Object.entries(diag)) {
      if (Array.isArray(v)) {
        if (!v.length) continue;
        this.line(`  ${k}:`);
        for (const item of v) this.line(`    - ${JSON.stringify(item)}`);
      } else {
        this.line(`  ${k}: ${JSON.stringify(v)}`);
      }
    }
    this.line('  ...');
  }

  summary(): string {
    const s = `conformance: ${this.passed} passed, ${this.failed} failed, ${this.skipped} skipped`;
    this.line(s);
    fs.closeSync(this.fd);
    return s;
  }
}

/** In a test point description '#' starts a directive, so it is escaped as TAP says: \#. */
function clean(s: string): string {
  return s.replace(/\n/g, ' ').replace(/\\/g, '\\\\').replace(/#/g, '\\#');
}
