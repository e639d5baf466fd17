#!/bin/sh
# Ready when the node answers (not loading its data) and, for a replica, its link to the master is up (a replica
# still syncing must not receive reads, and a rolling update must not move on before it has the data).
# A node that is starting (no answer yet, or up for under 30 s) gets about 3 s within this probe run to become
# ready: the kubelet probes again only after periodSeconds, and a restarted replica that syncs in a fraction of a
# second would otherwise wait most of that before its pod is Ready and the cluster Healthy again.
# Every pod runs this every few seconds, so one try is one INFO and the reply is read with the shell's own pattern
# matching: three processes (this shell, timeout, redis-cli) instead of one per grep, sed and tr.
# Environment: REDIS_PORT_NUMBER.
set -eu

nl='
'
info=""
ready() {
  info=$(timeout 3 redis-cli -h 127.0.0.1 -p "$REDIS_PORT_NUMBER" --raw INFO 2>/dev/null) || return 1
  # Each field starts a line and ends with \r; "loading:0" alone would also match async_loading.
  case "$info" in
    *"${nl}loading:0"[!0-9]*) ;;
    *) return 1 ;;  # no answer, or still loading its data
  esac
  case "$info" in
    *"${nl}role:slave"[!a-z]*)
      case "$info" in *"${nl}master_link_status:up"[!a-z]*) ;; *) return 1 ;; esac ;;
  esac
}

starting() {
  case "$info" in
    *"${nl}uptime_in_seconds:"*)
      uptime=${info#*"${nl}uptime_in_seconds:"}
      [ "${uptime%%[!0-9]*}" -lt 30 ] ;;
    *) true ;;  # no answer yet
  esac
}

tries=1
until ready; do
  if [ "$tries" -ge 7 ] || ! starting; then
    exit 1
  fi
  tries=$((tries + 1))
  sleep 0.5
done
