# Local stand-in for prometheuscommunity/postgres-exporter, from Debian's 0.11.1 (upstream pin: v0.15.0;
# ADR 0013). It reads the same DATA_SOURCE_URI/_USER/_PASS variables; runs as nobody like upstream.
ARG DEBIAN_IMAGE=payments-local/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN apt-get update -qq \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus-postgres-exporter wget \
  && rm -rf /var/lib/apt/lists/* \
  && prometheus-postgres-exporter --version 2>&1 | grep -q 'version 0\.11\.'
USER nobody
EXPOSE 9187
ENTRYPOINT ["/usr/bin/prometheus-postgres-exporter"]
