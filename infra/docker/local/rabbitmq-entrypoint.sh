#!/bin/sh
# The official image's start-up, as far as compose uses it: the default user from the environment, every
# listener on all interfaces of the container.
set -eu
conf=/etc/rabbitmq/conf.d/10-stack.conf
{
  echo "loopback_users = none"
  echo "listeners.tcp.default = 5672"
  echo "management.tcp.port = 15672"
  if [ -n "${RABBITMQ_DEFAULT_USER:-}" ]; then echo "default_user = $RABBITMQ_DEFAULT_USER"; fi
  if [ -n "${RABBITMQ_DEFAULT_PASS:-}" ]; then echo "default_pass = $RABBITMQ_DEFAULT_PASS"; fi
} >"$conf"
exec "$@"
