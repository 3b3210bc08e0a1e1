const { execFileSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');
const buildService = require('../support/global-setup');

/**
 * The browser tests start `node dist/src/main.js` serving web/dist: both are built here when
 * missing or older than their sources.
 */
const WEB = join(__dirname, '..', '..', 'web');
const TARGET = join(WEB, 'dist', 'index.html');

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

module.exports = async function globalSetup() {
  await buildService();
  const sources = ['src', 'index.html', 'package.json', 'vite.config.ts', 'tsconfig.json'].map((p) => join(WEB, p));
  // The console imports the service's password rule, so that it is stated once.
  sources.push(join(WEB, '..', 'src', 'auth', 'password-policy.ts'));
  const latest = Math.max(...sources.filter(existsSync).map(newest));
  if (existsSync(TARGET) && statSync(TARGET).mtimeMs >= latest) return;
  const started = Date.now();
  execFileSync(join(WEB, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], { cwd: WEB, stdio: 'inherit' });
  process.stderr.write(`\nglobal setup: built web/dist in ${Date.now() - started} ms\n`);
};
