"""The generator's checks (olm_bundle/clusterserviceversion.py, manifests.py, layout.py): a config/ or a base CSV the
bundle cannot express faithfully is an error that says what, never a bundle that installs something else."""

from __future__ import annotations

import copy
import dataclasses
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from olm_bundle import BundleError, layout
from olm_bundle.clusterserviceversion import clusterserviceversion, description, version_of
from olm_bundle.manifests import bundle_manifests

pytestmark = pytest.mark.unit


def changed(sources, fields: str, kind: str, change):
    """`sources` with `change` applied to a copy of the first object of `kind` in each render named in `fields`."""
    renders = {}
    for field in fields.split():
        renders[field] = copy.deepcopy(getattr(sources, field))
        change(next(item for item in renders[field] if item["kind"] == kind))
    return dataclasses.replace(sources, **renders)


def manager(deployment: dict) -> dict:
    return next(c for c in deployment["spec"]["template"]["spec"]["containers"] if c["name"] == "manager")


@pytest.mark.parametrize(
    ("fields", "kind", "change", "message"),
    [
        (
            "cluster_scoped",
            "Deployment",
            lambda deployment: manager(deployment)["args"].append("--reconcile-period=1m"),
            "the Deployments of config/default and config/cluster-scoped differ",
        ),
        (
            "cluster_scoped",
            "ClusterRole",
            lambda role: role["rules"].append({"apiGroups": [""], "resources": ["nodes"], "verbs": ["get"]}),
            "config/default and config/cluster-scoped grant different rules",
        ),
        (
            "namespaced cluster_scoped",
            "Deployment",
            lambda deployment: manager(deployment).update(image="redis-kun-operator:latest"),
            "the operator image 'redis-kun-operator:latest' has no semver tag",
        ),
        (
            "namespaced",
            "Deployment",
            lambda deployment: [c.pop("env") for c in deployment["spec"]["template"]["spec"]["containers"]],
            "no container reads WATCH_NAMESPACE",
        ),
        (
            "namespaced",
            "Service",
            lambda service: service.update(kind="Ingress", apiVersion="networking.k8s.io/v1"),
            "config/default renders a Ingress, which the bundle has no place for",
        ),
    ],
)
def test_a_config_the_bundle_cannot_express_is_refused(read_sources, fields, kind, change, message):
    with pytest.raises(BundleError, match=message):
        bundle_manifests(changed(read_sources, fields, kind, change))


@pytest.mark.parametrize(
    ("path", "message"),
    [("sentinel.replica", "the CRD schema has no field 'replica' there"), ("metadata", "no field 'metadata'")],
)
def test_a_descriptor_of_a_field_the_crd_lacks_is_refused(read_sources, path, message):
    base = copy.deepcopy(read_sources.base)
    base["spec"]["customresourcedefinitions"]["owned"][0]["specDescriptors"].append({"path": path, "x-descriptors": []})
    with pytest.raises(BundleError, match=message):
        clusterserviceversion(dataclasses.replace(read_sources, base=base))


@pytest.mark.parametrize(
    ("image", "version"),
    [
        ("redis-kun-operator:0.1.0", "0.1.0"),
        ("registry.example:5000/team/redis-kun-operator:v1.2.3", "1.2.3"),
        ("redis-kun-operator:2.0.0-rc.1@sha256:abc", "2.0.0-rc.1"),
    ],
)
def test_the_version_is_the_tag(image, version):
    assert version_of(image) == version


@given(st.tuples(*[st.integers(0, 999)] * 3))
def test_every_semver_tag_is_the_version_and_a_bare_name_has_none(numbers):
    version = ".".join(map(str, numbers))
    assert version_of(f"host:5000/redis-kun-operator:{version}") == version
    with pytest.raises(BundleError, match="has no semver tag"):
        version_of(f"host:{numbers[0]}/redis-kun-operator")


def test_the_description_keeps_the_readmes_text_and_drops_its_relative_links():
    readme = (
        "# title\n\nIntro, see [the API](docs/api.md).\n\n## What you get\n- [web](https://x.example/a) b\n\n## Next\n"
    )
    assert description(readme, "## Modes\n\ntext\n") == (
        "Intro, see the API.\n\n## What you get\n\n- [web](https://x.example/a) b\n\n## Modes\n\ntext\n"
    )
    with pytest.raises(BundleError, match=re.escape("README.md has no section '## What you get'")):
        description("# title\n\nIntro\n", "")


def test_the_bundle_directory_is_replaced_but_never_a_directory_of_something_else(tmp_path, read_sources):
    manifests = bundle_manifests(read_sources)
    layout.write(tmp_path / "bundle", read_sources.package, manifests)
    (tmp_path / "bundle" / "manifests" / "stale.yaml").write_text("{}")
    layout.write(tmp_path / "bundle", read_sources.package, manifests)
    assert not (tmp_path / "bundle" / "manifests" / "stale.yaml").exists()
    (tmp_path / "bundle" / "README.md").write_text("mine")
    with pytest.raises(BundleError, match=re.escape("holds README.md, which is not a bundle's")):
        layout.write(tmp_path / "bundle", read_sources.package, manifests)
    assert (tmp_path / "bundle" / "README.md").read_text() == "mine"
