"""The RedisCluster CRD read as a file: documented everywhere, and refusing the config keys the modules refuse.

The API server's verdicts on real manifests are in tests/e2e/test_crd_schema.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from ansible_collections.kun.redis.plugins.module_utils.config.plan import REFUSED_KEYS, canonical_key

pytestmark = pytest.mark.unit

REPO_ROOT = Path(__file__).resolve().parents[2]
CRD = REPO_ROOT / "config" / "crd" / "bases" / "redis.kun_redisclusters.yaml"
ROLE_VARS = REPO_ROOT / "roles" / "rediscluster" / "vars" / "main.yml"


@pytest.fixture(scope="module")
def version() -> dict:
    (served,) = yaml.safe_load(CRD.read_text())["spec"]["versions"]
    return served


def undocumented(schema: dict, path: str) -> list[str]:
    """Paths below `schema` whose schema has no description (metadata is Kubernetes' own)."""
    missing = []
    for name, child in schema.get("properties", {}).items():
        child_path = f"{path}.{name}"
        if name != "metadata" or path != "":
            missing += [] if child.get("description") else [child_path]
            missing += undocumented(child, child_path)
    if "items" in schema:
        missing += undocumented(schema["items"], f"{path}[]")
    return missing


def test_every_field_has_a_description_for_kubectl_explain(version):
    assert undocumented(version["schema"]["openAPIV3Schema"], "") == []


def test_printer_columns_show_size_status_and_master(version):
    columns = {column["name"]: column for column in version["additionalPrinterColumns"]}
    assert [name for name, column in columns.items() if not column.get("priority")] == [
        "Size",
        "Status",
        "Master",
        "Age",
    ]
    assert (columns["Size"]["jsonPath"], columns["Status"]["jsonPath"]) == (".spec.size", ".status.status")


def test_config_refuses_exactly_the_keys_redis_config_set_refuses(version):
    config = version["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["config"]
    (rule,) = config["x-kubernetes-validations"]
    keys = set(re.findall(r"'([a-z-]+)'", rule["rule"]))
    assert {canonical_key(key) for key in keys} == set(REFUSED_KEYS)
    assert all(key in rule["message"] for key in REFUSED_KEYS), "the message names every refused key"


def test_sentinel_custom_config_takes_the_settings_the_role_understands(version):
    sentinel = version["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["sentinel"]
    (rule,) = sentinel["properties"]["customConfig"]["x-kubernetes-validations"]
    settings = re.search(r"\^\(([a-z|-]+)\)", rule["rule"]).group(1).split("|")
    understood = yaml.safe_load(ROLE_VARS.read_text())["rediscluster_sentinel_custom_settings"]
    assert sorted(settings) == sorted(understood)
