"""The ClusterServiceVersion: the base's presentation (config/manifests/bases) plus what config/ installs.

The operator's scope follows the OperatorGroup: OLM writes the group's target namespaces to the pod's annotation
`olm.targetNamespaces` (one, several comma-separated, or empty for AllNamespaces), which is WATCH_NAMESPACE in
ansible-operator's syntax, so every container that reads WATCH_NAMESPACE takes it from there, as operator-sdk's
bundles do. Empty makes it the cluster-scoped operator (module_utils/rediscluster/scope.py).
"""

from __future__ import annotations

import base64
import copy
import json
import re

from olm_bundle import BundleError, rbac
from olm_bundle.sources import Sources

TARGET_NAMESPACES = "metadata.annotations['olm.targetNamespaces']"
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")
# A markdown link to a file of this repository: its target means nothing in a catalog, so only its text is kept.
RELATIVE_LINK = re.compile(r"\[([^\]]+)\]\((?![a-z]+:)[^)]*\)")


def the(objects: list[dict], kind: str) -> dict:
    """The one object of `kind` an install renders."""
    found = [item for item in objects if item["kind"] == kind]
    if len(found) != 1:
        raise BundleError(f"config/ renders {len(found)} objects of kind {kind}; the bundle expects exactly one")
    return found[0]


def olm_deployment_spec(deployment: dict) -> dict:
    """The Deployment's spec with WATCH_NAMESPACE taken from the OperatorGroup in every container that has it."""
    spec = copy.deepcopy(deployment["spec"])
    targeted = False
    for container in spec["template"]["spec"]["containers"]:
        for index, variable in enumerate(container.get("env") or []):
            if variable["name"] == "WATCH_NAMESPACE":
                fieldref = {"fieldRef": {"fieldPath": TARGET_NAMESPACES}}
                container["env"][index] = {"name": "WATCH_NAMESPACE", "valueFrom": fieldref}
                targeted = True
    if not targeted:
        raise BundleError(f"Deployment {deployment['metadata']['name']}: no container reads WATCH_NAMESPACE")
    return spec


def check_one_deployment_serves_both_scopes(namespaced: dict, cluster_scoped: dict) -> None:
    """One CSV installs both scopes, so config/default's and config/cluster-scoped's Deployments may differ only in
    WATCH_NAMESPACE and their names."""

    def comparable(deployment: dict) -> dict:
        spec = olm_deployment_spec(deployment)
        del spec["template"]["spec"]["serviceAccountName"]
        return spec

    if comparable(namespaced) != comparable(cluster_scoped):
        raise BundleError(
            "the Deployments of config/default and config/cluster-scoped differ beyond WATCH_NAMESPACE and their "
            "names, and one ClusterServiceVersion installs both scopes: make them the same"
        )


def version_of(image: str) -> str:
    """The version an image reference's tag names (`redis-kun-operator:0.1.0` is 0.1.0), which must be semver."""
    name = image.rsplit("/", 1)[-1].partition("@")[0]
    version = name.partition(":")[2].removeprefix("v")
    if not SEMVER.match(version):
        raise BundleError(f"the operator image {image!r} has no semver tag (X.Y.Z), which the bundle's version is")
    return version


def field_description(schema: dict, path: str) -> str:
    """The description of the field at a descriptor's dotted path under an openAPIV3Schema node."""
    node = schema
    for step in path.split("."):
        node = (node.get("properties") or {}).get(step)
        if node is None:
            raise BundleError(f"descriptor path {path!r}: the CRD schema has no field {step!r} there")
    if not node.get("description"):
        raise BundleError(f"descriptor path {path!r}: the field has no description in the CRD schema")
    return node["description"]


