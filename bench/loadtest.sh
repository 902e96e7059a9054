#!/usr/bin/env bash
# make loadtest: gunicorn (2 workers) under wrk on the demo year, in a database of its own.
#
# On PostgreSQL (DATABASE_URL set) it creates the database kramfors_bench_load on
# the same server and drops it afterwards; on SQLite it uses a file in a temporary
# folder. It migrates, loads the demo year, serves it with DEBUG off on a free
# port of 127.0.0.1, and runs wrk for LOADTEST_SECONDS (60) with 32 connections
# and 2 threads on a mix of röd tråd, verksamhetsplan and node pages
# (bench/loadtest_prepare.py),
# as a logged-in reader. It prints requests/s, p50 and p99 latency and the count
# of responses that were not 2xx or failed; any such response fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_TO_RUN="${LOADTEST_SECONDS:-60}"
CONNECTIONS="${LOADTEST_CONNECTIONS:-32}"
THREADS=2
WORKERS=2
PYTHON=.venv/bin/python
DATABASE_NAME=kramfors_bench_load

if ! command -v wrk >/dev/null; then
  echo "== installing wrk"
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi

work=$(mktemp -d -t kramfors_loadtest.XXXXXX)
gunicorn_pid=""
admin_url=""

# CREATE/DROP DATABASE from the server's maintenance database.
postgres_admin() {
  "$PYTHON" - "$admin_url" "$1" <<'EOF'
import sys

import psycopg

with psycopg.connect(sys.argv[1], autocommit=True) as connection:
    connection.execute(sys.argv[2])
EOF
}

cleanup() {
  if [ -n "$gunicorn_pid" ] && kill -0 "$gunicorn_pid" 2>/dev/null; then
    kill -TERM "$gunicorn_pid"
    wait "$gunicorn_pid" 2>/dev/null || true
  fi
  if [ -n "$admin_url" ]; then
    postgres_admin "DROP DATABASE IF EXISTS $DATABASE_NAME WITH (FORCE)" || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

export DEBUG=0
export SECRET_KEY
SECRET_KEY=$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(50))')
export ALLOWED_HOSTS=127.0.0.1
# wrk speaks plain HTTP to 127.0.0.1: no redirect to HTTPS, cookies sent as they are.
export SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 SECURE_HSTS_SECONDS=0
export DJANGO_SETTINGS_MODULE=bench.loadtest_settings
export LOADTEST_STATIC_ROOT="$work/static"

if [ -n "${DATABASE_URL:-}" ]; then
  case "$DATABASE_URL" in
    postgres://* | postgresql://*) ;;
    *) echo "The load test runs on PostgreSQL or SQLite." >&2; exit 2 ;;
  esac
  server="${DATABASE_URL%/*}"
  admin_url="$server/postgres"
  postgres_admin "DROP DATABASE IF EXISTS $DATABASE_NAME WITH (FORCE)"
  postgres_admin "CREATE DATABASE $DATABASE_NAME"
  export DATABASE_URL="$server/$DATABASE_NAME"
  database="PostgreSQL ($DATABASE_NAME)"
else
  export SQLITE_PATH="$work/loadtest.sqlite3"
  database="SQLite ($SQLITE_PATH)"
fi

echo "== preparing $database"
"$PYTHON" manage.py migrate --noinput -v 0
"$PYTHON" manage.py load_demo
"$PYTHON" manage.py collectstatic --noinput -v 0
cookie=$("$PYTHON" -m bench.loadtest_prepare "$work/urls.txt" | tail -n 1)
echo "$(wc -l <"$work/urls.txt") URLs, one röd tråd for every four node pages"

port=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
echo "== gunicorn, $WORKERS workers, on 127.0.0.1:$port"
.venv/bin/gunicorn kramfors_styr.wsgi --workers "$WORKERS" --bind "127.0.0.1:$port" \
  --log-level warning --error-logfile "$work/gunicorn.log" &
gunicorn_pid=$!
for _ in $(seq 1 50); do
  curl -fs -o /dev/null "http://127.0.0.1:$port$(head -n 1 "$work/urls.txt")" && break
  sleep 0.2
done

run_wrk() {
  LOADTEST_URLS="$work/urls.txt" LOADTEST_COOKIE="$cookie" \
    wrk --threads "$THREADS" --connections "$CONNECTIONS" --duration "$1" --timeout 10s \
    --latency --script bench/loadtest.lua "http://127.0.0.1:$port"
}

echo "== warming up (5 s)"
run_wrk 5s >/dev/null
echo "== wrk: $SECONDS_TO_RUN s, $CONNECTIONS connections, $THREADS threads"
load_before=$(cut -d ' ' -f 1 /proc/loadavg)
run_wrk "${SECONDS_TO_RUN}s" | tee "$work/wrk.txt"

summary=$(grep '^LOADTEST ' "$work/wrk.txt")
value() { sed -E "s/.* $1=([0-9.]+).*/\1/" <<<"$summary"; }
requests=$(value requests)
seconds=$(value seconds)
failed=$(($(value non_2xx) + $(value connect) + $(value read) + $(value write) + $(value timeout)))
echo
echo "== result on $database"
awk -v requests="$requests" -v seconds="$seconds" 'BEGIN { printf "requests/s    %.1f\n", requests / seconds }'
echo "p50 latency   $(value p50_ms) ms"
echo "p99 latency   $(value p99_ms) ms"
echo "not 2xx or failed: $failed (of $requests requests)"
echo "load average  $load_before before, $(cut -d ' ' -f 1 /proc/loadavg) after (other jobs on the machine count too)"
if [ "$failed" -ne 0 ]; then
  echo "FAILED: some responses were not 2xx, or requests failed" >&2
  tail -n 20 "$work/gunicorn.log" >&2 || true
  exit 1
fi
