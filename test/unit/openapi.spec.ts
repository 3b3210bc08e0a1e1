import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { documentationApp } from '../../src/app';
import { openApiDocument, openApiText } from '../../src/openapi';

/**
 * The OpenAPI document as a contract (issue 11, point 7): openapi.json at the repository's
 * root is what the code generates, and the document leaves a generated client nothing to
 * guess: every property typed, every operation named and with its refusals.
 */

type Json = Record<string, unknown>;
const OPENAPI_FILE = join(__dirname, '..', '..', 'openapi.json');
const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

/**
 * Objects whose members are not known in advance, each with why. Empty today: the health
 * parts are maps typed by `additionalProperties`, which counts as typed.
 */
const FREE_FORM: Record<string, string> = {};

/** Operations with no 4xx answer, each with why. */
const WITHOUT_REFUSALS: Record<string, string> = {
  getHealth: 'public and without input: it answers 200 or 503, nothing else',
};

const asArray = (type: unknown): string[] => (Array.isArray(type) ? (type as string[]) : type ? [String(type)] : []);

/** Every way `schema` (at `where`) leaves a client guessing. */
function untyped(schema: Json, where: string): string[] {
  if (typeof schema.$ref === 'string') return [];
  const found: string[] = [];
  for (const combinator of ['oneOf', 'anyOf', 'allOf'] as const) {
    const members = schema[combinator] as Json[] | undefined;
    if (members) members.forEach((m, i) => found.push(...untyped(m, `${where}.${combinator}[${i}]`)));
  }
  if (found.length || schema.oneOf || schema.anyOf || schema.allOf) return found;
  const types = asArray(schema.type);
  if (types.length === 0 && !schema.enum) return [`${where}: no type`];
  if (types.includes('array')) {
    if (!schema.items) found.push(`${where}: an array without items`);
    else found.push(...untyped(schema.items as Json, `${where}[]`));
  }
  if (types.includes('object')) {
    const properties = schema.properties as Record<string, Json> | undefined;
    const additional = schema.additionalProperties;
    const typedMap = typeof additional === 'object' && additional !== null;
    if (!properties && !typedMap && !(where in FREE_FORM)) found.push(`${where}: an object without properties`);
    for (const [name, property] of Object.entries(properties ?? {}))
      found.push(...untyped(property, `${where}.${name}`));
    if (typedMap) found.push(...untyped(additional as Json, `${where}{*}`));
  }
  return found;
}

interface Operation {
  key: string;
  operation: Json;
}

function operationsOf(document: Json): Operation[] {
  return Object.entries(document.paths as Record<string, Json>).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((m) => ({ key: `${m.toUpperCase()} ${path}`, operation: item[m] as Json })),
  );
}

/** Every schema of the document, with where it is: components, parameters, bodies and answers. */
function schemasOf(document: Json): [string, Json][] {
  const found: [string, Json][] = Object.entries((document.components as Json).schemas as Record<string, Json>).map(
    ([name, schema]) => [name, schema],
  );
  for (const { key, operation } of operationsOf(document)) {
    for (const p of (operation.parameters ?? []) as Json[])
      found.push([`${key} ${String(p.in)} ${String(p.name)}`, p.schema as Json]);
    for (const [status, answer] of Object.entries((operation.responses ?? {}) as Record<string, Json>))
      for (const [type, media] of Object.entries((answer.content ?? {}) as Record<string, Json>))
        found.push([`${key} ${status} ${type}`, media.schema as Json]);
    const body = operation.requestBody as Json | undefined;
    for (const [type, media] of Object.entries((body?.content ?? {}) as Record<string, Json>))
      found.push([`${key} body ${type}`, media.schema as Json]);
  }
  return found;
}

