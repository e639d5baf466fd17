"""alm-examples are config/samples, and each one is valid against the CRD's openAPIV3Schema (jsonschema checks the
structural part; the CEL rules are the API server's, tests/e2e/test_crd_schema.py). A sample the schema refuses is
refused here too, so the check can fail."""

from __future__ import annotations

import json

import pytest
import yaml
from jsonschema import Draft4Validator

from olm_bundle.sources import SAMPLES

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def schema_validator(bundle_dir) -> Draft4Validator:
    # OpenAPI v3.0 schemas are JSON Schema draft 4 with extensions (x-kubernetes-*), which draft 4 ignores.
    crd = yaml.safe_load((bundle_dir / "manifests" / "redis.kun_redisclusters.yaml").read_text())
    [version] = crd["spec"]["versions"]
    return Draft4Validator(version["schema"]["openAPIV3Schema"])


def test_alm_examples_are_the_samples(csv):
    samples = [yaml.safe_load(path.read_text()) for path in sorted(SAMPLES.glob("redis_*.yaml"))]
    assert json.loads(csv["metadata"]["annotations"]["alm-examples"]) == samples
    assert len(samples) == 2  # one for each scope


def test_every_example_is_valid_against_the_crd_schema(csv, schema_validator):
    for example in json.loads(csv["metadata"]["annotations"]["alm-examples"]):
        assert [error.message for error in schema_validator.iter_errors(example)] == [], example


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"size": "three"}, "'three' is not of type 'integer'"),
        ({"minReplicasToWrite": -1}, "-1 is less than the minimum of 0"),
        ({"imagePullPolicy": "Sometimes"}, "'Sometimes' is not one of ['Always', 'IfNotPresent', 'Never']"),
    ],
)
def test_an_example_the_schema_refuses_is_refused(schema_validator, spec, message):
    example = {"apiVersion": "redis.kun/v1beta1", "kind": "RedisCluster", "metadata": {"name": "bad"}, "spec": spec}
    assert message in [error.message for error in schema_validator.iter_errors(example)]
