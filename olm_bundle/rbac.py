"""The ClusterServiceVersion's permissions from an install's RBAC, split as operator-sdk's `generate bundle` splits
them (written here because that collector is Go inside operator-sdk's CLI): the rules of a Role or ClusterRole bound
with a RoleBinding to the operator's service account are `permissions`, which OLM grants in each target namespace
(cluster-wide under AllNamespaces); those of a ClusterRole bound with a ClusterRoleBinding are `clusterPermissions`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from olm_bundle import BundleError

ROLE_KINDS = ("Role", "ClusterRole")
BINDING_KINDS = ("RoleBinding", "ClusterRoleBinding")


@dataclass(frozen=True)
class Grants:
    namespaced: list[dict]  # rules granted in the namespaces served
    cluster: list[dict]  # rules granted cluster-wide

    def strategy(self, service_account: str) -> dict:
        """The install strategy's `permissions` and `clusterPermissions`, each left out when empty."""
        return {
            key: [{"serviceAccountName": service_account, "rules": rules}]
            for key, rules in (("permissions", self.namespaced), ("clusterPermissions", self.cluster))
            if rules
        }

    def under_all_namespaces(self) -> list[str]:
        """Every rule as an AllNamespaces install holds it (OLM lifts `permissions` to ClusterRoles there), in a
        canonical form for comparison."""
        return sorted(json.dumps(rule, sort_keys=True) for rule in self.namespaced + self.cluster)


def grants(objects: list[dict], service_account: str, namespace: str) -> Grants:
    """What an install's bindings grant its service account `namespace/service_account`. A binding of anyone else, a
    binding of a role the install lacks and a role nothing binds are errors: a bundle can express none of them."""
    roles = {(item["kind"], item["metadata"]["name"]): item for item in objects if item["kind"] in ROLE_KINDS}
    bound, namespaced, cluster = set(), [], []
    for binding in (item for item in objects if item["kind"] in BINDING_KINDS):
        name = f"{binding['kind']} {binding['metadata']['name']}"
        subjects = binding.get("subjects") or []
        operator = {"kind": "ServiceAccount", "name": service_account, "namespace": namespace}
        if not subjects or any({key: subject.get(key) for key in operator} != operator for subject in subjects):
            raise BundleError(f"{name} binds {subjects}: a bundle grants only the operator's {operator}")
        reference = (binding["roleRef"]["kind"], binding["roleRef"]["name"])
        if reference not in roles:
            raise BundleError(f"{name} binds {' '.join(reference)}, which the install does not define")
        bound.add(reference)
        (cluster if binding["kind"] == "ClusterRoleBinding" else namespaced).extend(roles[reference].get("rules") or [])
    if unbound := sorted(set(roles) - bound):
        raise BundleError(f"nothing binds {', '.join(' '.join(role) for role in unbound)}: it would grant nobody")
    return Grants(namespaced, cluster)
