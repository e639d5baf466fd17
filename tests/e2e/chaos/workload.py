"""The client side of a chaos run: writers that find the master through Sentinel, as applications do, and record
every write a replica acknowledged (WAIT 1), and the checks that none of them was lost.

Clients ask the Sentinels in one of two ways, and a failover reaches them at different moments:
- `SENTINEL MASTERS` (redis-py's `Sentinel.discover_master`): a Sentinel reports the new master there only when the
  failover ends, once the other replicas are seen following it;
- `SENTINEL GET-MASTER-ADDR-BY-NAME` (go-redis, Jedis, Lettuce, this operator's start script): the leading Sentinel
  names the new master as soon as it sees the promotion, about a second earlier (its INFO period during a failover).

Sentinels announce pods by FQDN, which only pods resolve; the host maps an FQDN to the pod's current IP through the
API (pods get new IPs when they come back), the way a pod's /etc/hosts would.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from redis.sentinel import MasterNotFoundError, Sentinel

from tests.e2e.kube import Kube

ACK_TIMEOUT_MS = 500  # how long a write waits for a replica's acknowledgement before it counts as unacknowledged
RETRY_SECONDS = 0.02  # pause after a failed write; small, so that the measured gap is the cluster's, not ours
# redis-py retries a failed command 3 times with a backoff of up to 10 s by default: that would hide the cluster's
# own gap behind the client's. The writer retries itself, at once, through a fresh Sentinel discovery.
CLIENT = {"socket_connect_timeout": 0.5, "socket_timeout": 1.0, "retry": Retry(NoBackoff(), 0)}


class PodAddresses:
    """FQDN or pod name -> the pod's current IP, from the API, refreshed at most every `refresh` seconds."""

    def __init__(self, kube: Kube, namespace: str, name: str, refresh: float = 0.5):
        self._kube, self._namespace, self._selector = kube, namespace, f"app.kubernetes.io/instance={name}"
        self._refresh, self._loaded, self._ips = refresh, 0.0, {}

    def _reload(self) -> None:
        if time.monotonic() - self._loaded >= self._refresh:
            pods = self._kube.pods(self._namespace, self._selector)
            self._ips = {pod.metadata.name: pod.status.pod_ip for pod in pods if pod.status.pod_ip}
            self._loaded = time.monotonic()

    def ip(self, host: str) -> str:
        self._reload()
        return self._ips.get(host.split(".", 1)[0], host)

    def sentinels(self) -> list[tuple[str, int]]:
        self._reload()
        return [(ip, 26379) for pod, ip in sorted(self._ips.items()) if pod.startswith("redis-sentinel-")]


@dataclass
class WriteLog:
    acknowledged: list[tuple[int, float]] = field(default_factory=list)  # (key number, monotonic time)
    failures: int = 0
    unacknowledged: int = 0  # the write returned OK but no replica confirmed it in time: not promised to survive

    def longest_gap_after(self, moment: float) -> float:
        """Longest time without an acknowledged write, among the gaps that end after `moment` (the fault)."""
        times = [t for _, t in self.acknowledged]
        gaps = [later - earlier for earlier, later in itertools.pairwise(times) if later > moment]
        return max(gaps, default=float("inf"))


def discover_by_masters(sentinel: Sentinel, group: str) -> tuple[str, int]:
    """redis-py's own discovery: `SENTINEL MASTERS`, the first Sentinel whose entry is a master it sees up."""
    return sentinel.discover_master(group)


def discover_by_address(sentinel: Sentinel, group: str) -> tuple[str, int]:
    """`SENTINEL GET-MASTER-ADDR-BY-NAME`, the first Sentinel that answers with an address."""
    for connection in sentinel.sentinels:
        try:
            answer = connection.execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", group)
        except (redis.ConnectionError, redis.TimeoutError):
            continue
        if answer:
            host, port = answer
            return host.decode() if isinstance(host, bytes) else host, int(port)
    raise MasterNotFoundError(f"no Sentinel names a master for {group!r}")


DISCOVERIES = {"masters": discover_by_masters, "address": discover_by_address}


class Writer(threading.Thread):
    """Writes `<prefix>:<n>` = n through the master the Sentinels name (asked the `discovery` way), one at a time,
    until stopped."""

    def __init__(self, addresses: PodAddresses, group: str, password: str | None, discovery: str = "masters"):
        super().__init__(name=f"chaos writer ({discovery})", daemon=True)
        self._addresses, self._group, self._password = addresses, group, password
        self._discover = DISCOVERIES[discovery]
        self.prefix = "chaos" if discovery == "masters" else f"chaos-{discovery}"
        self._stopping = threading.Event()
        self.log = WriteLog()

    def stop(self) -> WriteLog:
        self._stopping.set()
        self.join(30)
        return self.log

    def run(self) -> None:
        number, master = 0, None
        while not self._stopping.is_set():
            try:
                if master is None:
                    master = self._connect()
                number += 1
                master.set(f"{self.prefix}:{number}", number)
                if master.wait(1, ACK_TIMEOUT_MS) >= 1:
                    self.log.acknowledged.append((number, time.monotonic()))
                else:
                    self.log.unacknowledged += 1
            except (redis.RedisError, MasterNotFoundError, OSError):
                self.log.failures += 1
                if master is not None:
                    master.close()
                master = None
                time.sleep(RETRY_SECONDS)

    def _connect(self) -> redis.Redis:
        sentinel = Sentinel(self._addresses.sentinels(), sentinel_kwargs=CLIENT, **CLIENT)
        try:
            host, port = self._discover(sentinel, self._group)
        finally:
            for connection in sentinel.sentinels:
                connection.close()
        return redis.Redis(self._addresses.ip(host), port, password=self._password, **CLIENT)


def lost_writes(log: WriteLog, node: Callable[[], redis.Redis], prefix: str = "chaos") -> list[int]:
    """The acknowledged key numbers (of `<prefix>:<n>` keys) the master no longer has."""
    numbers = [number for number, _ in log.acknowledged]
    lost = []
    with closing(node()) as master:
        for start in range(0, len(numbers), 1000):
            batch = numbers[start : start + 1000]
            values = master.mget([f"{prefix}:{n}" for n in batch])
            lost += [n for n, value in zip(batch, values, strict=True) if value not in (str(n), str(n).encode())]
    return lost
