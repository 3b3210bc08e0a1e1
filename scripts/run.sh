#!/usr/bin/env bash
# Runs a command on the project's Node (scripts/runtime.sh): `bash scripts/run.sh node dist/src/main.js`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/runtime.sh
export PATH="$PWD/node_modules/.bin:$PATH"
exec "$@"
