// Small filesystem helpers the state store and commands share.
import * as fs from 'fs';
import * as path from 'path';

/**
 * Writes through a temp file and rename, so readers see the old or the new file, never half.
 * No fsync: state lives under /run and means nothing after a reboot, while an fsync per
 * write costs a disk flush on every command that records state.
 */
export function writeFileAtomic(file: string, data: string, mode = 0o600): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  const fd = fs.openSync(tmp, 'w', mode);
  try {
    fs.writeSync(fd, data);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

export function readFileOrNull(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}