describe('The OpenAPI document', () => {
  let app: NestFastifyApplication;
  let generated: Json;

  beforeAll(async () => {
    app = await documentationApp();
    generated = openApiDocument(app) as unknown as Json;
  });
  afterAll(async () => {
    await app.close();
  });

  it('openapi.json is what the code generates', () => {
    const committed = readFileSync(OPENAPI_FILE, 'utf8');
    const expected = openApiText(generated as never);
    if (committed !== expected) {
      const a = committed.split('\n');
      const b = expected.split('\n');
      const line = a.findIndex((l, i) => l !== b[i]);
      throw new Error(
        `openapi.json differs from the document the code generates (line ${line + 1}: ` +
          `${JSON.stringify(a[line])} where the code gives ${JSON.stringify(b[line])}): run npm run openapi`,
      );
    }
  });

  it('types every property, parameter, body and answer: no property without a type, no object without properties', () => {
    const found = schemasOf(generated).flatMap(([where, schema]) =>
      schema ? untyped(schema, where) : [`${where}: no schema`],
    );
    expect(found).toEqual([]);
  });

  it('names every operation with a unique, readable operationId', () => {
    const ids = operationsOf(generated).map(({ key, operation }) => [key, operation.operationId] as const);
    expect(ids.filter(([, id]) => typeof id !== 'string' || !/^[a-z][A-Za-z]+$/.test(id))).toEqual([]);
    const seen = ids.map(([, id]) => id);
    expect(seen.filter((id, i) => seen.indexOf(id) !== i)).toEqual([]);
  });

  it('declares the 4xx answers of every operation, each an application/problem+json Problem', () => {
    const operations = operationsOf(generated);
    const missing = operations
      .filter(({ operation }) => !(String(operation.operationId) in WITHOUT_REFUSALS))
      .filter(({ operation }) => !Object.keys(operation.responses as Json).some((s) => /^4\d\d$/.test(s)))
      .map(({ key }) => key);
    expect(missing).toEqual([]);
    const notProblems = operations.flatMap(({ key, operation }) =>
      Object.entries(operation.responses as Record<string, Json>)
        .filter(([status]) => /^4\d\d$/.test(status))
        .filter(([, answer]) => {
          const content = answer.content as Record<string, { schema?: Json }> | undefined;
          return (
            Object.keys(content ?? {}).join() !== 'application/problem+json' ||
            content!['application/problem+json'].schema?.$ref !== '#/components/schemas/Problem'
          );
        })
        .map(([status]) => `${key} ${status}`),
    );
    expect(notProblems).toEqual([]);
  });

  it('answers every success with a typed body, except 204', () => {
    const untypedAnswers = operationsOf(generated).flatMap(({ key, operation }) =>
      Object.entries(operation.responses as Record<string, Json>)
        .filter(([status]) => /^2\d\d$/.test(status) && status !== '204')
        .filter(([, answer]) => !Object.values((answer.content ?? {}) as Record<string, Json>).some((m) => m.schema))
        .map(([status]) => `${key} ${status}`),
    );
    expect(untypedAnswers).toEqual([]);
  });

  it('describes every answer in words', () => {
    const silent = operationsOf(generated).flatMap(({ key, operation }) =>
      Object.entries(operation.responses as Record<string, Json>)
        .filter(([, answer]) => typeof answer.description !== 'string' || answer.description.trim() === '')
        .map(([status]) => `${key} ${status}`),
    );
    expect(silent).toEqual([]);
  });

  it('carries servers, licence, version and described tags', () => {
    const info = generated.info as Json;
    expect(generated.openapi).toBe('3.1.0');
    expect(generated.servers).toEqual([{ url: '/', description: expect.any(String) }]);
    expect(info.license).toEqual({ name: 'Proprietary', identifier: 'LicenseRef-Proprietary' });
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    expect(info.version).toBe(pkg.version);
    const tags = generated.tags as { name: string; description?: string }[];
    const used = new Set(operationsOf(generated).flatMap(({ operation }) => operation.tags as string[]));
    expect([...used].filter((t) => !tags.some((tag) => tag.name === t))).toEqual([]);
    expect(tags.filter((t) => !t.description)).toEqual([]);
  });
});
