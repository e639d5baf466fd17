#!/bin/sh
# Ready when the node answers (not loading its data) and, for a replica, its link to the master is up (a replica
# still syncing must not receive reads, and a rolling update must not move on before it has the data).
# A node that is starting (no answer yet, or up for under 30 s) gets about 3 s within this probe run to become
# ready: the kubelet probes again only after periodSeconds, and a restarted replica that syncs in a fraction of a
# second would otherwise wait most of that before its pod is Ready and the cluster Healthy again. One INFO per try,
# so that many pods starting at once stay cheap to probe.
# Environment: REDIS_PORT_NUMBER.
set -eu

info=""
ready() {
  info=$(timeout 3 redis-cli -h 127.0.0.1 -p "$REDIS_PORT_NUMBER" --raw INFO 2>/dev/null | tr -d '\r')
  echo "$info" | grep -q '^loading:0$' || return 1  # no answer yet, or still loading its data
  case "$info" in
    *role:slave*) echo "$info" | grep -q '^master_link_status:up$' ;;
  esac
}

starting() {
  uptime=$(echo "$info" | sed -n 's/^uptime_in_seconds://p')
  [ -z "$uptime" ] || [ "$uptime" -lt 30 ]
}

tries=1
until ready; do
  if [ "$tries" -ge 7 ] || ! starting; then
    exit 1
  fi
  tries=$((tries + 1))
  sleep 0.5
done
