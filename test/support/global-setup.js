const { execFileSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

/**
 * Jest global setup: the fault tests start real worker processes from dist/src/worker.js,
 * so dist/ is rebuilt (tsc -p tsconfig.build.json) when it is missing or older than any
 * file of src/ (or the build's config). Up to date, this costs one walk of src/.
 */
const ROOT = join(__dirname, '..', '..');
const TARGET = join(ROOT, 'dist', 'src', 'worker.js');

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

module.exports = async function globalSetup() {
  const sources = [
    join(ROOT, 'src'),
    join(ROOT, 'ormconfig.ts'),
    join(ROOT, 'tsconfig.json'),
    join(ROOT, 'tsconfig.build.json'),
  ];
  const latest = Math.max(...sources.filter(existsSync).map(newest));
  if (existsSync(TARGET) && statSync(TARGET).mtimeMs >= latest) return;
  const started = Date.now();
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
      cwd: ROOT,
      stdio: 'pipe',
    });
  } catch (e) {
    // tsc still writes JavaScript when types do not check; the tests that start workers
    // need only that. Without it they cannot run at all.
    const output = `${e.stdout ?? ''}${e.stderr ?? ''}`.trim();
    if (!existsSync(TARGET) || statSync(TARGET).mtimeMs < started - 1000) {
      throw new Error(`global setup: the build (tsc -p tsconfig.build.json) failed:\n${output}`);
    }
    process.stderr.write(
      `\nglobal setup: tsc -p tsconfig.build.json reported errors (JavaScript was written):\n${output}\n`,
    );
    return;
  }
  process.stderr.write(`\nglobal setup: built dist/ in ${Date.now() - started} ms\n`);
};
