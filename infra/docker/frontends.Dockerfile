# The edge image: the built micro-frontends served by Caddy, which also proxies /api/* and /ws to the
# gateways (infra/docker/frontends.Caddyfile).
#   docker build -f infra/docker/frontends.Dockerfile -t payments-edge .
# Base images are build arguments (Docker Hub's by default; `bun run stack` passes its local stand-ins where
# no registry answers, ADR 0013). Classic builder compatible.
ARG BUN_IMAGE=oven/bun
ARG BUN_VERSION=1.4.5
ARG CADDY_IMAGE=caddy
ARG CADDY_VERSION=2.6

FROM ${BUN_IMAGE}:${BUN_VERSION} AS manifests
WORKDIR /src
COPY . .
RUN mkdir /out && find . -name package.json -not -path '*/node_modules/*' -exec cp --parents '{}' /out ';' \
  && cp bun.lock bunfig.toml /out/ && cp -r patches /out/patches

FROM ${BUN_IMAGE}:${BUN_VERSION} AS build
WORKDIR /app
COPY --from=manifests /out/ ./
# The build needs Vite and its plugins (dev dependencies); none of it reaches the runtime image.
RUN bun install --frozen-lockfile --ignore-scripts
COPY tsconfig.json ./
COPY packages ./packages
COPY frontends ./frontends
ENV NODE_ENV=production
RUN bun run build:frontends

FROM ${CADDY_IMAGE}:${CADDY_VERSION} AS runtime
COPY infra/docker/frontends.Caddyfile /etc/caddy/Caddyfile
COPY --from=build /app/frontends/shell/dist /srv/shell
COPY --from=build /app/frontends/auth/dist /srv/remotes/auth
COPY --from=build /app/frontends/payments/dist /srv/remotes/payments
COPY --from=build /app/frontends/admin/dist /srv/remotes/admin
# Certificates and the local CA live in /data (a volume in compose), Caddy's autosave in /config; both are
# owned by the unprivileged user, so the rest of the filesystem can be read-only.
ENV XDG_DATA_HOME=/data XDG_CONFIG_HOME=/config
# Go's collector at 400 % heap growth instead of 100 %: Caddy allocates per request and its live heap is tens
# of MB, so a little more memory buys less CPU per proxied request (ADR 0026 has the measurement).
ENV GOGC=400
RUN mkdir -p /data/caddy /config/caddy && chown -R 10001:10001 /data /config
# Not root, by number (no user database needed, and Kubernetes' runAsNonRoot can verify it). Ports 80/443:
# compose lowers the unprivileged-port floor of the container's network namespace (a sysctl) rather than
# relying on a file capability, which no-new-privileges would cancel.
USER 10001:10001
EXPOSE 80 443
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["wget", "-q", "-O", "-", "http://127.0.0.1:8081/"]
CMD ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]
