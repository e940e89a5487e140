# Local stand-in for oliver006/redis_exporter, from Debian's 1.45 (upstream pin: v1.62.0; ADR 0013). It
# reads the same REDIS_ADDR variable; runs as nobody like upstream.
ARG DEBIAN_IMAGE=payments-local/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN apt-get update -qq \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus-redis-exporter wget \
  && rm -rf /var/lib/apt/lists/* \
  && prometheus-redis-exporter --version 2>&1 | grep -q '1\.45\.'
USER nobody
EXPOSE 9121
ENTRYPOINT ["/usr/bin/prometheus-redis-exporter"]
