"""The role's templates render every reference manifest into objects the API server accepts, and that it stores
in a form the role recognises as unchanged.

Scenario per manifest: tests/e2e/render.yml runs the role's own merge, validation and rendering offline; the
objects are then submitted with a server-side `kubectl apply --dry-run=server`, so the API server's validation
(schemas, immutable selectors, ownerReferences) judges them without anything being created. The objects it returns,
defaulted and normalised as it would store them, must contain their rendering: otherwise the role would apply them
again on every reconcile (collections/ansible_collections/kun/redis/plugins/filter/rediscluster_objects.py).
Cheap: no pod starts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml
from ansible_collections.kun.redis.plugins.filter.rediscluster_objects import outdated

from tests.e2e.kube import EXAMPLES, REPO_ROOT

pytestmark = pytest.mark.e2e

MANIFESTS = sorted(path.name for path in EXAMPLES.glob("0*.yaml"))


def render(manifest: Path, output: Path, namespace: str) -> list[dict]:
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "ansible-playbook"),
            str(REPO_ROOT / "tests" / "e2e" / "render.yml"),
            "-e",
            f"manifest={manifest}",
            "-e",
            f"output={output}",
            "-e",
            f"cr_namespace={namespace}",
        ],
        cwd=REPO_ROOT,
        env={**os.environ, "ANSIBLE_CONFIG": str(REPO_ROOT / "ansible.cfg")},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    return list(yaml.safe_load_all(output.read_text()))


def test_the_seven_reference_manifests_are_there():
    # The test below runs once per manifest found: without this one, a missing or empty folder would only skip it.
    assert len(MANIFESTS) == 7, f"the reference manifests 0*.yaml in {EXAMPLES}: {MANIFESTS}"


@pytest.mark.parametrize("manifest", MANIFESTS)
def test_rendered_objects_pass_server_side_validation(kube, namespace, tmp_path, manifest):
    objects = render(EXAMPLES / manifest, tmp_path / "objects.yaml", namespace)
    assert Counter(obj["kind"] for obj in objects) == {
        "ConfigMap": 2,
        "Service": 5,
        "PodDisruptionBudget": 2,
        "StatefulSet": 2,
    }
    for obj in objects:  # the dry run happens in the test's namespace, whatever the manifest names
        obj["metadata"]["namespace"] = namespace
    dry_run = kube.kubectl(
        "apply",
        "--server-side",
        "--field-manager=redis-kun-operator",
        "--dry-run=server",
        "--output=json",
        "-f",
        "-",
        stdin=yaml.safe_dump_all(objects),
    )
    stored = json.loads(dry_run)["items"]
    assert len(stored) == len(objects)
    assert [(obj["kind"], obj["metadata"]["name"]) for obj in outdated(objects, stored)] == []
