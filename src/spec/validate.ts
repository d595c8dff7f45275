// Validation of config.json and of the state JSON: the project's schemas (compiled to
// standalone code at build time, so nothing is compiled here and ajv is never loaded), then
// the semantic checks in ./semantic. Every problem is one line,
//   config.json: <JSON path>: <what is wrong> (<what is allowed>)
// and all of them are reported at once. Only what the spec forbids is an error; what it
// deprecates or says runtimes SHOULD NOT fail on is a warning.
import { shapeRoots, shapes, validateConfigSchema, validateStateSchema } from './generated/validators';
import type { SchemaError, SchemaValidator, Shape } from './generated/validators';
import { semanticChecks } from './semantic';
import { Findings, Seg, SPEC, closest, isObj, kind, obj, show, str } from './semantic/report';

export interface ValidationResult {
  /** One line per problem; the config must not be used when there are any. */
  errors: string[];
  /** One line per deprecated or ignored setting; print them and carry on. */
  warnings: string[];
}

/** Checks a parsed config.json against runtime-spec 1.3.0 for Linux. */
export function validateConfig(config: unknown): ValidationResult {
  const f = new Findings('config.json');
  runSchema(validateConfigSchema, config, shapeRoots.config, f);
  if (isObj(config)) {
    semanticChecks(config, f);
    unknownProperties(config, shapeRoots.config, [], f);
  }
  return { errors: f.errors, warnings: f.warnings };
}

/**
 * The spec makes `process` optional in config.json but required when the container is
 * started ("This operation MUST generate an error if process was not set", runtime.md#start).
 * create and run call this after validateConfig; an empty list means the config can start.
 */
export function requireProcess(config: unknown): string[] {
  const f = new Findings('config.json');
  if (!isObj(config) || config.process === undefined) {
    f.error(['process'], 'missing', `required to start the container: it says what to run; ${SPEC.start}`);
  }
  return f.errors;
}

/** Checks a state object (what `state` prints) against schemas/state.json. */
export function validateState(state: unknown): string[] {
  const f = new Findings('state');
  runSchema(validateStateSchema, state, shapeRoots.state, f);
  const s = obj(state);
  const status = str(s?.status);
  // "pid (int, REQUIRED when status is created or running on Linux)".
  if (s && (status === 'created' || status === 'running') && s.pid === undefined) {
    f.error(['pid'], `missing while status is "${status}"`, `required when the status is created or running; ${SPEC.state}`);
  }
  return f.errors;
}

function runSchema(validate: SchemaValidator, doc: unknown, root: number, f: Findings): void {
  if (validate(doc)) return;
  for (const err of validate.errors ?? []) reportSchemaError(err, doc, root, f);
}

function reportSchemaError(err: SchemaError & { propertyName?: string }, doc: unknown, root: number, f: Findings): void {
  // Errors raised inside propertyNames repeat what the propertyNames error itself says.
  if (err.propertyName !== undefined) return;
  const { path, value } = locate(doc, err.instancePath);
  const expected = (at: Seg[]) => describe(root, at);
  switch (err.keyword) {
    case 'required': {
      const at = [...path, String(err.params.missingProperty)];
      const what = expected(at);
      f.error(at, 'missing', what ? `required: ${what}` : 'required');
      return;
    }
    case 'type':
      f.error(path, `got ${kind(value)}`, `expected ${expected(path) ?? `a value of type ${err.params.type}`}`);
      return;
    case 'enum':
      f.error(path, `got ${show(value)}`, `expected one of ${(err.params.allowedValues as unknown[]).join(', ')}`);
      return;
    case 'propertyNames': {
      const name = String(err.params.propertyName);
      f.error([...path, name], `key ${show(name)} is not allowed`, 'expected a non-empty key');
      return;
    }
    default:
      // minimum, maximum, pattern, minItems: the description says what is allowed.
      f.error(path, `got ${show(value)}`, `expected ${expected(path) ?? `${err.keyword} ${JSON.stringify(err.params)}`}`);
  }
}

/** Turns a JSON pointer into path segments (numbers for array indexes) and finds the value. */
function locate(doc: unknown, pointer: string): { path: Seg[]; value: unknown } {
  const path: Seg[] = [];
  let value = doc;
  if (pointer === '') return { path, value };
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(value)) {
      const index = Number(key);
      path.push(index);
      value = value[index];
    } else {
      path.push(key);
      value = isObj(value) ? value[key] : undefined;
    }
  }
  return { path, value };
}

/** The schema's description of what belongs at a path ("an absolute path", ...). */
function describe(root: number, path: readonly Seg[]): string | undefined {
  let index: number | undefined = root;
  for (const seg of path) {
    if (index === undefined) return undefined;
    const shape: Shape = shapes[index];
    if (typeof seg === 'number') index = shape.i;
    else if (shape.p && Object.prototype.hasOwnProperty.call(shape.p, seg)) index = shape.p[seg];
    else index = shape.m;
  }
  return index === undefined ? undefined : shapes[index].d;
}

// The spec says runtimes MUST ignore unknown properties (and MAY log them). We warn, because
// an unknown property in a config is most often a misspelt known one.
function unknownProperties(value: unknown, index: number, path: Seg[], f: Findings): void {
  const shape = shapes[index];
  if (Array.isArray(value)) {
    const item = shape.i;
    if (item === undefined) return;
    const inner = shapes[item];
    if (inner.p === undefined && inner.i === undefined && inner.m === undefined) return; // leaves
    value.forEach((v, i) => unknownProperties(v, item, [...path, i], f));
    return;
  }
  if (!isObj(value)) return;
  const known = shape.p;
  for (const key of Object.keys(value)) {
    if (known && Object.prototype.hasOwnProperty.call(known, key)) {
      unknownProperties(value[key], known[key], [...path, key], f);
    } else if (shape.m !== undefined) {
      unknownProperties(value[key], shape.m, [...path, key], f);
    } else if (known) {
      const guess = closest(key, Object.keys(known));
      f.warn(
        [...path, key],
        'unknown property, ignored',
        `${guess ? `did you mean ${guess}?` : `known here: ${Object.keys(known).join(', ')}`}; ${SPEC.extensibility}`,
      );
    }
  }
}
