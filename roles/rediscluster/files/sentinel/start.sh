#!/bin/sh
# Start a Sentinel: build its config in a writable emptyDir (Sentinel rewrites it) from the ConfigMap's template,
# monitoring the master the other Sentinels name, else the Redis node that reports itself master, else ordinal 0 of
# a fresh cluster. The operator's healer corrects any wrong guess on its next reconcile.
# Environment: POD_NAME, REDIS_GROUP, SENTINEL_DOMAIN (the headless Service's DNS suffix), REDIS_PORT_NUMBER,
# SENTINEL_PORT_NUMBER, REDIS_PASSWORD (optional).
set -eu

config_dir=/sentinel-config
runtime_conf=/data/sentinel.conf
self="$POD_NAME.$SENTINEL_DOMAIN"
# In the pod sentinels.sh lies beside this script; in the repository shellcheck finds it here:
# shellcheck source=SCRIPTDIR/../common/sentinels.sh
. "$config_dir/sentinels.sh"  # sentinels_master

quoted() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }

redis_master() {
  while read -r host; do
    role=$(REDISCLI_AUTH="${REDIS_PASSWORD:-}" timeout 3 redis-cli -h "$host" -p "$REDIS_PORT_NUMBER" --raw \
      INFO replication 2>/dev/null | tr -d '\r' | sed -n 's/^role://p') || continue
    if [ "$role" = master ]; then
      echo "$host"
      return 0
    fi
  done <"$config_dir/redis-hosts"
  return 1
}

# A Sentinel learns a master's replicas from the master's INFO, which it asks at once and then every 10 s. In a new
# cluster the replicas attach while the Sentinels start; one that starts before they have all attached would learn
# the late ones only 10 s later, and the cluster would report Healthy one reconcile later. So a Sentinel that no
# other Sentinel told the master waits, up to those 10 s, until the master has every replica. A master that holds
# data or is loading it is not a new cluster's, and is not waited for.
await_replicas() {
  expected=$(($(grep -c . "$config_dir/redis-hosts") - 1))
  deadline=$(($(date +%s) + 10))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    info=$(REDISCLI_AUTH="${REDIS_PASSWORD:-}" timeout 2 redis-cli -h "$1" -p "$REDIS_PORT_NUMBER" --raw INFO 2>/dev/null |
      tr -d '\r') ||
      info=""
    echo "$info" | grep -q -e '^db0:' -e '^loading:1' && return 0
    [ "$(echo "$info" | sed -n 's/^connected_slaves://p')" -ge "$expected" ] 2>/dev/null && return 0
    sleep 0.5
  done
  echo "$1 has not every replica yet; starting anyway"
}

if master=$(sentinels_master "$config_dir/sentinel-hosts" "$self"); then
  :
else
  master=$(redis_master || head -n 1 "$config_dir/redis-hosts")
  await_replicas "$master"
fi

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
