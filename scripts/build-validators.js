#!/usr/bin/env node
// Compiles schemas/*.json into standalone validator code at build time, so no command
// pays for schema compilation (tens of milliseconds) at run time and ajv itself is never
// loaded by the CLI. Output: src/spec/generated/validators.js (+ .d.ts), gitignored.
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv').default;
const standaloneCode = require('ajv/dist/standalone').default;
const esbuild = require('esbuild');

const root = path.join(__dirname, '..');
const schemaDir = path.join(root, 'schemas');
const outDir = path.join(root, 'src', 'spec', 'generated');
const FILES = ['defs.json', 'config.json', 'config-linux.json', 'state.json'];

function fail(msg) {
  process.stderr.write(`build-validators: ${msg}\n`);
  process.exit(1);
}

function loadSchemas() {
  const schemas = {};
  for (const file of FILES) {
    const text = fs.readFileSync(path.join(schemaDir, file), 'utf8');
    try {
      schemas[file] = JSON.parse(text);
    } catch (e) {
      fail(`schemas/${file}: ${e.message}`);
    }
    if (schemas[file].$id !== file) fail(`schemas/${file}: $id must be "${file}"`);
  }
  return schemas;
}

// Calls fn(node, pointer) for every subschema object (not for plain data like enum values).
function walkSchemas(node, pointer, fn) {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
  fn(node, pointer);
  for (const key of ['properties', 'definitions']) {
    if (node[key]) for (const [k, v] of Object.entries(node[key])) walkSchemas(v, `${pointer}/${key}/${k}`, fn);
  }
  for (const key of ['items', 'additionalProperties', 'propertyNames']) {
    if (node[key] && typeof node[key] === 'object') walkSchemas(node[key], `${pointer}/${key}`, fn);
  }
}

function resolveRef(schemas, fromFile, ref) {
  const [filePart, frag = ''] = ref.split('#');
  const file = filePart || fromFile;
  let node = schemas[file];
  if (!node) fail(`${fromFile}: $ref to unknown file ${ref}`);
  for (const seg of frag.split('/').filter(Boolean)) {
    node = node[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (node === undefined) fail(`${fromFile}: dangling $ref ${ref}`);
  }
  return { file, node };
}

// Error messages print a schema's description as "expected ...", so every schema must have
// one (directly, or through the definition its $ref points to) or be an enum, whose values
// are the description. The build fails otherwise.
function checkDescriptions(schemas) {
  for (const file of FILES) {
    walkSchemas(schemas[file], '', (node, pointer) => {
      let target = { file, node };
      while (target.node.description === undefined && target.node.$ref) {
        target = resolveRef(schemas, target.file, target.node.$ref);
      }
      const constrains = node.type !== undefined || node.$ref !== undefined;
      if (constrains && target.node.description === undefined && !target.node.enum) {
        fail(`schemas/${file}#${pointer}: needs a description (it becomes the "expected ..." text of errors)`);
      }
    });
  }
}

// A compact table of the schemas' shape: for each place in a document, its description
// ("d", the "expected ..." text of errors), its known properties ("p"), its array items ("i")
// or map values ("m"), each as an index into the table. validate.ts walks it to describe a
// location and to find unknown properties, which the spec says to ignore (we warn: they are
// usually typos). The schemas have no oneOf/anyOf, so every location has exactly one shape.
function shapeTable(schemas) {
  const table = [];
  const seen = new Map();
  function add(file, node) {
    let description = node.description;
    while (node.$ref) {
      const target = resolveRef(schemas, file, node.$ref);
      file = target.file;
      node = target.node;
      if (description === undefined) description = node.description;
    }
    if (description === undefined) description = node.description || `one of ${node.enum.join(', ')}`;
    const key = node;
    if (seen.has(key) && table[seen.get(key)].d === description) return seen.get(key);
    const index = table.length;
    const entry = { d: description };
    table.push(entry);
    seen.set(key, index);
    if (node.properties) {
      entry.p = {};
      for (const [k, v] of Object.entries(node.properties)) entry.p[k] = add(file, v);
    }
    if (node.items && typeof node.items === 'object') entry.i = add(file, node.items);
    if (node.additionalProperties && typeof node.additionalProperties === 'object') {
      entry.m = add(file, node.additionalProperties);
    }
    return index;
  }
  const roots = { config: add('config.json', schemas['config.json']), state: add('state.json', schemas['state.json']) };
  return { table, roots };
}

// What ajv compiles: the schemas without their prose (descriptions live in the shape table),
// which keeps the generated code small.
function withoutProse(node) {
  if (Array.isArray(node)) return node.map(withoutProse);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'description' || k === '$comment' || k === 'title' || k === '$schema') continue;
    out[k] = k === 'enum' || k === 'required' ? v : withoutProse(v);
  }
  return out;
}

function main() {
  const schemas = loadSchemas();
  checkDescriptions(schemas);
  const shapes = shapeTable(schemas);

  const ajv = new Ajv({
    allErrors: true, // report every problem at once
    messages: false, // validate.ts writes its own messages
    inlineRefs: false, // one function per definition: much less code
    allowUnionTypes: true,
    strict: true,
    code: { source: true, optimize: true },
  });
  for (const file of FILES) ajv.addSchema(withoutProse(schemas[file]));
  let code = standaloneCode(ajv, {
    validateConfigSchema: 'config.json',
    validateStateSchema: 'state.json',
  });

  // The bundle and build/ts must run without ajv: refuse any require() in the output.
  const requires = code.match(/require\([^)]*\)/g);
  if (requires) fail(`generated code requires ${[...new Set(requires)].join(', ')}; avoid the schema keywords that need them`);

  code +=
    `;exports.shapeRoots = ${JSON.stringify(shapes.roots)};` +
    `exports.shapes = JSON.parse(${JSON.stringify(JSON.stringify(shapes.table))});`;
  // Minified, because every CLI command parses the bundle this ends up in.
  code = esbuild.transformSync(code, { minify: true, treeShaking: true, format: 'cjs', target: 'node20', legalComments: 'none' }).code;
  code =
    '// Generated by scripts/build-validators.js from schemas/*.json. Do not edit; run `npm run build:validators`.\n' +
    code;

  const dts = `// Generated by scripts/build-validators.js. Do not edit.
// Standalone ajv validators for the project's schemas (see schemas/), plus their shape table.

/** One schema violation, as ajv reports it (compiled with allErrors). */
export interface SchemaError {
  /** JSON pointer to the offending value, e.g. "/linux/namespaces/2/type". */
  instancePath: string;
  /** JSON pointer into the schema where the failing keyword is. */
  schemaPath: string;
  keyword: string;
  params: Record<string, any>;
}

export interface SchemaValidator {
  (data: unknown): boolean;
  /** Errors of the last call; null or undefined when it passed. */
  errors?: SchemaError[] | null;
}

/** config.json against schemas/config.json (objects are open: unknown properties pass). */
export declare const validateConfigSchema: SchemaValidator;
/** The state JSON against schemas/state.json. */
export declare const validateStateSchema: SchemaValidator;

/** One place in a document: description, known properties, array items, map values (indexes into shapes). */
export interface Shape {
  d: string;
  p?: Record<string, number>;
  i?: number;
  m?: number;
}
export declare const shapes: Shape[];
export declare const shapeRoots: { config: number; state: number };
`;

  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'validators.js'), code);
  fs.writeFileSync(path.join(outDir, 'validators.d.ts'), dts);
  process.stdout.write(
    `build-validators: wrote src/spec/generated/validators.js (${(code.length / 1024).toFixed(0)} KiB, ${shapes.table.length} shapes)\n`,
  );
}

main();
