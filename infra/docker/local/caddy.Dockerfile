# Local stand-in for the caddy image, from Debian's Caddy 2.6 (ADR 0013). wget for the health check, as
# the Alpine-based official image has.
ARG DEBIAN_IMAGE=payments-local/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN apt-get update -qq \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends caddy wget \
  && rm -rf /var/lib/apt/lists/* && caddy version | grep -q '^v\?2\.6\.'
ENV XDG_CONFIG_HOME=/config XDG_DATA_HOME=/data
WORKDIR /srv
EXPOSE 80 443
CMD ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]
