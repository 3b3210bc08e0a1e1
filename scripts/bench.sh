#!/usr/bin/env bash
# npm run bench [-- --quick | --preload N | --profile …]: installs and builds what is missing
# (scripts/setup.sh), compiles the bench (bench/ → dist/bench/) when it changed, then runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ ! -f dist/bench/run.js ] || [ -n "$(find bench -name '*.ts' -newer dist/bench/run.js -print -quit)" ] \
  || [ bench/tsconfig.json -nt dist/bench/run.js ]; then
  echo "bench: compiling bench/"
  npx tsc -p bench/tsconfig.json
fi
exec node dist/bench/run.js "$@"
