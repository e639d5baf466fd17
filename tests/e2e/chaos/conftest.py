"""The chaos suite's cluster: one namespaced RedisCluster with its own operator, shared by the scenarios of a module
(each scenario starts by waiting until it is Healthy again), so that a scenario may kill the operator."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest

from tests.e2e.chaos.harness import NAME, RestartableOperator, manifest
from tests.e2e.conftest import _failed, diagnostics
from tests.e2e.kube import Kube
from tests.e2e.rediscluster import apply_manifest, delete_cluster


@pytest.fixture(scope="module")
def chaos_namespace(kube: Kube) -> Iterator[str]:
    name = f"chaos-{secrets.token_hex(3)}"
    kube.kubectl("create", "namespace", name)
    yield name
    kube.kubectl("delete", "namespace", name, "--wait=false")


@pytest.fixture(scope="module")
def chaos_operator(kube: Kube, crd: None, chaos_namespace: str, tmp_path_factory) -> Iterator[RestartableOperator]:
    operator = RestartableOperator(kube, tmp_path_factory.mktemp("chaos-operator"), chaos_namespace)
    yield operator
    operator.stop()


@pytest.fixture(scope="module")
def chaos_cluster(kube: Kube, chaos_namespace: str, chaos_operator: RestartableOperator) -> Iterator[str]:
    apply_manifest(kube, manifest(), chaos_namespace)
    yield NAME
    delete_cluster(kube, chaos_namespace, NAME)


@pytest.fixture(autouse=True)
def diagnostics_on_failure(kube: Kube, chaos_namespace: str, request: pytest.FixtureRequest) -> Iterator[None]:
    """The cluster's objects, logs and Sentinel views when a scenario failed, before the next one changes them."""
    yield
    if _failed(request):
        print(diagnostics(kube, chaos_namespace))
