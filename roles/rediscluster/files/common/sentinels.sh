#!/bin/sh
# Sourced by the Redis and the Sentinel start scripts (both ConfigMaps carry it): how a starting pod asks the
# Sentinels whom they name master, written once.
# Environment: REDIS_GROUP, SENTINEL_PORT_NUMBER.

# sentinels_master HOSTS_FILE [SKIP]: the first answer of a Sentinel listed in HOSTS_FILE (SKIP aside) that knows the
# group, as "host" on one line. Sentinels take no password: REDISCLI_AUTH, a Redis pod's, is not sent to them.
sentinels_master() {
  while read -r host; do
    [ "$host" = "${2:-}" ] && continue
    answer=$(env -u REDISCLI_AUTH timeout 3 redis-cli -h "$host" -p "$SENTINEL_PORT_NUMBER" --raw \
      SENTINEL get-master-addr-by-name "$REDIS_GROUP" 2>/dev/null | head -n 1 | tr -d '\r') || continue
    case "$answer" in "" | *ERR* | *IDONTKNOW*) continue ;; esac
    echo "$answer"
    return 0
  done <"$1"
  return 1
}
