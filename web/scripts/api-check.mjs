// Regenerates the typed client from ../openapi.json and fails when it differs from the
// committed one in src/api/ (CI: the client must follow the API).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const web = new URL('..', import.meta.url).pathname;
const committed = join(web, 'src', 'api');
const saved = mkdtempSync(join(tmpdir(), 'api-check-'));
cpSync(committed, saved, { recursive: true });
const files = (dir) =>
  readdirSync(dir).flatMap((name) =>
    statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)],
  );
try {
  execFileSync(join(web, 'node_modules', '.bin', 'openapi-ts'), [], { cwd: web, stdio: 'ignore' });
  const before = new Map(files(saved).map((f) => [relative(saved, f), readFileSync(f, 'utf8')]));
  const after = new Map(files(committed).map((f) => [relative(committed, f), readFileSync(f, 'utf8')]));
  const differ = [...new Set([...before.keys(), ...after.keys()])].filter((f) => before.get(f) !== after.get(f));
  if (differ.length) {
    console.error(`api:check: web/src/api differs from what openapi.json generates: ${differ.join(', ')}`);
    console.error('Run `npm --prefix web run api` and commit web/src/api.');
    process.exit(1);
  }
  console.log('api:check: web/src/api matches openapi.json');
} finally {
  rmSync(saved, { recursive: true, force: true });
}
