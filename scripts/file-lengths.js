// Part of npm run lint: no source file over 400 lines (README, "The code's shape"). Files of one
// job stay short; a longer one is split where its jobs part. Tests and the generated API client
// are not counted.
const { readdirSync, readFileSync, statSync } = require('node:fs');
const { join } = require('node:path');

const MAX_LINES = 400;
const ROOTS = ['src', 'web/src', 'bench', 'tools'];
const SKIP = [/^web\/src\/api\//, /\.(spec|test)\.tsx?$/, /node_modules/];

const files = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.tsx?$/.test(name) ? [path] : [];
  });

const long = ROOTS.flatMap(files)
  .filter((path) => !SKIP.some((skip) => skip.test(path)))
  .map((path) => ({ path, lines: readFileSync(path, 'utf8').split('\n').length - 1 }))
  .filter((f) => f.lines > MAX_LINES);
for (const f of long) console.error(`${f.path}: ${f.lines} lines (at most ${MAX_LINES}: split it where its jobs part)`);
process.exit(long.length ? 1 : 0);
