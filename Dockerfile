# syntax=docker/dockerfile:1
# Two stages: the first compiles TypeScript with the dev dependencies, the second carries only
# the compiled service and its production dependencies, and runs as the unprivileged `node` user.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# mongodb-memory-server would download a mongod at install; the image is run with MONGODB_URI.
ENV MONGOMS_DISABLE_POSTINSTALL=1
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY tsconfig.json tsconfig.build.json ./
COPY protos ./protos
COPY generated ./generated
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    DATA_DIR=/var/lib/images-service \
    GRPC_ADDR=0.0.0.0:50050 \
    HTTP_ADDR=0.0.0.0:5002
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
# dist/ holds generated/images_api.binpb too (`npm run build` copies it): gRPC reflection reads it.
COPY --from=build /app/dist ./dist
COPY bin ./bin
# For `docker compose exec images-service images-service reconcile` and the other commands.
RUN ln -s /app/bin/images-service.js /usr/local/bin/images-service
# The token directory exists in the image so that a volume mounted over DATA_DIR starts out
# owned by `node`, who must write the signing key there.
RUN mkdir -p "$DATA_DIR/token" && chown -R node:node "$DATA_DIR"
USER node
VOLUME ["/var/lib/images-service"]
EXPOSE 50050 5002
# slim has no curl: Node asks GET /readyz, 200 while the database answers and the key is loaded.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "bin/healthcheck.js"]
CMD ["node", "dist/src/cli.js", "start"]
