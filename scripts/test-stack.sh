#!/usr/bin/env bash
# The test command: installs what is missing, starts FerretDB on loopback, runs the whole test
# suite against it (registries are started by the tests that need them) and stops everything,
# also when tests fail. Extra arguments go to vitest, e.g. a file filter.
set -euo pipefail

cd "$(dirname "$0")/.."
scripts/setup.sh
# shellcheck source=scripts/stack-env.sh
source scripts/stack-env.sh

work=$(mktemp -d)
ferretdb_pid=''
cleanup() {
  [ -n "$ferretdb_pid" ] && kill "$ferretdb_pid" 2>/dev/null && wait "$ferretdb_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
"$FERRETDB_BIN" --handler=sqlite --sqlite-url="file:$work/" --state-dir="$work" \
  --listen-addr="127.0.0.1:$port" --debug-addr=- --telemetry=disable --log-level=error \
  >"$work/ferretdb.log" 2>&1 &
ferretdb_pid=$!
for _ in $(seq 1 100); do
  (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done

export MONGODB_URI="mongodb://127.0.0.1:$port/"
echo "test-stack: FerretDB $FERRETDB_VERSION on $MONGODB_URI" >&2
npm test -- "$@"
