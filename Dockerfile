# syntax=docker/dockerfile:1
# The worker image: the daemon (default CMD), the CLI and the OneFile simulator are all in it.
#   docker build -t pics-onefile-worker .
#   docker run --env-file worker.env -p 8080:8080 pics-onefile-worker
# docker-compose.yml runs the whole stack (worker, Redis, Postgres, simulator, demo seed); docs/operations.md.

ARG NODE_IMAGE=node:24-slim

# --- build: every dependency, TypeScript → dist/ -------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build

# --- runtime: production dependencies and the compiled code only, as a non-root user ------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8080
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/migrations ./dist/migrations
COPY config ./config
# The image's files stay root-owned and read-only to the process.
USER node
EXPOSE 8080
# Liveness only (GET /healthz); node:24-slim has no curl, so Node does the request.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["node", "dist/src/http/healthcheck.js"]
# SIGTERM: stop taking jobs, finish running ones within SHUTDOWN_GRACE_MS, exit 0 (give the runtime ≥ 30 s).
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]
