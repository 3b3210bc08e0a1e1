#!/usr/bin/env bash
# Installs what the service and its tests need on a fresh Debian machine with Node 20,
# then builds. Idempotent and quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

node -e '
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    console.error(`Node ${process.versions.node} found; Node >= 20.19 is needed (require of ES modules).`);
    process.exit(1);
  }'

# Debian packages: build tools for the native addons (better-sqlite3, argon2 compile from
# source) and redis-server, which the service starts for itself when REDIS_URL is unset.
missing=()
for pair in python3:python3 make:make g++:g++ redis-server:redis-server; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair##*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages (native addons build from source: about 2 minutes)"
  # npm install, not npm ci: the registry here does not list other platforms' optional
  # binaries (@swc/core-darwin-*, …), which npm ci insists on finding in the lock file.
  # The lock file still pins every version.
  npm install --no-audit --no-fund --loglevel=error
fi

# Build when dist/ is missing or older than any source file.
if [ ! -f dist/src/main.js ] || [ -n "$(find src ormconfig.ts tsconfig.json tsconfig.build.json -newer dist/src/main.js -print -quit)" ]; then
  echo "setup: building"
  npx tsc -p tsconfig.build.json
fi
