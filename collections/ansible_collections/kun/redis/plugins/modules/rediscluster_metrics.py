# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Documentation of the rediscluster_metrics action. It runs on the controller (plugins/action/rediscluster_metrics.py):
it only talks to the operator it runs under, on that operator's loopback, so a Python process of its own would cost
a second of every reconcile for nothing.
"""

from __future__ import annotations

DOCUMENTATION = r"""
module: rediscluster_metrics
short_description: Publish a RedisCluster's gauges on ansible-operator's metrics endpoint
description:
  - ansible-operator registers and updates the metrics that its custom-metrics API (C(POST localhost:5050/metrics),
    the API operator_sdk.util's C(osdk_metric) module uses) is sent, and serves them on its own C(/metrics) next to
    C(ansible_operator_*).
  - That API knows no labels, so each gauge is named after its RedisCluster, C(<gauge>_<namespace>_<name>) with
    every character that a metric name cannot hold (C(-), C(.)) turned into C(_), for example
    C(rediscluster_healthy_default_test).
  - The API cannot set a gauge to 0; for a 0 this action reads the gauge on C(metrics_url) and subtracts what it
    holds.
  - An API that does not answer (a run outside ansible-operator) is a warning, never a failure.
  - An action that runs on the controller; no Python process is started for it.
version_added: "0.1.0"
options:
  namespace:
    description: Namespace of the RedisCluster.
    type: str
    required: true
  name:
    description: Name of the RedisCluster.
    type: str
    required: true
  gauges:
    description:
      - Gauge values by name; a null value leaves its gauge as it is.
      - C(rediscluster_healthy) (1 or 0), C(rediscluster_master_count), C(rediscluster_replica_count) and
        C(rediscluster_sentinel_count).
    type: dict
    required: true
  api_url:
    description: ansible-operator's custom-metrics API.
    type: str
    default: http://localhost:5050/metrics
  metrics_url:
    description: Where ansible-operator serves its metrics (its C(--metrics-bind-address)), read for gauges set to 0.
    type: str
    default: http://localhost:8080/metrics
attributes:
  check_mode:
    support: full
    description: Reads the gauges that must drop to 0 and sends nothing.
author:
  - redis-kun operator developers (@redis-kun)
"""

EXAMPLES = r"""
- name: Publish whether the cluster is Healthy and how many replicas it has
  kun.redis.rediscluster_metrics:
    namespace: default
    name: test
    gauges:
      rediscluster_healthy: 1
      rediscluster_replica_count: 2
"""

RETURN = r"""
metrics:
  description: The value each gauge was given, by its full name.
  returned: success
  type: dict
  sample: {rediscluster_healthy_default_test: 1.0, rediscluster_replica_count_default_test: 2.0}
"""
