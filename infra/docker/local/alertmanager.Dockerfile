# Local stand-in for prom/alertmanager, from Debian's Alertmanager 0.25 (upstream pin: v0.27.0; ADR 0013).
# As upstream: runs as nobody, data in /alertmanager, the binary is the entrypoint, wget for health checks.
ARG DEBIAN_IMAGE=payments-local/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN apt-get update -qq \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus-alertmanager wget \
  && rm -rf /var/lib/apt/lists/* && mkdir -p /alertmanager && chown nobody:nogroup /alertmanager \
  && prometheus-alertmanager --version 2>&1 | grep -q 'version 0\.25\.'
USER nobody
WORKDIR /alertmanager
EXPOSE 9093
ENTRYPOINT ["/usr/bin/prometheus-alertmanager"]
CMD ["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager"]
