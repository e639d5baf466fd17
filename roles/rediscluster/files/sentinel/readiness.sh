#!/bin/sh
# Ready only when this Sentinel monitors a master that is up and reports itself master, and sees at least one of
# its replicas (when the cluster has any): a Sentinel with a wrong or lonely view drops out of the Sentinel Service.
# Every pod runs this every few seconds, so the reply of one SENTINEL MASTER and the member list beside this script
# (redis-hosts, from the ConfigMap) are read with the shell's own pattern matching and `read`: three processes
# (this shell, timeout, redis-cli) instead of one per sed, grep and tr.
# Environment: REDIS_GROUP, SENTINEL_PORT_NUMBER.
set -eu

nl='
'
# One field per line, each value on the line after its name; the newlines around a value make the match exact.
state="$nl$(timeout 3 redis-cli -h 127.0.0.1 -p "$SENTINEL_PORT_NUMBER" --raw SENTINEL master "$REDIS_GROUP")$nl"
case "$state" in *"${nl}flags${nl}master${nl}"*) ;; *) exit 1 ;; esac
case "$state" in *"${nl}role-reported${nl}master${nl}"*) ;; *) exit 1 ;; esac

members=0
while IFS= read -r host || [ -n "$host" ]; do
  [ -z "$host" ] || members=$((members + 1))
done <"${0%/*}/redis-hosts"
[ "$members" -le 1 ] && exit 0

replicas=${state#*"${nl}num-slaves${nl}"}
[ "${replicas%%"$nl"*}" -ge 1 ]