def owned_crd(entry: dict, crd: dict, made_kinds: list[tuple[str, str]]) -> dict:
    """A base entry of customresourcedefinitions.owned, completed from the CRD it names: its description and each
    descriptor's, and the kinds the role makes for it."""
    if entry["name"] != crd["metadata"]["name"]:
        raise BundleError(f"the base CSV owns {entry['name']}, but config/ renders the CRD {crd['metadata']['name']}")
    [version] = [version for version in crd["spec"]["versions"] if version["name"] == entry["version"]]
    schema = version["schema"]["openAPIV3Schema"]
    owned = {**entry, "description": schema["description"]}
    for key in ("specDescriptors", "statusDescriptors"):
        node = schema["properties"]["spec" if key == "specDescriptors" else "status"]
        owned[key] = [
            {**descriptor, "description": field_description(node, descriptor["path"])} for descriptor in entry[key]
        ]
    owned["resources"] = [
        {"kind": kind, "name": "", "version": api_version.rpartition("/")[2]} for api_version, kind in made_kinds
    ]
    return owned


def section(markdown: str, heading: str | None) -> str:
    """The text under a `## heading` up to the next one, or before the first one (after the title) for None."""
    parts = re.split(r"^## (.*)$", markdown, flags=re.MULTILINE)
    if heading is None:
        return re.sub(r"\A# .*\n", "", parts[0]).strip()
    for title, body in zip(parts[1::2], parts[2::2], strict=True):
        if title.strip() == heading:
            return body.strip()
    raise BundleError(f"README.md has no section '## {heading}', which the CSV's description is made of")


def description(readme: str, base_description: str) -> str:
    """README.md's introduction and "What you get", then the base's own part (install modes and scopes)."""
    overview = f"{section(readme, None)}\n\n## What you get\n\n{section(readme, 'What you get')}"
    return f"{RELATIVE_LINK.sub(lambda link: link[1], overview)}\n\n{base_description.strip()}\n"


def clusterserviceversion(sources: Sources) -> dict:
    namespaced = sources.namespaced
    deployment, cluster_deployment = the(namespaced, "Deployment"), the(sources.cluster_scoped, "Deployment")
    check_one_deployment_serves_both_scopes(deployment, cluster_deployment)
    pod = deployment["spec"]["template"]["spec"]
    namespace = deployment["metadata"]["namespace"]
    account = the(namespaced, "ServiceAccount")["metadata"]["name"]
    if pod["serviceAccountName"] != account:
        raise BundleError(f"the Deployment runs as {pod['serviceAccountName']}, not as the install's {account}")
    granted = rbac.grants(namespaced, account, namespace)
    cluster_granted = rbac.grants(
        sources.cluster_scoped,
        cluster_deployment["spec"]["template"]["spec"]["serviceAccountName"],
        cluster_deployment["metadata"]["namespace"],
    )
    if granted.under_all_namespaces() != cluster_granted.under_all_namespaces():
        raise BundleError(
            "config/default and config/cluster-scoped grant different rules; under OLM both scopes get one set "
            "(permissions, lifted cluster-wide under AllNamespaces): make them the same"
        )
    [manager] = [container for container in pod["containers"] if container["name"] == "manager"]
    version = version_of(manager["image"])

    csv = copy.deepcopy(sources.base)
    csv["metadata"]["name"] = f"{sources.package}.v{version}"
    csv["metadata"]["annotations"].update(
        {
            "alm-examples": json.dumps(sources.samples, indent=2),
            "containerImage": manager["image"],
            "description": sources.summary,
            "operatorframework.io/suggested-namespace": namespace,
        }
    )
    spec = csv["spec"]
    spec["version"] = version
    spec["description"] = description(sources.readme, spec["description"])
    spec["icon"] = [{"base64data": base64.b64encode(sources.icon_svg).decode(), "mediatype": "image/svg+xml"}]
    crd = the(namespaced, "CustomResourceDefinition")
    owned = spec["customresourcedefinitions"]["owned"]
    spec["customresourcedefinitions"]["owned"] = [owned_crd(entry, crd, sources.made_kinds) for entry in owned]
    deployments = [
        {
            "name": deployment["metadata"]["name"],
            "label": deployment["metadata"].get("labels") or {},
            "spec": olm_deployment_spec(deployment),
        }
    ]
    spec["install"] = {"strategy": "deployment", "spec": {"deployments": deployments, **granted.strategy(account)}}
    return csv
