# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The members of a RedisCluster, as its pods show them: pure functions, rediscluster_observe does the reading.

A member is a running pod (it has an IP and is not being deleted) among the hosts the spec wants (the caller's
FQDNs, in ordinal order), with that stable FQDN from the headless Service: these are what the Redis modules talk to.
The status also needs every pod of each StatefulSet, running or not, to tell scaling from healing, and the rolling
restart the revision each pod runs. The data volume claims come along with their owner references, which follow
keepAfterDeletion.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

REVISION_LABEL = "controller-revision-hash"


def _is_ready(pod: Mapping) -> bool:
    conditions = (pod.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


def _is_running(pod: Mapping) -> bool:
    return bool((pod.get("status") or {}).get("podIP")) and not pod["metadata"].get("deletionTimestamp")


def _group(pods_by_name: Mapping[str, Mapping], hosts: Sequence[str], port: int, role_label: str) -> dict:
    """The members among `hosts` (FQDNs `<pod>.<domain>`, in ordinal order) and what the status needs of them."""
    members, described = [], []
    for host in hosts:
        pod = pods_by_name.get(host.split(".", 1)[0])
        if pod is None or not _is_running(pod):
            continue
        metadata, address = pod["metadata"], pod["status"]["podIP"]
        labels = metadata.get("labels") or {}
        members.append({"address": address, "port": port, "hostname": host})
        described.append(
            {
                "name": metadata["name"],
                "hostname": host,
                "address": address,
                "ready": _is_ready(pod),
                "role": labels.get(role_label, ""),
                "revision": labels.get(REVISION_LABEL, ""),
            }
        )
    return {"members": members, "pods": described}


def _count(pods_by_name: Mapping[str, Mapping], statefulset: str) -> int:
    """Pods of `statefulset` in any state: `<statefulset>-<ordinal>`."""
    pattern = re.compile(rf"{re.escape(statefulset)}-[0-9]+")
    return sum(1 for name in pods_by_name if pattern.fullmatch(name))


def cluster_members(pods: Sequence[Mapping], redis_set: Mapping, sentinel_set: Mapping, role_label: str) -> dict:
    """`redis_endpoints` and `sentinel_endpoints` (the Redis modules' node lists), `redis_pods` and `sentinel_pods`
    (name, hostname, address, ready, role, revision) and the pod counts of each StatefulSet, from the cluster's pods.
    Each StatefulSet is given by its `name`, the `hosts` the spec wants (FQDNs, in ordinal order) and the `port` its
    pods listen on."""
    by_name = {pod["metadata"]["name"]: pod for pod in pods}
    redis = _group(by_name, redis_set["hosts"], redis_set["port"], role_label)
    sentinels = _group(by_name, sentinel_set["hosts"], sentinel_set["port"], role_label)
    return {
        "redis_endpoints": redis["members"],
        "sentinel_endpoints": sentinels["members"],
        "redis_pods": redis["pods"],
        "sentinel_pods": sentinels["pods"],
        "redis_pod_count": _count(by_name, redis_set["name"]),
        "sentinel_pod_count": _count(by_name, sentinel_set["name"]),
    }


def claims(pvcs: Sequence[Mapping]) -> list[dict]:
    """Each claim's `name` and `owner_references`, by name."""
    return sorted(
        (
            {"name": pvc["metadata"]["name"], "owner_references": pvc["metadata"].get("ownerReferences") or []}
            for pvc in pvcs
        ),
        key=lambda claim: claim["name"],
    )
