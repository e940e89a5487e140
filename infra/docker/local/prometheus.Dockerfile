# Local stand-in for prom/prometheus, from Debian's Prometheus 2.42 (upstream pin: v2.54.1; ADR 0013).
# As upstream: runs as nobody, data in /prometheus, the binary is the entrypoint, wget for health checks.
ARG DEBIAN_IMAGE=payments-local/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN apt-get update -qq \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus wget \
  && rm -rf /var/lib/apt/lists/* && mkdir -p /prometheus && chown nobody:nogroup /prometheus \
  && prometheus --version 2>&1 | grep -q 'version 2\.42\.'
USER nobody
WORKDIR /prometheus
EXPOSE 9090
ENTRYPOINT ["/usr/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
