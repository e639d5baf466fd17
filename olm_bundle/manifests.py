"""The bundle's manifests/: every object config/default installs, in the place a registry+v1 bundle has for it. The
Deployment, its service account and the RBAC become the ClusterServiceVersion's install strategy; the Namespace is
the one OLM suggests (the CSV's suggested-namespace); the CRD and the Services are files of their own, without a
namespace (OLM creates them in the operator's). Any other kind is an error rather than silently left out."""

from __future__ import annotations

import copy

from olm_bundle import BundleError, rbac
from olm_bundle.clusterserviceversion import clusterserviceversion
from olm_bundle.sources import Sources

IN_THE_CSV = ("Namespace", "Deployment", "ServiceAccount", *rbac.ROLE_KINDS, *rbac.BINDING_KINDS)
OWN_FILES = ("CustomResourceDefinition", "Service")


def file_name(item: dict) -> str:
    """operator-sdk's names: <group>_<plural>.yaml for a CRD, <name>_<version>_<kind>.yaml for the others."""
    if item["kind"] == "CustomResourceDefinition":
        group, plural = item["spec"]["group"], item["spec"]["names"]["plural"]
        return f"{group}_{plural}.yaml"
    version = item["apiVersion"].rpartition("/")[2]
    return f"{item['metadata']['name']}_{version}_{item['kind'].lower()}.yaml"


def bundle_manifests(sources: Sources) -> dict[str, dict]:
    """manifests/ as {file name: object}."""
    csv = clusterserviceversion(sources)
    files = {f"{sources.package}.clusterserviceversion.yaml": csv}
    for item in sources.namespaced:
        if item["kind"] in IN_THE_CSV:
            continue
        if item["kind"] not in OWN_FILES:
            raise BundleError(f"config/default renders a {item['kind']}, which the bundle has no place for")
        placed = copy.deepcopy(item)
        placed["metadata"].pop("namespace", None)
        files[file_name(placed)] = placed
    return files
