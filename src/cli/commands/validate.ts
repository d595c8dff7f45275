import * as fs from 'fs';

import type { Command } from 'commander';

import { readConfig } from '../../spec/load';
import { validateConfig } from '../../spec/validate';
import { RuntimeError } from '../../util/errors';
import { log } from '../../util/log';

export function register(program: Command): void {
  program
    .command('validate')
    .description('check config.json against the OCI runtime-spec and print every problem')
    .option('-b, --bundle <dir>', 'path to the bundle', '.')
    .action((o) => {
      const { errors, warnings } = validateConfig(readConfig(o.bundle));
      for (const w of warnings) log.warn(w);
      if (errors.length > 0) throw new RuntimeError(errors.join('\n'));
      fs.writeSync(1, 'config.json: valid\n');
    });
}
