#!/usr/bin/env bash
# npm run bench [-- --quick | --preload N | --profile | --cluster …]: installs and builds what is missing
# (scripts/setup.sh), compiles the bench (bench/ → dist/bench/) when it changed, then runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/runtime.sh
# --cluster runs PostgreSQL of its own: Debian's, installed when missing (as scripts/cluster.sh).
if [[ " $* " == *" --cluster "* ]] && ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
  echo "bench: installing postgresql"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
if [ ! -f dist/bench/run.js ] || [ -n "$(find bench -name '*.ts' -newer dist/bench/run.js -print -quit)" ] \
  || [ bench/tsconfig.json -nt dist/bench/run.js ]; then
  echo "bench: compiling bench/"
  npx tsc -p bench/tsconfig.json
fi
exec node dist/bench/run.js "$@"
