"""The event relay's /metrics as Prometheus parses it (prometheus_client's parser), for the tests that read a
RedisCluster's series there."""

from __future__ import annotations

import urllib.request

from prometheus_client.parser import text_string_to_metric_families


def cluster_samples(operator, namespace: str, name: str) -> dict[str, float]:
    """Sample name -> value of every series of one RedisCluster (labels namespace and name; the master pod's
    rediscluster_master_info is keyed `rediscluster_master_info{pod}`)."""
    with urllib.request.urlopen(operator.relay_metrics_url, timeout=10) as response:
        text = response.read().decode()
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = dict(sample.labels)
            if labels.pop("namespace", None) != namespace or labels.pop("name", None) != name:
                continue
            key = sample.name + "".join(f"{{{value}}}" for value in labels.values())
            samples[key] = sample.value
    return samples
