"""The generated bundle passes operator-framework/api's validators (operator-sdk's defaults and the offline optional
suites) with neither an error nor a warning, and a broken bundle is reported, so the validator can fail."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.unit


def findings(output: str, level: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(f"{level} [")]


def broken_copy(bundle_dir: Path, tmp_path: Path, package: str, breaks) -> Path:
    """A copy of the bundle whose CSV `breaks` changes in place."""
    copy = tmp_path / "bundle"
    shutil.copytree(bundle_dir, copy)
    path = copy / "manifests" / f"{package}.clusterserviceversion.yaml"
    csv = yaml.safe_load(path.read_text())
    breaks(csv)
    path.write_text(yaml.safe_dump(csv))
    return copy


def test_the_generated_bundle_has_no_error_and_no_warning(bundle_dir, validate):
    ran = validate(bundle_dir)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert findings(ran.stdout, "error") == []
    assert findings(ran.stdout, "warning") == []
    assert ran.stdout.rstrip().endswith(": 0 errors, 0 warnings")


def test_a_csv_owning_a_crd_the_bundle_lacks_is_an_error(bundle_dir, tmp_path, read_sources, csv, validate):
    def rename_owned(broken):
        broken["spec"]["customresourcedefinitions"]["owned"][0]["name"] = "redisclusters.example.com"
        broken["spec"]["customresourcedefinitions"]["owned"][0]["kind"] = "RedisClusterr"

    ran = validate(broken_copy(bundle_dir, tmp_path, read_sources.package, rename_owned))
    assert ran.returncode == 1
    version, name = csv["spec"]["version"], csv["metadata"]["name"]
    assert (
        f"error [bundle] {version}: Error: Value example.com/v1beta1, Kind=RedisClusterr: owned CRD "
        f'"example.com/v1beta1, Kind=RedisClusterr" not found in bundle "{name}"'
    ) in ran.stdout.splitlines()


def test_a_missing_icon_is_a_warning_of_the_operatorhub_suite(bundle_dir, tmp_path, read_sources, validate):
    ran = validate(broken_copy(bundle_dir, tmp_path, read_sources.package, lambda csv: csv["spec"].pop("icon")))
    assert ran.returncode == 0  # warnings alone do not fail, as with operator-sdk
    assert [line.split("] ", 1)[0] for line in findings(ran.stdout, "warning")] == ["warning [operatorhub-v2"]
    assert "csv.Spec.Icon not specified" in ran.stdout


def test_annotations_of_another_media_type_are_a_format_error(bundle_dir, tmp_path, validate):
    copy = tmp_path / "bundle"
    shutil.copytree(bundle_dir, copy)
    annotations = copy / "metadata" / "annotations.yaml"
    annotations.write_text(annotations.read_text().replace("registry+v1", "helm+v1"))
    ran = validate(copy)
    assert ran.returncode == 1
    assert (
        'expecting annotation "operators.operatorframework.io.bundle.mediatype.v1" to have value "registry+v1" '
        'instead of "helm+v1"'
    ) in ran.stdout
