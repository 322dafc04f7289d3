#!/usr/bin/env bash
# Runs a command with MONGODB_URI pointing at a FerretDB v1.24.2 of its own on loopback, and
# stops that database afterwards, also when the command fails. With MONGODB_URI already set, the
# command simply runs against that server.
#
#   scripts/with-database.sh [--backend sqlite|postgresql] command [args...]
#
# The backend is FERRETDB_BACKEND when set, else --backend, else sqlite:
# - sqlite: FerretDB's SQLite files in a temporary directory (what the tests run on);
# - postgresql: Debian's PostgreSQL 15 in the same temporary directory, under FerretDB. The
#   benchmarks and the soak use it: FerretDB's SQLite backend pushes no filter but `{_id: x}`
#   down to SQL, so each conditional update and each List reads the whole collection in Go,
#   about ten times the cost measured on PostgreSQL, which filters in SQL.
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=scripts/stack-env.sh
source scripts/stack-env.sh

backend=sqlite
if [ "${1:-}" = '--backend' ]; then
  backend=${2:?'--backend needs sqlite or postgresql'}
  shift 2
fi
backend=${FERRETDB_BACKEND:-$backend}
[ $# -gt 0 ] || { echo 'with-database: no command given' >&2; exit 2; }

if [ -n "${MONGODB_URI:-}" ]; then
  exec "$@"
fi

case "$backend" in
  sqlite | postgresql) ;;
  *)
    echo "with-database: FERRETDB_BACKEND \"$backend\" is not sqlite or postgresql" >&2
    exit 2
    ;;
esac
[ -x "$FERRETDB_BIN" ] || { echo "with-database: no FerretDB at $FERRETDB_BIN: run scripts/setup.sh" >&2; exit 2; }

work=$(mktemp -d)
ferretdb_pid=''
postgres_started=''
# PostgreSQL refuses to run as root; Debian's package provides the postgres account for it.
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
cleanup() {
  if [ -n "$ferretdb_pid" ]; then
    kill "$ferretdb_pid" 2>/dev/null || true
    wait "$ferretdb_pid" 2>/dev/null || true
  fi
  if [ -n "$postgres_started" ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$work/postgres" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

wait_for_port() {
  for _ in $(seq 1 150); do
    (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "with-database: nothing listens on 127.0.0.1:$1 after 15 s; see $2" >&2
  cat "$2" >&2
  return 1
}

handler_flags=()
if [ "$backend" = postgresql ]; then
  [ -x "$PG_BIN/pg_ctl" ] || { echo "with-database: no PostgreSQL in $PG_BIN: run scripts/setup.sh" >&2; exit 2; }
  pg_port=$(free_port)
  mkdir "$work/postgres"
  [ "$(id -u)" -eq 0 ] && chown postgres "$work" "$work/postgres"
  as_postgres "$PG_BIN/initdb" -D "$work/postgres" -A trust -U postgres >"$work/initdb.log" 2>&1 ||
    { cat "$work/initdb.log" >&2; exit 1; }
  # Sockets in the work directory, so that nothing of the machine's own PostgreSQL is touched.
  as_postgres "$PG_BIN/pg_ctl" -D "$work/postgres" -w -l "$work/postgres/server.log" \
    -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1" start >/dev/null
  postgres_started=yes
  as_postgres "$PG_BIN/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres ferretdb
  handler_flags=(--handler=postgresql "--postgresql-url=postgres://postgres@127.0.0.1:$pg_port/ferretdb")
else
  handler_flags=(--handler=sqlite "--sqlite-url=file:$work/")
fi

port=$(free_port)
mkdir -p "$work/ferretdb"
"$FERRETDB_BIN" "${handler_flags[@]}" --state-dir="$work/ferretdb" \
  --listen-addr="127.0.0.1:$port" --debug-addr=- --telemetry=disable --log-level=error \
  >"$work/ferretdb.log" 2>&1 &
ferretdb_pid=$!
wait_for_port "$port" "$work/ferretdb.log"

export MONGODB_URI="mongodb://127.0.0.1:$port/"
echo "with-database: FerretDB $FERRETDB_VERSION ($backend) on $MONGODB_URI" >&2
"$@"
