"""What the chart renders is what the API server accepts: `helm template --include-crds` of each scope (and of a
namespaced release serving two namespaces), piped to `kubectl apply --server-side --dry-run=server`, passes the API
server's schemas, admission and RBAC checks (a ClusterRole may grant only what its creator holds) for every object,
the CRD included, and makes nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import yaml

from tests.e2e.kube import Kube
from tests.helm import template_text

pytestmark = pytest.mark.e2e

DRY_RUN_APPLIED = "serverside-applied (server dry run)"


def kubectl_names(rendered: str) -> dict[str, str | None]:
    """Each object of a rendering as kubectl names it (kind.group/name), with its namespace."""
    names = {}
    for item in (item for item in yaml.safe_load_all(rendered) if item):
        group = item["apiVersion"].rpartition("/")[0]
        kind = item["kind"].lower() + (f".{group}" if group else "")
        names[f"{kind}/{item['metadata']['name']}"] = item["metadata"].get("namespace")
    return names


# The values of each case, given the test's namespace (the release's).
CASES: dict[str, Callable[[str], dict]] = {
    "namespace": lambda namespace: {"scope": "namespace"},
    "namespace-serving-two": lambda namespace: {"scope": "namespace", "watchNamespaces": [namespace, "default"]},
    "cluster": lambda namespace: {"scope": "cluster"},
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_object_of_the_chart_passes_a_server_side_dry_run(kube: Kube, crd: None, namespace: str, case: str):
    rendered = template_text(CASES[case](namespace), "--include-crds", release=namespace, namespace=namespace)
    objects = kubectl_names(rendered)

    applied = kube.kubectl(
        "apply", "--server-side", "--force-conflicts", "--dry-run=server", "-f", "-", stdin=rendered, timeout=60
    )

    assert {line.split()[0] for line in applied.splitlines() if line.endswith(DRY_RUN_APPLIED)} == set(objects), applied
    for name, object_namespace in objects.items():  # a dry run makes nothing (the CRD was there before)
        where = ["-n", object_namespace] if object_namespace else []
        found = kube.kubectl("get", name, *where, "--ignore-not-found", "-o", "name").strip()
        assert bool(found) == name.startswith("customresourcedefinition"), f"{name} exists after a dry run"
