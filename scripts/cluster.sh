#!/usr/bin/env bash
# npm run cluster: the scaled-out shape on one machine. One PostgreSQL and one Redis, two
# API processes (WORKERS=off) on ports 3001 and 3002, two worker processes; e-mails as .eml
# files in var/cluster/outbox unless SMTP_URL is set. Ctrl-C (or SIGTERM) stops them all.
#   CLUSTER_DIR=var/cluster  where the database, Redis data and logs live (kept between runs)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/runtime.sh

dir=$(realpath -m "${CLUSTER_DIR:-var/cluster}")
mkdir -p "$dir/logs"
pids=()
cleanup() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait "${pids[@]}" 2>/dev/null || true
  as_pg "$pg_bin/pg_ctl" -D "$dir/pg" -m fast stop >/dev/null 2>&1 || true
  redis-cli -s "$dir/redis.sock" shutdown >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM

# PostgreSQL: Debian's, installed when missing, a cluster of our own under $dir/pg.
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$pg_bin" ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_port=${CLUSTER_PG_PORT:-55433}
# PostgreSQL refuses to run as root: as root, its files belong to the postgres user.
[ "$(id -u)" -eq 0 ] && chown postgres "$dir" "$dir/logs"
if [ ! -d "$dir/pg" ]; then
  as_pg "$pg_bin/initdb" -D "$dir/pg" -A trust -U postgres >/dev/null
fi
as_pg "$pg_bin/pg_ctl" -D "$dir/pg" -l "$dir/logs/postgres.log" -w \
  -o "-p $pg_port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
as_pg "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -tc "SELECT 1 FROM pg_database WHERE datname='eservices'" |
  grep -q 1 || as_pg "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres eservices

# Redis: one for all processes, append-only, noeviction.
redis-server --port 0 --unixsocket "$dir/redis.sock" --unixsocketperm 700 --dir "$dir" \
  --appendonly yes --maxmemory-policy noeviction --save '' --logfile "$dir/logs/redis.log" &
pids+=($!)
for _ in $(seq 100); do redis-cli -s "$dir/redis.sock" ping >/dev/null 2>&1 && break; sleep 0.05; done

export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/eservices"
export REDIS_URL="redis+unix://$dir/redis.sock"
export VAR_DIR="$dir"
export MAIL_OUTBOX_DIR="${MAIL_OUTBOX_DIR:-$dir/outbox}"
[ -f "$dir/jwt-secret" ] || node -e 'console.log(require("crypto").randomBytes(48).toString("base64url"))' > "$dir/jwt-secret"
export JWT_SECRET="$(cat "$dir/jwt-secret")"

for port in 3001 3002; do
  PORT=$port WORKERS=off node dist/src/main.js > "$dir/logs/api-$port.log" 2>&1 &
  pids+=($!)
done
for n in 1 2; do
  METRICS_PORT=$((9463 + n)) node dist/src/worker.js > "$dir/logs/worker-$n.log" 2>&1 &
  pids+=($!)
done
for port in 3001 3002; do
  for _ in $(seq 200); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null 2>&1 && break; sleep 0.1; done
done
echo "cluster up: API http://localhost:3001/api/v1 and http://localhost:3002/api/v1, 2 workers,"
echo "  PostgreSQL 127.0.0.1:$pg_port/eservices, Redis $dir/redis.sock, logs in $dir/logs"
wait -n "${pids[@]}" || true
echo "cluster: a process ended; stopping the rest" >&2
