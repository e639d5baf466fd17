# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Carries out a plan's actions in order, on the node or Sentinel each one names, waiting where the plan requires.

The only waits: after a SENTINEL RESET, until that Sentinel sees the master, its replicas and the other Sentinels again
(so resets go one Sentinel at a time), and before each reset, that no Sentinel is failing the group over.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from ansible_collections.kun.redis.plugins.module_utils.redis.client import (
    ConnectionSettings,
    connect,
    describe_error,
    reply_dict,
)
from ansible_collections.kun.redis.plugins.module_utils.redis.endpoint import Endpoint
from ansible_collections.kun.redis.plugins.module_utils.topology.planner import Action, Kind

POLL_INTERVAL = 0.1


class ActionFailed(Exception):
    """An action could not be carried out; `done` lists the actions that ran before it."""

    def __init__(self, action: Action, cause: str, done: list[Action]):
        super().__init__(f"{action.kind} on {action.target} failed: {cause}")
        self.action = action
        self.done = done


class Executor:
    def __init__(
        self,
        endpoints: Sequence[Endpoint],
        sentinels: Sequence[Endpoint],
        group: str,
        connection: ConnectionSettings,
        wait_timeout: float,
    ):
        self._endpoints = {endpoint.name: endpoint for endpoint in (*endpoints, *sentinels)}
        self._sentinels = list(sentinels)
        self._group = group
        self._connection = connection
        self._wait_timeout = wait_timeout
        self._runners: dict[str, Callable[[Action], None]] = {
            Kind.PROMOTE: lambda a: self._on_node(a, "REPLICAOF", "NO", "ONE"),
            Kind.REPLICATE: lambda a: self._on_node(a, "REPLICAOF", a.args["host"], a.args["port"]),
            Kind.SET_MASTERAUTH: lambda a: self._on_node(
                a, "CONFIG", "SET", "masterauth", self._connection.password or ""
            ),
            Kind.ANNOUNCE: lambda a: self._on_node(
                a, "CONFIG", "SET", "replica-announce-ip", a.args["replica_announce_ip"]
            ),
            Kind.SENTINEL_CONFIG: self._sentinel_config,
            Kind.SENTINEL_MONITOR: self._sentinel_monitor,
            Kind.SENTINEL_SET: self._sentinel_set,
            Kind.SENTINEL_RESET: self._sentinel_reset,
        }

    def run(self, actions: Sequence[Action]) -> list[Action]:
        done: list[Action] = []
        for action in actions:
            try:
                self._runners[action.kind](action)
            except Exception as error:  # reported with the action and the node it targeted
                raise ActionFailed(action, describe_error(error), done) from error
            done.append(action)
        return done

    def _on_node(self, action: Action, *command) -> None:
        with connect(self._endpoints[action.target], self._connection) as client:
            client.execute_command(*command)

    def _sentinel(self, action: Action):
        return connect(self._endpoints[action.target], self._connection, authenticate=False)

    def _sentinel_set(self, action: Action) -> None:
        with self._sentinel(action) as client:
            client.execute_command("SENTINEL", "SET", self._group, *_pairs(action.args))

    def _sentinel_config(self, action: Action) -> None:
        with self._sentinel(action) as client:
            for key, value in action.args.items():
                client.execute_command("SENTINEL", "CONFIG", "SET", key, value)

    def _sentinel_monitor(self, action: Action) -> None:
        args = dict(action.args)
        host, port, quorum = args.pop("host"), args.pop("port"), args.pop("quorum")
        if self._connection.password:
            args["auth-pass"] = self._connection.password
        with self._sentinel(action) as client:
            try:
                client.execute_command("SENTINEL", "REMOVE", self._group)
            except Exception as error:
                if "no such master" not in str(error).lower():
                    raise
            client.execute_command("SENTINEL", "MONITOR", self._group, host, port, quorum)
            client.execute_command("SENTINEL", "SET", self._group, *_pairs(args))

    def _sentinel_reset(self, action: Action) -> None:
        busy = self._failing_over()
        if busy:
            raise RuntimeError(f"not reset: Sentinel {busy} is failing over {self._group}")
        with self._sentinel(action) as client:
            client.execute_command("SENTINEL", "RESET", self._group)
            deadline = time.monotonic() + self._wait_timeout
            seen = {}
            while time.monotonic() < deadline:
                seen = _master_fields(client, self._group)
                if _sees_topology(seen, action.args):
                    return
                time.sleep(POLL_INTERVAL)
        raise TimeoutError(
            f"after SENTINEL RESET it did not see the topology within {self._wait_timeout:g} s: wanted master "
            f"{action.args['master_host']}:{action.args['master_port']}, {action.args['replicas']} replicas, "
            f"{action.args['sentinels']} other Sentinels; it sees {seen.get('ip')}:{seen.get('port')} "
            f"(flags {seen.get('flags')}), {seen.get('num-slaves')} replicas, "
            f"{seen.get('num-other-sentinels')} other Sentinels"
        )

    def _failing_over(self) -> str | None:
        for endpoint in self._sentinels:
            try:
                with connect(endpoint, self._connection, authenticate=False) as client:
                    if "failover_in_progress" in _master_fields(client, self._group).get("flags", ""):
                        return endpoint.name
            except Exception:  # an unreachable Sentinel is not failing anything over that we could wait for
                continue
        return None


def _master_fields(client, group: str) -> dict[str, str]:
    return reply_dict(client.execute_command("SENTINEL", "MASTER", group))


def _sees_topology(fields: dict[str, str], wanted: dict) -> bool:
    flags = set(fields.get("flags", "").split(","))
    return (
        fields.get("ip") == str(wanted["master_host"])
        and fields.get("port") == str(wanted["master_port"])
        and not flags & {"s_down", "o_down", "failover_in_progress"}
        and int(fields.get("num-slaves", 0)) >= wanted["replicas"]
        and int(fields.get("num-other-sentinels", 0)) >= wanted["sentinels"]
    )


def _pairs(options: dict) -> list:
    return [item for key, value in options.items() for item in (key, value)]
