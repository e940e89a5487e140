#!/usr/bin/env bash
# Starts Postgres, Redis and RabbitMQ if they are not already up (ARCHITECTURE §12) and creates one
# database per service. Used by .ci/run; safe to run on a developer machine too.
set -euo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() { # name port seconds
  for _ in $(seq 1 "$3"); do port_open "$2" && return 0; sleep 1; done
  echo "$1 did not come up on port $2" >&2; return 1
}

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "starting Postgres"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432

if ! port_open 6379; then
  echo "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  wait_for redis 6379 30
fi
redis-cli -h 127.0.0.1 -p 6379 ping

if ! port_open 5672; then
  echo "starting RabbitMQ"
  rabbitmq-server -detached || true
fi
# await_startup fails if called too early after -detached: retry it.
for i in $(seq 1 60); do
  if rabbitmqctl await_startup >/dev/null 2>&1; then break; fi
  [ "$i" = 60 ] && { echo "RabbitMQ did not start" >&2; exit 1; }
  sleep 2
done
echo "RabbitMQ up"

for db in auth payments admin profile; do
  if ! psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1; then
    createdb -h 127.0.0.1 -U postgres "$db"
    echo "created database $db"
  fi
done
