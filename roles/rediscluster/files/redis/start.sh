#!/bin/sh
# Start a Redis node: build the runtime redis.conf and decide whom to follow, then exec redis-server.
# An empty node never boots as a second master (bitnami/charts #5418): it follows the master the Sentinels name,
# else a peer that reports itself master; only a fresh cluster lets ordinal 0 start as master. If the Sentinels still
# name this very pod although it comes back empty, it follows the peer with the most data and lets Sentinel fail over.
# A node with data follows only a master that is up and whose history holds its data: one with replicas, or one the
# Sentinels list this node as a replica of. Else (every pod restarted at once: new Sentinels know nothing or name a
# master that is gone, no master has replicas) it starts as a master without replicas, which refuses writes
# (min-replicas-to-write) and which Sentinel never promotes, and the operator's healer chooses the master by data:
# following ordinal 0 could make the nodes with the last acknowledged writes copy a node that lacks them, and a
# replica of a gone master could be promoted by Sentinel on a replication offset Redis does not restore from an AOF.
# Environment (downward API and the StatefulSet): POD_NAME, POD_IP, REDIS_GROUP, REDIS_DOMAIN (the headless
# Service's DNS suffix), REDIS_PORT_NUMBER, SENTINEL_PORT_NUMBER, REDIS_PASSWORD (optional, from the Secret;
# REDISCLI_AUTH carries it to redis-cli).
set -eu

config_dir=/redis-config
runtime_conf=/redis-runtime/redis.conf
self="$POD_NAME.$REDIS_DOMAIN"
# In the pod sentinels.sh lies beside this script; in the repository shellcheck finds it here:
# shellcheck source=SCRIPTDIR/../common/sentinels.sh
. "$config_dir/sentinels.sh"  # sentinels_master

redis_info() { timeout 3 redis-cli -h "$1" -p "$REDIS_PORT_NUMBER" --raw INFO replication 2>/dev/null | tr -d '\r'; }
field() { sed -n "s/^$1://p"; }
quoted() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }
is_self() { [ "$1" = "$self" ] || [ "$1" = "$POD_IP" ]; }
has_local_data() { [ -s /data/dump.rdb ] || [ -s /data/appendonly.aof ] || [ -d /data/appendonlydir ]; }

peer_master() {  # a reachable peer that is a master, preferring the one with replicas
  best="" best_replicas=-1
  while read -r host; do
    is_self "$host" && continue
    info=$(redis_info "$host") || continue
    [ "$(echo "$info" | field role)" = master ] || continue
    replicas=$(echo "$info" | field connected_slaves)
    if [ "${replicas:-0}" -gt "$best_replicas" ]; then best=$host best_replicas=${replicas:-0}; fi
  done <"$config_dir/redis-hosts"
  [ -n "$best" ] && echo "$best"
}

holds_my_history() {  # $1 answers as master, and has replicas or the Sentinels list this node as its replica
  info=$(redis_info "$1")
  [ "$(echo "$info" | field role)" = master ] || return 1
  [ "$(echo "$info" | field connected_slaves)" -gt 0 ] 2>/dev/null || listed_as_replica
}

listed_as_replica() {  # a Sentinel lists this node among the replicas of the group's master
  while read -r host; do
    env -u REDISCLI_AUTH timeout 3 redis-cli -h "$host" -p "$SENTINEL_PORT_NUMBER" --raw \
      SENTINEL replicas "$REDIS_GROUP" 2>/dev/null | tr -d '\r' | grep -qx -e "$self" -e "$POD_IP" && return 0
  done <"$config_dir/sentinel-hosts"
  return 1
}

peer_with_most_data() {  # the reachable peer with the highest replication offset above zero
  best="" best_offset=0
  while read -r host; do
    is_self "$host" && continue
    offset=$(redis_info "$host" | field master_repl_offset) || continue
    if [ "${offset:-0}" -gt "$best_offset" ]; then best=$host best_offset=$offset; fi
  done <"$config_dir/redis-hosts"
  [ -n "$best" ] && echo "$best"
}

if has_local_data; then
  master=$(sentinels_master "$config_dir/sentinel-hosts" || peer_master || echo "$self")
  if ! is_self "$master" && ! holds_my_history "$master"; then
    echo "$master is down, or no Sentinel knows this node as a replica of it: waiting for the healer to choose"
    master=$self
  fi
else  # nobody named and no master anywhere: a fresh cluster, where ordinal 0 starts as master
  master=$(sentinels_master "$config_dir/sentinel-hosts" || peer_master || head -n 1 "$config_dir/redis-hosts")
  if is_self "$master"; then
    master=$(peer_with_most_data || echo "$self")
  fi
fi

umask 077  # the runtime config holds the password
{
  cat "$config_dir/redis.conf"
  echo "replica-announce-ip $self"
  if [ -n "${REDIS_PASSWORD:-}" ]; then
    echo "requirepass $(quoted "$REDIS_PASSWORD")"
    echo "masterauth $(quoted "$REDIS_PASSWORD")"
  fi
  if ! is_self "$master"; then
    echo "replicaof $master $REDIS_PORT_NUMBER"
  fi
} >"$runtime_conf"

if is_self "$master"; then echo "starting as master"; else echo "starting as a replica of $master"; fi
exec redis-server "$runtime_conf"
