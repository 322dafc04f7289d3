#!/usr/bin/env bash
# Regenerates generated/ from protos/: the TypeScript of buf.gen.yaml, and the descriptor set of
# images_api.proto that gRPC server reflection serves (grpcurl reads the API from it).
# With a directory argument, writes <directory>/generated instead: the contract test compares
# that with the committed files.
set -euo pipefail

cd "$(dirname "$0")/.."
PATH="$PWD/node_modules/.bin:$PATH"
base=${1:-.}

buf generate --output "$base"
# Source info keeps the .proto comments, which `grpcurl describe` shows.
buf build --path protos/images_api.proto --as-file-descriptor-set \
  -o "$base/generated/images_api.binpb"
