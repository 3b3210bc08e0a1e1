import { defineConfig } from '@hey-api/openapi-ts';

/** The typed client of the service's API, from the committed openapi.json at the repository root. */
export default defineConfig({
  input: '../openapi.json',
  output: { path: './src/api' },
  plugins: [{ name: '@hey-api/client-fetch', throwOnError: true }, '@hey-api/typescript', '@hey-api/sdk'],
});
