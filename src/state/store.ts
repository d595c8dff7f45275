// The state store under --root: one directory per container holding state.json (written
// atomically) and the exec fifo. The directory itself is the lock: mkdir decides which
// concurrent create wins, and flock on its fd serialises the commands that change it.
import * as fs from 'fs';
import * as path from 'path';

import { native } from '../native';
import { notExist, RuntimeError } from '../util/errors';
import { writeFileAtomic } from '../util/fsx';
import type { ContainerRecord } from './record';

const ID = /^[A-Za-z0-9_+.-]+$/;

export function checkId(id: string | undefined): string {
  if (!id) throw new RuntimeError('container id cannot be empty');
  if (!ID.test(id) || id === '.' || id === '..') throw new RuntimeError(`invalid container id ${JSON.stringify(id)}: use letters, digits and _ + . - only`);
  return id;
}

function parseRecord(file: string, id: string): ContainerRecord | null {
  try {
    const rec = JSON.parse(fs.readFileSync(file, 'utf8')) as ContainerRecord;
    return rec && typeof rec === 'object' && rec.id === id && rec.spec ? rec : null;
  } catch {
    return null;
  }
}

export class ContainerDir {
  private fd: number;

  constructor(
    readonly id: string,
    readonly dir: string,
  ) {
    this.fd = fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  }

  get stateFile(): string {
    return path.join(this.dir, 'state.json');
  }

  get fifo(): string {
    return path.join(this.dir, 'exec.fifo');
  }

  lock(): void {
    native().flock(this.fd, true, true);
  }

  tryLock(): boolean {
    return native().flock(this.fd, true, false);
  }

  /** A second copy, so that damage to state.json never loses what delete -f must undo. */
  get backupFile(): string {
    return path.join(this.dir, 'state.backup.json');
  }

  write(record: ContainerRecord): void {
    const text = JSON.stringify(record);
    writeFileAtomic(this.stateFile, text);
    writeFileAtomic(this.backupFile, text);
  }

  /** The record, or null when it is missing or unreadable in both copies (an interrupted create, or damage). */
  read(): ContainerRecord | null {
    return parseRecord(this.stateFile, this.id) ?? parseRecord(this.backupFile, this.id);
  }

  remove(): void {
    try {
      // The directory holds plain files only; rmSync's recursive walk costs ~1 ms more.
      for (const name of fs.readdirSync(this.dir)) fs.unlinkSync(path.join(this.dir, name));
      fs.rmdirSync(this.dir);
    } catch {
      // A subdirectory, or a concurrent delete: the general walk.
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
    this.close();
  }

  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }
}

export class StateStore {
  constructor(readonly root: string) {}

  dirOf(id: string): string {
    return path.join(this.root, checkId(id));
  }

  /** Claims the id; exactly one of several concurrent creates gets here. */
  claim(id: string): ContainerDir {
    const dir = this.dirOf(id);
    fs.mkdirSync(this.root, { recursive: true, mode: 0o700 });
    try {
      fs.mkdirSync(dir, { mode: 0o711 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new RuntimeError(`container with id ${id} already exists`);
      throw e;
    }
    const c = new ContainerDir(id, dir);
    c.lock();
    return c;
  }

  open(id: string): ContainerDir {
    const dir = this.dirOf(id);
    try {
      return new ContainerDir(id, dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw notExist(id);
      throw e;
    }
  }

  /** For commands that change a container: its directory, locked, and its record. */
  openLocked(id: string): { dir: ContainerDir; rec: ContainerRecord } {
    const dir = this.open(checkId(id));
    dir.lock();
    const rec = dir.read();
    if (!rec) {
      dir.close();
      throw notExist(id);
    }
    return { dir, rec };
  }

  /** Reads without locking: writes are atomic renames, so a reader never sees half a file. */
  readRecord(id: string): ContainerRecord | null {
    try {
      const rec = JSON.parse(fs.readFileSync(path.join(this.dirOf(id), 'state.json'), 'utf8')) as ContainerRecord;
      return rec && typeof rec === 'object' && rec.spec ? rec : parseRecord(path.join(this.dirOf(id), 'state.backup.json'), id);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && !fs.existsSync(this.dirOf(id))) throw notExist(id);
      return parseRecord(path.join(this.dirOf(id), 'state.backup.json'), id);
    }
  }

  exists(id: string): boolean {
    return fs.existsSync(this.dirOf(id));
  }

  ids(): string[] {
    try {
      return fs
        .readdirSync(this.root, { withFileTypes: true })
        .filter((d) => d.isDirectory() && ID.test(d.name))
        .map((d) => d.name)
        .sort();
    } catch {
      return [];
    }
  }
}
