"""What a RedisCluster looks like from the outside: its pods, what each Redis node and Sentinel says, and the
problems that keep it from being the cluster its spec asks for. The host reaches pod IPs over the sandbox bridge;
Sentinels name nodes by FQDN, which only pods resolve, so FQDNs are mapped to pod IPs through the pod list.
"""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass

import redis

from tests.e2e.kube import Kube

TIMEOUTS = {"socket_connect_timeout": 2, "socket_timeout": 3}


@dataclass(frozen=True)
class Member:
    name: str
    ip: str
    ready: bool
    restarts: int
    role_label: str | None


def _member(pod) -> Member:
    statuses = pod.status.container_statuses or []
    return Member(
        name=pod.metadata.name,
        ip=pod.status.pod_ip or "",
        ready=any(c.type == "Ready" and c.status == "True" for c in pod.status.conditions or []),
        restarts=sum(s.restart_count for s in statuses),
        role_label=(pod.metadata.labels or {}).get("redis.kun/role"),
    )


class ClusterView:
    """A snapshot of one RedisCluster's pods, with helpers to ask its processes."""

    def __init__(self, kube: Kube, namespace: str, name: str, password: str | None = None):
        self.namespace, self.name, self.password = namespace, name, password
        self.group = f"{namespace}-{name}"
        pods = kube.pods(namespace, f"app.kubernetes.io/instance={name}")
        alive = [pod for pod in pods if not pod.metadata.deletion_timestamp]
        self.redis = sorted((_member(p) for p in alive if p.metadata.name.startswith("redis-cluster-")), key=_ordinal)
        self.sentinels = sorted(
            (_member(p) for p in alive if p.metadata.name.startswith("redis-sentinel-")), key=_ordinal
        )

    def member_of(self, host: str) -> Member | None:
        """The pod a host a Sentinel or replica names (FQDN or IP) belongs to, if it is one of this cluster's."""
        pod = host.split(".", 1)[0]
        return next((m for m in self.redis + self.sentinels if m.name == pod or m.ip == host), None)

    def ip_of(self, host: str) -> str:
        """A pod IP for a host a Sentinel or replica names; the host itself if no pod has it."""
        member = self.member_of(host)
        return member.ip if member else host

    def pod_of(self, host: str) -> str:
        """The pod name for a host a Sentinel or replica names; the host itself if no pod has it."""
        member = self.member_of(host)
        return member.name if member else host

    def node(self, member_or_host: Member | str) -> redis.Redis:
        ip = member_or_host.ip if isinstance(member_or_host, Member) else self.ip_of(member_or_host)
        return redis.Redis(host=ip, port=6379, password=self.password, decode_responses=True, **TIMEOUTS)

    def sentinel(self, member: Member) -> redis.Redis:
        return redis.Redis(host=member.ip, port=26379, decode_responses=True, **TIMEOUTS)

    def master_by_sentinels(self) -> str:
        """The master host every reachable Sentinel names; AssertionError when they disagree or none answers."""
        named = {}
        for member in self.sentinels:
            with closing(self.sentinel(member)) as sentinel:
                answer = sentinel.execute_command("SENTINEL", "get-master-addr-by-name", self.group)
            named[member.name] = answer[0] if answer else None
        masters = set(named.values())
        assert len(masters) == 1 and None not in masters, f"Sentinels disagree on the master: {named}"
        return masters.pop()

    def master_node(self) -> redis.Redis:
        """A connection to the master, discovered through the Sentinels as a client would."""
        return self.node(self.master_by_sentinels())

    def problems(self, size: int, sentinels: int) -> list[str]:
        """Why this is not one master with size-1 replicas in sync and `sentinels` Sentinels that agree; [] if it is."""
        found = []
        if len(self.redis) != size or not all(m.ready for m in self.redis):
            found.append(f"Redis pods {[(m.name, m.ready) for m in self.redis]}, want {size} ready")
        if len(self.sentinels) != sentinels or not all(m.ready for m in self.sentinels):
            found.append(f"Sentinel pods {[(m.name, m.ready) for m in self.sentinels]}, want {sentinels} ready")
        if found:
            return found
        roles = {}
        for member in self.redis:
            with closing(self.node(member)) as node:
                roles[member.name] = node.info("replication")
        masters = [name for name, info in roles.items() if info["role"] == "master"]
        if len(masters) != 1:
            return [f"masters {masters}, want exactly one"]
        master = masters[0]
        for name, info in roles.items():
            follows = info.get("master_host", "")
            if name != master and (info.get("master_link_status") != "up" or not follows.startswith(master)):
                found.append(f"{name} follows {info.get('master_host')} (link {info.get('master_link_status')})")
        labels = {m.name: m.role_label for m in self.redis}
        if labels[master] != "master" or sum(label == "master" for label in labels.values()) != 1:
            found.append(f"role labels {labels} do not match master {master}")
        if sentinels:
            try:
                named = self.master_by_sentinels()
            except AssertionError as disagreement:
                return [*found, str(disagreement)]
            if not named.startswith(master):
                found.append(f"Sentinels name {named}, the nodes say {master}")
            for member in self.sentinels:
                with closing(self.sentinel(member)) as sentinel:
                    view = sentinel.sentinel_master(self.group)  # redis-py parses the reply into a dict
                if int(view["num-slaves"]) != size - 1 or int(view["num-other-sentinels"]) != sentinels - 1:
                    found.append(
                        f"{member.name} knows {view['num-slaves']} replicas and {view['num-other-sentinels']} other "
                        f"Sentinels, want {size - 1} and {sentinels - 1} (stale entries?)"
                    )
        return found


def _ordinal(member: Member) -> int:
    return int(member.name.rsplit("-", 1)[1])
