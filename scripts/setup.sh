#!/usr/bin/env bash
# Installs what the service and its tests need on a fresh Debian machine (with whatever
# Node it has, or none newer than 20), then builds. Idempotent and quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

# A supported Node (scripts/runtime.sh): the machine's own when new enough, else one
# installed into .runtime/ from the npm registry.
source scripts/runtime.sh

# Debian packages: build tools for the native addons (better-sqlite3, argon2 compile from
# source), redis-server, which the service starts for itself when REDIS_URL is unset, and
# fonts-noto-cjk, the font with the Chinese characters that Chinese PDF records embed.
missing=()
for pair in python3:python3 make:make g++:g++ redis-server:redis-server; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair##*:}")
done
[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# node_modules/.node-version names the Node the native addons were built for: another Node
# (the machine's own before, the project's now) means building them again.
node_version=$(node -p process.versions.node)
had_tree=$([ -d node_modules/better-sqlite3 ] && echo yes || echo no)
built_for=$(cat node_modules/.node-version 2>/dev/null || echo unknown)
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] \
  || [ "$(cat node_modules/.node-version 2>/dev/null)" != "$node_version" ]; then
  echo "setup: installing npm packages on Node $node_version (native addons build from source: about 2 minutes)"
  # npm install, not npm ci: the registry here does not list other platforms' optional
  # binaries (@swc/core-darwin-*, …), which npm ci insists on finding in the lock file.
  # The lock file still pins every version.
  npm install --no-audit --no-fund --loglevel=error
  # A tree installed on another Node keeps its old builds: build the addons for this one.
  if [ "$had_tree" = yes ] && [ "$built_for" != "$node_version" ]; then npm rebuild --loglevel=error better-sqlite3 argon2; fi
  echo "$node_version" >node_modules/.node-version
fi

# Build when dist/ is missing or older than any source file.
if [ ! -f dist/src/main.js ] || [ -n "$(find src ormconfig.ts tsconfig.json tsconfig.build.json -newer dist/src/main.js -print -quit)" ]; then
  echo "setup: building"
  # From scratch: entities and migrations are found by file name (src/config/data-source-options.ts),
  # so the output of a file since moved or removed must not stay behind.
  rm -rf dist/src dist/ormconfig.js dist/ormconfig.js.map
  npx tsc -p tsconfig.build.json
fi

# The web console (web/, its own packages): installed when its lock file is newer than what
# web/node_modules holds, built when web/dist is older than any of its sources; the service
# serves web/dist at / (CONSOLE_DIR).
if [ ! -f web/node_modules/.package-lock.json ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
  echo "setup: installing the web console's npm packages"
  npm --prefix web install --no-audit --no-fund --loglevel=error
fi
if [ ! -f web/dist/index.html ] || [ -n "$(find web/src web/index.html web/package.json web/vite.config.ts web/tsconfig.json -newer web/dist/index.html -print -quit)" ]; then
  echo "setup: building the web console"
  npm --prefix web run -s build >/dev/null
fi
