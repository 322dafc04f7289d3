#!/usr/bin/env bash
# The test command: installs what is missing, starts FerretDB on loopback (SQLite backend, in a
# temporary directory), runs the whole test suite against it (registries are started by the
# tests that need them) and stops everything, also when tests fail. Extra arguments go to
# vitest, e.g. a file filter. FERRETDB_BACKEND=postgresql runs the suite on PostgreSQL instead.
set -euo pipefail

cd "$(dirname "$0")/.."
scripts/setup.sh
# A MONGODB_URI of the caller's own would bypass the database this script promises.
unset MONGODB_URI
exec scripts/with-database.sh npm test -- "$@"
