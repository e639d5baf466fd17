#!/bin/sh
# Start a Sentinel: build its config in a writable emptyDir (Sentinel rewrites it) from the ConfigMap's template,
# monitoring the master the other Sentinels name, else the Redis node that reports itself master, else ordinal 0 of
# a fresh cluster. The operator's healer corrects any wrong guess on its next reconcile.
# Environment: POD_NAME, REDIS_GROUP, SENTINEL_DOMAIN (the headless Service's DNS suffix), REDIS_PASSWORD (optional).
set -eu

config_dir=/sentinel-config
runtime_conf=/data/sentinel.conf
self="$POD_NAME.$SENTINEL_DOMAIN"

quoted() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }

other_sentinels_master() {
  while read -r host; do
    [ "$host" = "$self" ] && continue
    answer=$(timeout 3 redis-cli -h "$host" -p 26379 --raw \
      SENTINEL get-master-addr-by-name "$REDIS_GROUP" 2>/dev/null | head -n 1 | tr -d '\r') || continue
    case "$answer" in "" | *ERR* | *IDONTKNOW*) continue ;; esac
    echo "$answer"
    return 0
  done <"$config_dir/sentinel-hosts"
  return 1
}

redis_master() {
  while read -r host; do
    role=$(REDISCLI_AUTH="${REDIS_PASSWORD:-}" timeout 3 redis-cli -h "$host" -p 6379 --raw INFO replication \
      2>/dev/null | tr -d '\r' | sed -n 's/^role://p') || continue
    if [ "$role" = master ]; then
      echo "$host"
      return 0
    fi
  done <"$config_dir/redis-hosts"
  return 1
}

master=$(other_sentinels_master || redis_master || head -n 1 "$config_dir/redis-hosts")

umask 077  # the runtime config holds the password
{
  sed "s/@MASTER@/$master/" "$config_dir/sentinel.conf"
  echo "sentinel announce-ip $self"
  if [ -n "${REDIS_PASSWORD:-}" ]; then
    echo "sentinel auth-pass $REDIS_GROUP $(quoted "$REDIS_PASSWORD")"
  fi
} >"$runtime_conf"

echo "monitoring $master"
exec redis-sentinel "$runtime_conf"
