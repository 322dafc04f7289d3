#!/usr/bin/env bash
# Regenerates generated/ from protos/: the TypeScript of buf.gen.yaml, and the descriptor set of
# images_api.proto that gRPC server reflection serves (grpcurl reads the API from it).
# With a directory argument, writes <directory>/generated instead: the contract test compares
# that with the committed files.
set -euo pipefail

cd "$(dirname "$0")/.."
PATH="$PWD/node_modules/.bin:$PATH"
base=${1:-.}

# The health protocol needs no TypeScript: nice-grpc-server-health brings its own.
buf generate --output "$base" --exclude-path protos/grpc
# Source info keeps the .proto comments, which `grpcurl describe` shows. Health is described
# too, so that grpcurl can check it with nothing but the server.
buf build --path protos/images_api.proto --path protos/grpc/health/v1/health.proto \
  --as-file-descriptor-set -o "$base/generated/images_api.binpb"
