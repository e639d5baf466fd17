"""The API server accepts every reference manifest unchanged and rejects bad specs with messages that say why.

Each manifest goes through `kubectl apply --dry-run=server`, as a user would apply it: the server defaults and
validates it (schema, CEL rules, strict field validation) without storing anything.
"""

from __future__ import annotations

import copy
import json
import re

import pytest
import yaml

from tests.e2e.kube import EXAMPLES, REPO_ROOT, Kube

pytestmark = pytest.mark.e2e

# The reference's manifests and this repository's samples (config/samples/kustomization.yaml is not one).
MANIFESTS = sorted(EXAMPLES.glob("*.yaml")) + sorted((REPO_ROOT / "config/samples").glob("redis_*.yaml"))
BASIC = {"apiVersion": "redis.kun/v1beta1", "kind": "RedisCluster", "metadata": {"name": "test"}, "spec": {"size": 3}}


def dry_run(kube: Kube, manifest: str) -> dict:
    """The object as the server would store it; kubectl's error (AssertionError) when the server refuses it."""
    return json.loads(
        kube.kubectl("apply", "--dry-run=server", "-n", "default", "-o", "json", "-f", "-", stdin=manifest)
    )


def with_spec(**spec) -> str:
    manifest = copy.deepcopy(BASIC)
    manifest["spec"].update(spec)
    return yaml.safe_dump(manifest)


def test_the_seven_reference_manifests_are_all_here():
    assert len(list(EXAMPLES.glob("*.yaml"))) == 7, EXAMPLES


@pytest.mark.parametrize("manifest", [pytest.param(path, id=path.name) for path in MANIFESTS])
def test_every_reference_manifest_is_accepted_unchanged(kube, crd, manifest):
    assert dry_run(kube, manifest.read_text())["kind"] == "RedisCluster"


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        pytest.param(with_spec(size=2), "size must be 1 or at least 3 (0 means the default 3)", id="size-2"),
        pytest.param(with_spec(size=-1), "size must be 1 or at least 3", id="size-negative"),
        pytest.param(with_spec(sentinel={"replicas": 2}), "sentinel.replicas must be at least 3", id="sentinels-2"),
        pytest.param(
            yaml.safe_dump({**BASIC, "metadata": {"name": "a" * 49}}),
            "metadata.name must be at most 48 characters",
            id="name-49-characters",
        ),
        pytest.param(
            with_spec(config={"hz": "10", "replicaof": "10.0.0.1 6379"}),
            "config must not set a directive the operator manages",
            id="operator-owned-config-key",
        ),
        pytest.param(with_spec(config={"Dir": "/tmp"}), "config must not set", id="config-key-in-capitals"),
        pytest.param(with_spec(config={"hz": 10}), 'spec.config.hz: Invalid value: "integer"', id="unquoted-number"),
        pytest.param(
            with_spec(storage={"persistentVolumeClaim": {"spec": {"resources": {"requests": {"storage": "abc"}}}}}),
            'spec.storage.persistentVolumeClaim.spec.resources.requests.storage: Invalid value: "abc"',
            id="malformed-storage-quantity",
        ),
        pytest.param(
            with_spec(storage={"persistentVolumeClaim": {"spec": {"accessModes": ["ReadWriteOnce"]}}}),
            "storage.persistentVolumeClaim.spec.resources.requests.storage is required",
            id="claim-without-size",
        ),
        pytest.param(
            with_spec(password="x", passwordSecret={"name": "redis-auth"}),
            "set either password or passwordSecret, not both",
            id="two-passwords",
        ),
        pytest.param(
            with_spec(sentinel={"replicas": 3, "quorum": 4}),
            "sentinel.quorum cannot exceed the number of Sentinels",
            id="quorum-above-sentinels",
        ),
        pytest.param(
            with_spec(minReplicasToWrite=3), "minReplicasToWrite must be less than size", id="min-replicas-unreachable"
        ),
        pytest.param(
            with_spec(sentinel={"customConfig": ["monitor other 10.0.0.1 6379 2"]}),
            'sentinel.customConfig entries must be "<setting> <number>"',
            id="sentinel-monitor-line",
        ),
        pytest.param(with_spec(sise=3), 'unknown field "spec.sise"', id="misspelt-field"),
    ],
)
def test_bad_specs_are_rejected_with_a_clear_message(kube, crd, manifest, message):
    with pytest.raises(AssertionError, match=re.escape(message)):
        dry_run(kube, manifest)


@pytest.mark.parametrize(
    ("manifest", "field", "stored"),
    [
        pytest.param(with_spec(size=0), "size", 0, id="size-0-kept-it-means-3"),
        pytest.param(yaml.safe_dump({**BASIC, "spec": {}}), "size", 3, id="absent-size-is-3"),
        pytest.param(yaml.safe_dump({k: v for k, v in BASIC.items() if k != "spec"}), "size", 3, id="no-spec-at-all"),
        pytest.param(with_spec(size=1), "size", 1, id="single-node"),
        pytest.param(with_spec(), "image", "redis:5.0.4-alpine", id="redis-image"),
        pytest.param(with_spec(), "sentinel.image", "redis:5.0.4-alpine", id="sentinel-image"),
        pytest.param(with_spec(sentinel={"replicas": 0}), "sentinel.replicas", 0, id="sentinels-0-kept-it-means-3"),
        pytest.param(with_spec(passwordSecret={"name": "auth"}), "passwordSecret.key", "password", id="secret-key"),
        pytest.param(with_spec(password=None), "password", None, id="null-password-means-none"),
        pytest.param(
            with_spec(sentinel={"customConfig": ["down-after-milliseconds 3000", "quorum 2"]}),
            "sentinel.customConfig",
            ["down-after-milliseconds 3000", "quorum 2"],
            id="reference-sentinel-tuning",
        ),
    ],
)
def test_accepted_specs_are_stored_with_the_reference_defaults(kube, crd, manifest, field, stored):
    value = dry_run(kube, manifest)["spec"]
    for key in field.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    assert value == stored


def test_kubectl_explain_documents_the_fields(kube, crd):
    explained = kube.kubectl("explain", "rediscluster.spec.sentinel")
    for field in ("replicas", "customConfig", "quorum", "downAfterMilliseconds", "failoverTimeout", "parallelSyncs"):
        assert field in explained
    assert "Sentinels that must agree a master is down" in explained
