import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { documentationApp } from './app';
import { openApiDocument, openApiText } from './openapi';

/** Where the committed document lives: the repository's root (dist/src/ → ../../). */
export const OPENAPI_FILE = resolve(__dirname, '..', '..', 'openapi.json');

/**
 * `npm run openapi`: writes the OpenAPI document to openapi.json without listening on a
 * port, opening the database or starting Redis. A test fails when the committed file differs
 * from what the code generates.
 */
async function main(): Promise<void> {
  const app = await documentationApp();
  try {
    writeFileSync(OPENAPI_FILE, openApiText(openApiDocument(app)));
    console.log(`wrote ${OPENAPI_FILE}`);
  } finally {
    await app.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
