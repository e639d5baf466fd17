#!/bin/sh
# Ready when the node answers PING and, for a replica, its link to the master is up (a replica still syncing
# must not receive reads, and a rolling update must not move on before it has the data).
# Environment: REDIS_PORT_NUMBER.
set -eu
[ "$(timeout 3 redis-cli -h 127.0.0.1 -p "$REDIS_PORT_NUMBER" PING 2>/dev/null | tr -d '\r')" = PONG ]
info=$(timeout 3 redis-cli -h 127.0.0.1 -p "$REDIS_PORT_NUMBER" --raw INFO replication | tr -d '\r')
case "$info" in
  *role:slave*) echo "$info" | grep -q '^master_link_status:up$' ;;
esac
