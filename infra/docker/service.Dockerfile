# One image for every service: `docker build --build-arg SERVICE=gateway -f infra/docker/service.Dockerfile .`
# Classic builder compatible (no BuildKit-only syntax): some Docker hosts have no buildx (ADR 0013).
# Base images are build arguments so the same file builds from Docker Hub's oven/bun or from the local
# stand-ins `bun run stack` makes where no registry answers (BUN_IMAGE=payments-local/bun).
ARG BUN_IMAGE=oven/bun
ARG BUN_VERSION=1.4.5

# Every workspace's package.json (frontends, e2e and bench included) must be present, or the frozen
# lockfile refuses to install; copying them alone keeps the install layer cached across source edits.
FROM ${BUN_IMAGE}:${BUN_VERSION} AS manifests
WORKDIR /src
COPY . .
RUN mkdir /out && find . -name package.json -not -path '*/node_modules/*' -exec cp --parents '{}' /out ';' \
  && cp bun.lock bunfig.toml /out/ && cp -r patches /out/patches

FROM ${BUN_IMAGE}:${BUN_VERSION} AS deps
WORKDIR /app
COPY --from=manifests /out/ ./
# Production dependencies of the services (and the packages they use) only: no frontend, e2e or bench
# dependency reaches the image. `patches/` must be there: package.json's patchedDependencies are applied
# during the install (their absence was why `docker compose up` never built, issue 17).
RUN bun install --frozen-lockfile --production --ignore-scripts --filter './services/*'

FROM ${BUN_IMAGE}:${BUN_VERSION}-slim AS runtime
# The root filesystem is read-only in compose: no transpiler cache on disk.
ENV NODE_ENV=production BUN_RUNTIME_TRANSPILER_CACHE_PATH=0
WORKDIR /app
COPY --from=deps /app ./
COPY tsconfig.json package.json ./
COPY packages ./packages
COPY services ./services
# Only now the service's name: every layer above is the same for the five services, built once.
ARG SERVICE
ENV SERVICE=${SERVICE}
# Numeric id (the image's `bun` user, 1000) so Kubernetes' runAsNonRoot can verify it; the files stay
# root-owned, so the service cannot rewrite its own code.
USER 1000:1000
# HEALTH_PORT is the service's own port (compose sets it); liveness has no dependencies.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["bun", "-e", "fetch('http://127.0.0.1:'+process.env.HEALTH_PORT+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["sh", "-c", "exec bun services/${SERVICE}/src/server.ts"]
