import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REFRESH_COOKIE } from './auth/browser-sessions';
import { ProblemView } from './common/problem.view';

/**
 * The OpenAPI document (SPEC §9): what /api/docs-json serves and `npm run openapi` writes to
 * openapi.json, the contract the console's generated client is built from. Every operation
 * names its operationId (the client's function name) in its @ApiOperation and its refusals
 * with @ApiRefusals (src/common/problem.view.ts).
 */

/** Tags in the order a reader meets them, each with what it covers. */
const TAGS: [name: string, description: string][] = [
  ['Auth', 'Login with a password and a one-time password (SPEC §7), password changes and resets, 2FA enrolment.'],
  ['Me', 'The logged-in user: who they are, their company and participantships, their own settings.'],
  ['eServices', 'DA3 and DA4 forms: drafts, the workflow actions of SPEC §5, history, preview and the PDF record.'],
  ['Tasks', 'What waits for the caller (SPEC §5).'],
  ['Registry', 'The DMS User Profile Listing of a participantship (SPEC §3).'],
  ['Admin', 'HKEX staff: locked logins, OTP devices, the authentication audit log, e-mail deliveries.'],
  [
    'Exports',
    'CSV downloads, streamed (SPEC §13): DA4 billing and the audit trail for HKEX staff, a form history for its readers.',
  ],
  ['Health', 'Readiness of the service: database, Redis, outbox and queues.'],
];

/** package.json's version: beside src/ when run from the sources, two levels up from dist/src/. */
function packageVersion(): string {
  const file = [resolve(__dirname, '..', 'package.json'), resolve(__dirname, '..', '..', 'package.json')].find(
    existsSync,
  )!;
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

export function openApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Client Connect eServices: DA3 and DA4')
    .setDescription(
      'Maker-checker workflow of the CCASS/CCMS Delegated Administrator (DA3) and User Account (DA4) eServices ' +
        'of the HKEX Access Management Portal. Every refusal is `application/problem+json` (the `Problem` schema) ' +
        'with a stable `code` and, for invalid input, field-level `errors`.',
    )
    .setVersion(packageVersion())
    // Relative: the document holds wherever the service is reached (a host, a proxy's path).
    .addServer('/', 'This service')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The accessToken of a login' })
    // The browser session's refresh cookie (SPEC §11): only the refresh and logout routes read it.
    .addCookieAuth(
      REFRESH_COOKIE,
      { type: 'apiKey', in: 'cookie', name: REFRESH_COOKIE, description: 'HttpOnly, Secure, SameSite=Strict' },
      REFRESH_COOKIE,
    )
    // Every route needs the token unless @Public() says otherwise, as the AuthGuard decides.
    .addSecurityRequirements('bearer');
  for (const [name, description] of TAGS) builder.addTag(name, description);
  const config = builder.build();
  // The package is UNLICENSED: not open source. An SPDX licence reference says so (OpenAPI 3.1).
  config.info.license = { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' } as typeof config.info.license;
  const document = SwaggerModule.createDocument(app, config, {
    // Every operation names its own in @ApiOperation; the handler's name is only a fallback.
    operationIdFactory: (_controller, method) => method,
    extraModels: [ProblemView],
  });
  return inStableOrder(withoutSingleAllOf(document));
}

/**
 * `{allOf: [{$ref}], description}` is how the generator attaches words to a named schema;
 * OpenAPI 3.1 lets `$ref` stand beside them, which says the same without a composition of one.
 */
function withoutSingleAllOf<T>(node: T): T {
  if (Array.isArray(node)) return node.map(withoutSingleAllOf) as T;
  if (typeof node !== 'object' || node === null) return node;
  const { allOf, ...rest } = node as Record<string, unknown>;
  const entries = Object.entries(rest).map(([k, v]) => [k, withoutSingleAllOf(v)]);
  if (Array.isArray(allOf) && allOf.length === 1)
    return { ...(withoutSingleAllOf(allOf[0]) as object), ...Object.fromEntries(entries) } as T;
  return Object.fromEntries(allOf === undefined ? entries : [...entries, ['allOf', withoutSingleAllOf(allOf)]]) as T;
}

const METHOD_ORDER = ['get', 'put', 'post', 'patch', 'delete', 'options', 'head', 'trace'];
const PARAMETER_ORDER = ['path', 'query', 'header', 'cookie'];

const sortedBy = <T>(record: Record<string, T>, compare: (a: string, b: string) => number): Record<string, T> =>
  Object.fromEntries(Object.entries(record).sort(([a], [b]) => compare(a, b)));

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Paths and schemas by name, an operation's methods and answers in a fixed order, so the
 * written file changes only where the contract does (the order controllers are registered,
 * classes first met or decorators applied does not show). Properties keep the order of their classes.
 */
function inStableOrder(document: OpenAPIObject): OpenAPIObject {
  const paths = sortedBy(document.paths, byName);
  for (const [path, item] of Object.entries(paths)) {
    const ordered = sortedBy(item as Record<string, unknown>, (a, b) => rank(a) - rank(b) || byName(a, b));
    for (const method of METHOD_ORDER) {
      const operation = ordered[method] as
        { responses?: Record<string, unknown>; parameters?: { name: string; in: string }[] } | undefined;
      if (operation?.responses) operation.responses = sortedBy(operation.responses, byName);
      // Path parameters as the path names them, then query (as the DTO declares them), then headers by name.
      operation?.parameters?.sort(
        (a, b) =>
          PARAMETER_ORDER.indexOf(a.in) - PARAMETER_ORDER.indexOf(b.in) ||
          (a.in === 'path' ? path.indexOf(`{${a.name}}`) - path.indexOf(`{${b.name}}`) : 0) ||
          (a.in === 'header' ? byName(a.name, b.name) : 0),
      );
    }
    paths[path] = ordered;
  }
  const schemas = document.components?.schemas;
  return {
    ...document,
    paths,
    components: { ...document.components, ...(schemas ? { schemas: sortedBy(schemas, byName) } : {}) },
  };
}

const rank = (key: string): number => {
  const i = METHOD_ORDER.indexOf(key);
  return i < 0 ? -1 : i;
};

/** The document as openapi.json holds it: two-space indentation, a final newline. */
export const openApiText = (document: OpenAPIObject): string => `${JSON.stringify(document, null, 2)}\n`;
