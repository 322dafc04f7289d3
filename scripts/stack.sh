#!/usr/bin/env bash
# `npm run stack`: a whole local stack on loopback (MongoDB or FerretDB, the service, a Docker
# Registry configured from deploy/registry/config.yml) until Ctrl-C. See README, "Local stack
# without Docker". The tools' paths come from stack-env.sh, as for the tests.
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=scripts/stack-env.sh
source scripts/stack-env.sh
# exec: signals reach the stack itself, which stops its servers in order.
exec node --import tsx scripts/stack/main.ts "$@"
