# syntax=docker/dockerfile:1
# One image pattern for every service: `docker build --build-arg SERVICE=gateway -f infra/docker/service.Dockerfile .`
ARG BUN_VERSION=1.4.5

FROM oven/bun:${BUN_VERSION} AS deps
WORKDIR /app
COPY package.json bun.lock bunfig.toml ./
COPY packages ./packages
COPY services ./services
RUN bun install --frozen-lockfile --production --ignore-scripts

FROM oven/bun:${BUN_VERSION}-slim AS runtime
ARG SERVICE
ENV NODE_ENV=production SERVICE=${SERVICE}
WORKDIR /app
COPY --from=deps --chown=bun:bun /app ./
USER bun
# HEALTH_PORT is the service's own port (compose sets it); liveness has no dependencies.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD bun -e "fetch('http://127.0.0.1:'+process.env.HEALTH_PORT+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["sh", "-c", "exec bun services/${SERVICE}/src/server.ts"]
