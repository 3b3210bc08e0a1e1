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

# Native addons (better-sqlite3, argon2) compile from source: they need python3, make and g++.
missing=()
for tool in python3 make g++; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing build tools (${missing[*]})"
  apt_pkgs=(python3 make g++)
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq "${apt_pkgs[@]}" >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq "${apt_pkgs[@]}" >/dev/null; fi
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
