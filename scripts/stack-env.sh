# Where the test stack's tools live; sourced by the scripts, overridable from the environment.
: "${STACK_BIN:=${XDG_CACHE_HOME:-$HOME/.cache}/images-service/bin}"
: "${FERRETDB_VERSION:=v1.24.2}"
: "${REGISTRY3_VERSION:=v3.1.1}"
: "${GRPCURL_VERSION:=v1.9.3}"
: "${FERRETDB_BIN:=$STACK_BIN/ferretdb-$FERRETDB_VERSION}"
: "${REGISTRY3_BIN:=$STACK_BIN/registry-$REGISTRY3_VERSION}"
: "${GRPCURL_BIN:=$STACK_BIN/grpcurl-$GRPCURL_VERSION}"
: "${REGISTRY2_BIN:=$(command -v docker-registry || echo /usr/bin/docker-registry)}"
: "${SKOPEO_BIN:=$(command -v skopeo || echo /usr/bin/skopeo)}"
# Debian's PostgreSQL, for FerretDB's postgresql backend (scripts/with-database.sh).
: "${PG_BIN:=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
export STACK_BIN FERRETDB_VERSION REGISTRY3_VERSION FERRETDB_BIN REGISTRY3_BIN REGISTRY2_BIN SKOPEO_BIN
export GRPCURL_VERSION GRPCURL_BIN PG_BIN
export PATH="/usr/local/go/bin:$PATH"
