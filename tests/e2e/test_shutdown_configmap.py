"""`shutdownConfigMap` names a ConfigMap whose `shutdown.sh` (the reference's key) runs as the Redis pods' preStop
instead of the operator's script.

Scenario: the user's script records which pod ran it in a key that the replicas acknowledge, then hands over to the
operator's script (still mounted at /redis-config/shutdown.sh), as a user who only wants to add a step would write
it. The cluster becomes Healthy without the key; the master pod is deleted; the cluster is Healthy again, the new
master holds the key naming the deleted master, and no key written before is lost.
"""

from __future__ import annotations

from contextlib import closing

import pytest
import yaml

from tests.e2e.data import missing_keys, write_keys
from tests.e2e.manifests import rediscluster
from tests.e2e.rediscluster import apply_manifest, wait_healthy

pytestmark = pytest.mark.e2e

EVIDENCE_KEY = "shutdown-script-ran-on"
USER_SCRIPT = f"""\
#!/bin/sh
# On the master the SET succeeds (replicas refuse it); WAIT lets the replicas have it before the handover.
redis-cli -h 127.0.0.1 -p 6379 SET {EVIDENCE_KEY} "$POD_NAME" >/dev/null 2>&1
redis-cli -h 127.0.0.1 -p 6379 WAIT 2 5000 >/dev/null 2>&1
exec sh /redis-config/shutdown.sh
"""
CONFIGMAP = yaml.safe_dump(
    {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "custom-shutdown"},
        "data": {"shutdown.sh": USER_SCRIPT},
    }
)


def test_the_users_shutdown_script_runs_when_the_master_goes(kube, cluster_operator, namespace):
    apply_manifest(kube, CONFIGMAP, namespace)
    apply_manifest(kube, rediscluster(shutdownConfigMap="custom-shutdown"), namespace)
    view = wait_healthy(kube, namespace, "test")
    volumes = kube.apps.read_namespaced_stateful_set("redis-cluster-test", namespace).spec.template.spec.volumes
    assert next(volume for volume in volumes if volume.name == "shutdown").config_map.name == "custom-shutdown"
    with closing(view.master_node()) as master:
        assert master.get(EVIDENCE_KEY) is None
    write_keys(view, "before")

    old_master = view.master_by_sentinels().split(".", 1)[0]
    kube.kubectl("delete", "pod", old_master, "-n", namespace)  # returns once the preStop has run and the pod is gone

    view = wait_healthy(kube, namespace, "test")
    with closing(view.master_node()) as master:
        assert master.get(EVIDENCE_KEY) == old_master
    assert missing_keys(view, "before") == {}
