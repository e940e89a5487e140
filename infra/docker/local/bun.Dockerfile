# Local stand-in for oven/bun (and its -slim tag), for hosts where no registry answers (ADR 0013).
# Context: a directory holding `bun`, the binary of npm's @oven/bun-linux-x64 (scripts/stack/images.ts).
ARG DEBIAN_IMAGE=payments-local/debian:bookworm
FROM ${DEBIAN_IMAGE}
COPY bun /usr/local/bin/bun
# As upstream: a `bun` user with id 1000, bunx beside bun.
RUN chmod 0755 /usr/local/bin/bun && ln -s bun /usr/local/bin/bunx \
  && groupadd --gid 1000 bun && useradd --uid 1000 --gid bun --create-home --shell /bin/sh bun \
  && bun --version
# The base image trusts the host's CA bundle (a TLS-inspecting egress may sit between builds and the npm
# registry); Bun reads only its own roots plus this file.
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
WORKDIR /home/bun/app
CMD ["bun", "repl"]
