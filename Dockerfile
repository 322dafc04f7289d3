# syntax=docker/dockerfile:1
# Two stages: the first compiles TypeScript with the dev dependencies, the second carries only
# the compiled service and its production dependencies, and runs as the unprivileged `node` user.

FROM node:20-bookworm-slim AS build
WORKDIR /app
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
COPY --from=build /app/dist ./dist
COPY bin ./bin
RUN mkdir -p "$DATA_DIR" && chown node:node "$DATA_DIR"
USER node
VOLUME ["/var/lib/images-service"]
EXPOSE 50050 5002
CMD ["node", "dist/src/cli.js", "start"]
