# Local stand-in for curlimages/curl, from Debian's curl 7.88 (upstream pin: 8.10.1; ADR 0013). Compose
# runs it with `sh -c`, which the official image's entrypoint also passes through.
ARG DEBIAN_IMAGE=payments-local/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN apt-get update -qq \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends curl \
  && rm -rf /var/lib/apt/lists/*
USER nobody
CMD ["curl", "--help"]
