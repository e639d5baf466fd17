"""olm_bundle/rbac.py: what a binding grants the operator's service account goes to `permissions` (RoleBinding) or
`clusterPermissions` (ClusterRoleBinding), and what a bundle cannot express is refused with what is wrong."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from olm_bundle import BundleError
from olm_bundle.rbac import Grants, grants

pytestmark = pytest.mark.unit

OPERATOR = {"kind": "ServiceAccount", "name": "op", "namespace": "ns"}
LEASES = {"apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "verbs": ["get"]}
PODS = {"apiGroups": [""], "resources": ["pods"], "verbs": ["list"]}


def role(kind: str, name: str, *rules: dict) -> dict:
    return {"kind": kind, "metadata": {"name": name}, "rules": list(rules)}


def binding(kind: str, role_kind: str, role_name: str, *subjects: dict) -> dict:
    return {
        "kind": kind,
        "metadata": {"name": f"{role_name}-binding"},
        "roleRef": {"kind": role_kind, "name": role_name},
        "subjects": list(subjects) if subjects else [OPERATOR],
    }


@pytest.mark.parametrize(
    ("objects", "namespaced", "cluster"),
    [
        ([role("Role", "leader", LEASES), binding("RoleBinding", "Role", "leader")], [LEASES], []),
        ([role("ClusterRole", "manager", PODS), binding("RoleBinding", "ClusterRole", "manager")], [PODS], []),
        ([role("ClusterRole", "manager", PODS), binding("ClusterRoleBinding", "ClusterRole", "manager")], [], [PODS]),
        (
            [
                role("Role", "leader", LEASES),
                role("ClusterRole", "manager", PODS),
                binding("RoleBinding", "Role", "leader"),
                binding("ClusterRoleBinding", "ClusterRole", "manager"),
            ],
            [LEASES],
            [PODS],
        ),
    ],
)
def test_a_binding_grants_its_roles_rules_where_its_kind_says(objects, namespaced, cluster):
    assert grants(objects, "op", "ns") == Grants(namespaced, cluster)


@pytest.mark.parametrize(
    ("objects", "message"),
    [
        (
            [role("Role", "leader", LEASES), binding("RoleBinding", "Role", "leader", {**OPERATOR, "name": "other"})],
            "RoleBinding leader-binding binds [{'kind': 'ServiceAccount', 'name': 'other', 'namespace': 'ns'}]",
        ),
        (
            [
                role("Role", "leader", LEASES),
                binding("RoleBinding", "Role", "leader", OPERATOR, {"kind": "Group", "name": "g"}),
            ],
            "a bundle grants only the operator's",
        ),
        ([binding("RoleBinding", "Role", "absent")], "RoleBinding absent-binding binds Role absent, which the install"),
        ([role("ClusterRole", "spare", PODS)], "nothing binds ClusterRole spare: it would grant nobody"),
    ],
)
def test_what_a_bundle_cannot_express_is_refused(objects, message):
    with pytest.raises(BundleError, match=message.replace("[", r"\[").replace("]", r"\]")):
        grants(objects, "op", "ns")


@given(st.lists(st.sampled_from([LEASES, PODS]), max_size=4), st.lists(st.sampled_from([LEASES, PODS]), max_size=4))
def test_the_strategy_lists_each_kind_of_grant_once_and_only_when_there_is_one(namespaced, cluster):
    strategy = Grants(namespaced, cluster).strategy("op")
    expected = {"permissions": namespaced, "clusterPermissions": cluster}
    assert strategy == {key: [{"serviceAccountName": "op", "rules": rules}] for key, rules in expected.items() if rules}
    # Under AllNamespaces OLM lifts permissions cluster-wide: where a rule was granted no longer matters.
    assert Grants(namespaced, cluster).under_all_namespaces() == Grants(cluster + namespaced, []).under_all_namespaces()
