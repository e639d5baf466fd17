#!/bin/sh
# Ready only when this Sentinel monitors a master that is up and reports itself master, and sees at least one of
# its replicas (when the cluster has any): a Sentinel with a wrong or lonely view drops out of the Sentinel Service.
# Environment: REDIS_GROUP, SENTINEL_PORT_NUMBER.
set -eu
state=$(timeout 3 redis-cli -h 127.0.0.1 -p "$SENTINEL_PORT_NUMBER" --raw SENTINEL master "$REDIS_GROUP" | tr -d '\r')
value() { echo "$state" | sed -n "/^$1\$/{n;p;}"; }
[ "$(value flags)" = master ]
[ "$(value role-reported)" = master ]
expected_replicas=$(($(grep -c . /sentinel-config/redis-hosts) - 1))
[ "$expected_replicas" -eq 0 ] || [ "$(value num-slaves)" -ge 1 ]
