"""The local provisioner: the default StorageClass `standard` exists; a claim of any class whose provisioner is
sandbox.local/hostpath gets a volume (even when the class is created after the claim); deleting the claim of a
Delete-policy class removes the volume and its directory."""

import os

import pytest

pytestmark = pytest.mark.sandbox

CLAIM = """
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: late}
spec:
  storageClassName: %(storage_class)s
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 32Mi}}
"""
STORAGE_CLASS = """
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: %(storage_class)s}
provisioner: sandbox.local/hostpath
reclaimPolicy: Delete
volumeBindingMode: Immediate
"""


def test_the_default_class_is_standard(cluster):
    standard = cluster.api.get("/apis/storage.k8s.io/v1/storageclasses/standard")
    assert standard["provisioner"] == "sandbox.local/hostpath"
    assert standard["metadata"]["annotations"]["storageclass.kubernetes.io/is-default-class"] == "true"


def test_a_claim_waiting_for_its_class_is_provisioned_then_reclaimed(cluster, namespace):
    names = {"storage_class": f"late-{namespace}"}
    cluster.apply(namespace, CLAIM % names)
    cluster.apply(namespace, STORAGE_CLASS % names)
    try:
        claim_path = f"/api/v1/namespaces/{namespace}/persistentvolumeclaims/late"
        claim = cluster.wait_for(
            "the claim to be bound",
            lambda: (c := cluster.api.get(claim_path)) and c.get("status", {}).get("phase") == "Bound" and c,
        )
        volume = cluster.api.get(f"/api/v1/persistentvolumes/{claim['spec']['volumeName']}")
        assert volume["spec"]["capacity"]["storage"] == "32Mi"
        directory = volume["spec"]["hostPath"]["path"]
        assert os.path.isdir(directory)

        cluster.kubectl("delete", "pvc", "-n", namespace, "late")
        cluster.wait_for("the volume's directory to be removed", lambda: not os.path.exists(directory))
        cluster.wait_for(
            "the volume to be deleted",
            lambda: (
                not any(
                    v["metadata"]["name"] == volume["metadata"]["name"]
                    for v in cluster.api.get("/api/v1/persistentvolumes")["items"]
                )
            ),
        )
    finally:
        cluster.kubectl("delete", "storageclass", names["storage_class"], "--ignore-not-found")
