# Local stand-in for the redis image, from Debian's Redis 7.0 (ADR 0013).
ARG DEBIAN_IMAGE=payments-local/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN apt-get update -qq \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server \
  && rm -rf /var/lib/apt/lists/* && mkdir -p /data && chown redis:redis /data \
  && redis-server --version | grep -q ' v=7\.0\.'
WORKDIR /data
USER redis
EXPOSE 6379
# As the official image: without a config file Redis starts in protected mode and refuses every peer but
# loopback; the compose network is the protection.
ENTRYPOINT ["/bin/sh", "-c", "if [ \"$1\" = redis-server ]; then shift; exec redis-server --protected-mode no \"$@\"; fi; exec \"$@\"", "--"]
CMD ["redis-server"]
