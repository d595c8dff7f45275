// Reading config.json from a bundle: one clear line for a missing, empty or malformed
// file, then validation (schemas compiled at build time plus semantic checks).
import * as fs from 'fs';
import * as path from 'path';

import { RuntimeError } from '../util/errors';
import { log } from '../util/log';
import type { Spec } from './types';
import { requireProcess, validateConfig } from './validate';

export function readConfig(bundle: string): unknown {
  const file = path.join(bundle, 'config.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new RuntimeError(`${file}: no such file (is ${bundle} an OCI bundle?)`);
    throw new RuntimeError(`${file}: cannot read: ${code ?? (e as Error).message}`);
  }
  if (text.trim() === '') throw new RuntimeError('config.json: the file is empty');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new RuntimeError(`config.json: not valid JSON: ${(e as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new RuntimeError(`config.json: the top level must be a JSON object, not ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  return value;
}

/**
 * Loads and validates for create/run; warnings are logged, errors are thrown all at once.
 * A container is created to be started, and start needs `process`: check it up front.
 */
export function loadSpec(bundle: string): Spec {
  const value = readConfig(bundle);
  const { errors: schemaErrors, warnings } = validateConfig(value);
  const errors = [...schemaErrors, ...requireProcess(value)];
  for (const w of warnings) log.warn(w);
  if (errors.length > 0) throw new RuntimeError(errors.join('\n'));
  return value as Spec;
}
