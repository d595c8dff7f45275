import * as fs from 'fs';
import * as path from 'path';

import type { Command } from 'commander';

import { defaultSpec } from '../../spec/default';
import { RuntimeError } from '../../util/errors';

export function register(program: Command): void {
  program
    .command('spec')
    .description('write a default config.json into the bundle')
    .option('-b, --bundle <dir>', 'path to the bundle', '.')
    .option('--rootless', 'a config for an unprivileged user')
    .action((o) => {
      const file = path.join(o.bundle, 'config.json');
      const uid = process.getuid?.() ?? 0;
      const gid = process.getgid?.() ?? 0;
      const spec = defaultSpec(!!o.rootless, uid, gid);
      try {
        fs.writeFileSync(file, JSON.stringify(spec, null, '\t') + '\n', { flag: 'wx', mode: 0o666 });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new RuntimeError(`File ${file} exists. Remove it first`);
        throw e;
      }
    });
}
