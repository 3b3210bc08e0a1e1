#!/usr/bin/env bash
# npm run cluster: the scaled-out shape on one machine. One PostgreSQL and one Redis, two
# API processes (WORKERS=off) on ports 3001 and 3002, two worker processes; e-mails as .eml
# files in var/cluster/outbox unless SMTP_URL is set. Ctrl-C (or SIGTERM) stops them all.
#   CLUSTER_DIR=var/cluster  where the database, Redis data and logs live (kept between runs)
# The processes are started by tools/cluster/launcher.ts, as the bench's --cluster and the
# cluster test start theirs; this script installs what is missing and builds it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/runtime.sh

# PostgreSQL: Debian's, installed when missing (the launcher runs a cluster of its own under CLUSTER_DIR/pg).
if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
  echo "cluster: installing postgresql"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
fi
if [ ! -f dist/tools/cluster/cli.js ] || [ -n "$(find tools -name '*.ts' -newer dist/tools/cluster/cli.js -print -quit)" ] \
  || [ tools/tsconfig.json -nt dist/tools/cluster/cli.js ]; then
  echo "cluster: compiling tools/"
  npx tsc -p tools/tsconfig.json
fi
exec node dist/tools/cluster/cli.js
