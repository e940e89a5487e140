# Local stand-in for rabbitmq:<version>-management, from Debian's RabbitMQ 3.10 (upstream pin: 3.13; ADR
# 0013 says what differs). It honours RABBITMQ_DEFAULT_USER/PASS and /etc/rabbitmq/enabled_plugins.
ARG DEBIAN_IMAGE=payments-local/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN apt-get update -qq \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends rabbitmq-server \
  && rm -rf /var/lib/apt/lists/* \
  && dpkg-query -W -f '${Version}' rabbitmq-server | grep -q '^3\.10\.' \
  && mkdir -p /etc/rabbitmq/conf.d && chown -R rabbitmq:rabbitmq /etc/rabbitmq/conf.d /var/lib/rabbitmq \
  && : >/etc/rabbitmq/rabbitmq-env.conf
COPY rabbitmq-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
USER rabbitmq
WORKDIR /var/lib/rabbitmq
EXPOSE 5672 15672 15692
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
CMD ["rabbitmq-server"]
