# syntax=docker/dockerfile:1
# The edge image: the built micro-frontends served by Caddy, which also proxies /api/* and /ws to the
# gateways (infra/docker/frontends.Caddyfile).
#   docker build -f infra/docker/frontends.Dockerfile -t payments-edge .
ARG BUN_VERSION=1.4.5
ARG CADDY_VERSION=2.6

FROM oven/bun:${BUN_VERSION} AS build
WORKDIR /app
# Every workspace's package.json must be present for the frozen lockfile; services come along for that.
COPY package.json bun.lock bunfig.toml tsconfig.json ./
COPY packages ./packages
COPY services ./services
COPY frontends ./frontends
RUN bun install --frozen-lockfile --ignore-scripts
ENV NODE_ENV=production
RUN bun run build:frontends

FROM caddy:${CADDY_VERSION} AS runtime
COPY infra/docker/frontends.Caddyfile /etc/caddy/Caddyfile
COPY --from=build /app/frontends/shell/dist /srv/shell
COPY --from=build /app/frontends/auth/dist /srv/remotes/auth
COPY --from=build /app/frontends/payments/dist /srv/remotes/payments
COPY --from=build /app/frontends/admin/dist /srv/remotes/admin
# Not root (a numeric id, so Kubernetes' runAsNonRoot can verify it): the image's caddy binary carries the
# file capability cap_net_bind_service for ports 80/443. Certificates and the local CA live in /data (a
# volume in compose, owned by this user), so they survive a re-create.
RUN addgroup -S -g 10001 caddy && adduser -S -u 10001 -G caddy -H caddy \
  && mkdir -p /data/caddy /config/caddy && chown -R 10001:10001 /data /config
USER 10001:10001
EXPOSE 80 443
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD wget -q -O - http://127.0.0.1:8081/ || exit 1
