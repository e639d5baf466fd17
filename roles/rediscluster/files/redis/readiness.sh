#!/bin/sh
# Ready when the node answers PING and, for a replica, its link to the master is up (a replica still syncing
# must not receive reads, and a rolling update must not move on before it has the data).
# A node that is starting (no answer yet, or up for under 30 s) gets about 3 s within this probe to become ready:
# the kubelet probes again only after periodSeconds, and a restarted replica that syncs in a fraction of a second
# would otherwise wait most of that before its pod is Ready and the cluster Healthy again.
# Environment: REDIS_PORT_NUMBER.
set -eu

cli() { timeout 3 redis-cli -h 127.0.0.1 -p "$REDIS_PORT_NUMBER" "$@" 2>/dev/null | tr -d '\r'; }

ready() {
  [ "$(cli PING)" = PONG ] || return 1
  info=$(cli --raw INFO replication)
  case "$info" in
    *role:slave*) echo "$info" | grep -q '^master_link_status:up$' ;;
  esac
}

starting() {
  uptime=$(cli --raw INFO server | sed -n 's/^uptime_in_seconds://p')
  [ -z "$uptime" ] || [ "$uptime" -lt 30 ]
}

tries=1
until ready; do
  if [ "$tries" -ge 12 ] || ! starting; then
    exit 1
  fi
  tries=$((tries + 1))
  sleep 0.25
done
