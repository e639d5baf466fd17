"""Dynamic provisioning for the sandbox: the default StorageClass `standard` and a provisioner for every
StorageClass whose provisioner is `sandbox.local/hostpath`.

A pending claim of such a class gets a hostPath PersistentVolume (directory .sandbox/volumes/<pv name>) sized as
requested and pre-bound to the claim (claimRef), which the PV controller then binds. All nodes are this machine, so a
volume follows its pod to any node, and the data outlives pods. A Released volume with reclaim policy Delete loses its
directory and is deleted.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from .api import Api, ApiError, Informer

log = logging.getLogger(__name__)

PROVISIONER = "sandbox.local/hostpath"
DEFAULT_CLASS = {
    "apiVersion": "storage.k8s.io/v1",
    "kind": "StorageClass",
    "metadata": {"name": "standard", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
    "provisioner": PROVISIONER,
    "reclaimPolicy": "Delete",
    "volumeBindingMode": "Immediate",
}


def pv_name(claim: dict) -> str:
    return f"pvc-{claim['metadata']['uid']}"


def persistent_volume(claim: dict, storage_class: dict, path: Path) -> dict:
    meta = claim["metadata"]
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {"name": pv_name(claim), "annotations": {"pv.kubernetes.io/provisioned-by": PROVISIONER}},
        "spec": {
            "capacity": {"storage": claim["spec"]["resources"]["requests"]["storage"]},
            "accessModes": claim["spec"].get("accessModes", ["ReadWriteOnce"]),
            "persistentVolumeReclaimPolicy": storage_class.get("reclaimPolicy", "Delete"),
            "storageClassName": storage_class["metadata"]["name"],
            "volumeMode": claim["spec"].get("volumeMode", "Filesystem"),
            "hostPath": {"path": str(path), "type": "DirectoryOrCreate"},
            "claimRef": {
                "apiVersion": "v1",
                "kind": "PersistentVolumeClaim",
                "namespace": meta["namespace"],
                "name": meta["name"],
                "uid": meta["uid"],
            },
        },
    }


class Provisioner:
    def __init__(self, api: Api, volumes_dir: Path):
        self.api = api
        self.volumes_dir = volumes_dir
        self.classes = Informer(api, "/apis/storage.k8s.io/v1/storageclasses", self._on_class)
        self.claims = Informer(api, "/api/v1/persistentvolumeclaims", self._on_claim)
        self.volumes = Informer(api, "/api/v1/persistentvolumes", self._on_volume)

    def start(self) -> None:
        self._ensure_default_class()
        self.classes.start()
        self.classes.synced.wait()
        self.claims.start()
        self.volumes.start()

    def _ensure_default_class(self) -> None:
        try:
            self.api.create("/apis/storage.k8s.io/v1/storageclasses", DEFAULT_CLASS)
        except ApiError as error:
            if error.status != 409:
                raise

    def _storage_class(self, name: str | None) -> dict | None:
        if name:
            return self.classes.get("", name)
        # A claim without a class gets the default class from the admission plugin; be lenient all the same.
        return self.classes.get("", "standard")

    def _on_class(self, kind: str, storage_class: dict) -> None:
        """Claims may come before their StorageClass: look at the pending ones again when a class appears."""
        if kind == "ADDED" and storage_class.get("provisioner") == PROVISIONER and self.claims.synced.is_set():
            for claim in self.claims.items():
                self._on_claim("MODIFIED", claim)

    def _on_claim(self, kind: str, claim: dict) -> None:
        if kind == "DELETED" or claim["spec"].get("volumeName") or claim.get("status", {}).get("phase") == "Bound":
            return
        storage_class = self._storage_class(claim["spec"].get("storageClassName"))
        if storage_class is None or storage_class.get("provisioner") != PROVISIONER:
            return
        path = self.volumes_dir / pv_name(claim)
        path.mkdir(parents=True, exist_ok=True)
        path.chmod(0o777)  # as local-path provisioners make them: any pod user may write a new volume
        try:
            self.api.create("/api/v1/persistentvolumes", persistent_volume(claim, storage_class, path))
            meta = claim["metadata"]
            log.info("provisioned %s for claim %s/%s", pv_name(claim), meta["namespace"], meta["name"])
        except ApiError as error:
            if error.status != 409:
                raise

    def _on_volume(self, kind: str, volume: dict) -> None:
        annotations = volume["metadata"].get("annotations", {})
        if kind == "DELETED" or annotations.get("pv.kubernetes.io/provisioned-by") != PROVISIONER:
            return
        if volume["metadata"].get("deletionTimestamp"):
            return  # already being deleted
        if volume.get("status", {}).get("phase") != "Released":
            return
        if volume["spec"].get("persistentVolumeReclaimPolicy") != "Delete":
            return
        name = volume["metadata"]["name"]
        shutil.rmtree(self.volumes_dir / name, ignore_errors=True)
        try:
            self.api.delete(f"/api/v1/persistentvolumes/{name}")
            log.info("deleted released volume %s and its data", name)
        except ApiError as error:
            if error.status != 404:
                raise
