"""Pod volumes as host directories under the pod's runtime dir (or the PV's directory), bind-mounted into containers.

configMap, secret, downwardAPI and projected volumes are rendered to files (pure `render_*` functions produce
{relative path: (bytes, mode)}) and re-rendered on every pod sync, so source changes reach running pods; files are
replaced atomically (write + rename) and only when their content or mode changed. Secret data is never logged.

Ownership as the kubelet sets it: an emptyDir is world-writable (0777), so a container of any user can write it; with
the pod's fsGroup, every volume that supports it (emptyDir, persistentVolumeClaim, configMap, secret, downwardAPI,
projected; not hostPath) belongs to that group: rendered files become group-readable, and writable volumes are
changed recursively when the pod first mounts them (group rw, directories setgid so new files inherit the group),
fsGroupChangePolicy Always.
"""

from __future__ import annotations

import base64
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .env import Lookup, field_value, resource_value

Files = dict[str, tuple[bytes, int]]
DEFAULT_MODE = 0o644
TOKEN_SECONDS = 3607  # what kubelets ask for by default


class VolumeNotReady(Exception):
    """A volume cannot be set up yet (missing source, unbound claim); the message is shown on the pod."""


@dataclass(frozen=True)
class Mount:
    source: str
    target: str
    read_only: bool


def _source_files(data: dict[str, bytes], items: list[dict] | None, default_mode: int, what: str) -> Files:
    if not items:
        return {key: (value, default_mode) for key, value in data.items()}
    files = {}
    for item in items:
        if item["key"] not in data:
            raise VolumeNotReady(f"key {item['key']!r} not found in {what}")
        files[item["path"]] = (data[item["key"]], item.get("mode", default_mode))
    return files


def configmap_data(configmap: dict) -> dict[str, bytes]:
    data = {key: value.encode() for key, value in (configmap.get("data") or {}).items()}
    data.update({key: base64.b64decode(value) for key, value in (configmap.get("binaryData") or {}).items()})
    return data


def secret_data(secret: dict) -> dict[str, bytes]:
    return {key: base64.b64decode(value) for key, value in (secret.get("data") or {}).items()}


def render_object(source: dict, kind: str, namespace: str, lookup: Lookup, default_mode: int) -> Files:
    """Files of a configMap or secret volume (or projection)."""
    name = source.get("name") or source.get("secretName")
    obj = lookup(namespace, name)
    what = f"{kind} {namespace}/{name}"
    if obj is None:
        if source.get("optional"):
            return {}
        raise VolumeNotReady(f"{what} not found")
    data = secret_data(obj) if kind == "secret" else configmap_data(obj)
    return _source_files(data, source.get("items"), source.get("defaultMode", default_mode), what)


def render_downward_api(items: list[dict], pod: dict, default_mode: int) -> Files:
    files = {}
    containers = {c["name"]: c for c in pod["spec"]["containers"]}
    for item in items:
        if "fieldRef" in item:
            value = field_value(pod, item["fieldRef"]["fieldPath"])
        else:
            ref = item["resourceFieldRef"]
            container = containers.get(ref.get("containerName")) or pod["spec"]["containers"][0]
            value = resource_value(container, ref["resource"], ref.get("divisor"))
        files[item["path"]] = (value.encode(), item.get("mode", default_mode))
    return files


def write_files(directory: Path, files: Files, previous: set[str], group: int | None = None) -> set[str]:
    """Bring a directory to exactly `files` (paths relative to it), each owned by `group` when given (fsGroup);
    returns the paths written, to pass back next time so files that left the source are removed."""
    directory.mkdir(parents=True, exist_ok=True)
    for relative, (data, mode) in files.items():
        path = directory / relative
        if ".." in Path(relative).parts:
            raise VolumeNotReady(f"volume item path {relative!r} must not contain '..'")
        unchanged = path.exists() and path.read_bytes() == data and (path.stat().st_mode & 0o7777) == mode
        if unchanged and (group is None or path.stat().st_gid == group):
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, mode)  # the umask may have narrowed it
        if group is not None:
            os.chown(temporary, -1, group)
        os.replace(temporary, path)
    for relative in previous - set(files):
        (directory / relative).unlink(missing_ok=True)
    return set(files)


def set_volume_ownership(root: Path, group: int) -> None:
    """fsGroup on a writable volume, as the kubelet's SetVolumeOwnership: every file and directory gets the group,
    group read-write (directories also search and setgid, so what containers create there keeps the group)."""
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        info = path.stat()
        mode = info.st_mode & 0o7777
        wanted = mode | (0o2070 if path.is_dir() else 0o060)
        if info.st_gid != group:
            os.chown(path, -1, group)
        if mode != wanted:
            os.chmod(path, wanted)


class PodVolumes:
    """The volumes of one pod: `sync()` creates or refreshes them all, `mounts(container)` lists a container's binds."""

    def __init__(
        self,
        pod: dict,
        root: Path,
        *,
        configmaps: Lookup,
        secrets: Lookup,
        claim_path: Callable[[str, str], str],
        request_token: Callable[[dict, dict], tuple[str, float]],
    ):
        self.pod = pod
        self.root = root
        self._configmaps = configmaps
        self._secrets = secrets
        self._claim_path = claim_path
        self._request_token = request_token
        self._paths: dict[str, str] = {}
        self._written: dict[str, set[str]] = {}
        self._tokens: dict[str, tuple[str, float, float]] = {}  # volume/path -> (token, issued, expires)
        self._owned: set[str] = set()  # writable volumes already given the pod's fsGroup

    def sync(self, pod: dict) -> None:
        self.pod = pod
        for volume in pod["spec"].get("volumes", []):
            self._paths[volume["name"]] = self._sync_one(volume)

    @property
    def fs_group(self) -> int | None:
        return self.pod["spec"].get("securityContext", {}).get("fsGroup")

    def _sync_one(self, volume: dict) -> str:
        name, namespace = volume["name"], self.pod["metadata"]["namespace"]
        directory = self.root / name
        if "persistentVolumeClaim" in volume:  # a bound claim keeps its volume: look it up once
            path = self._paths.get(name) or self._claim_path(namespace, volume["persistentVolumeClaim"]["claimName"])
            return self._owned_by_fs_group(name, Path(path))
        if "hostPath" in volume:
            path = volume["hostPath"]["path"]
            if volume["hostPath"].get("type") == "DirectoryOrCreate":
                os.makedirs(path, exist_ok=True)
            return path
        if "emptyDir" in volume:
            if not directory.exists():
                directory.mkdir(parents=True)
                directory.chmod(0o777)  # the umask narrowed it
            return self._owned_by_fs_group(name, directory)
        files = self._render(volume, namespace)
        if self.fs_group is not None:
            files = {path: (data, mode | 0o040) for path, (data, mode) in files.items()}
        self._written[name] = write_files(directory, files, self._written.get(name, set()), self.fs_group)
        return str(directory)

    def _owned_by_fs_group(self, name: str, path: Path) -> str:
        if self.fs_group is not None and name not in self._owned:
            set_volume_ownership(path, self.fs_group)
            self._owned.add(name)
        return str(path)

    def _render(self, volume: dict, namespace: str) -> Files:
        if "configMap" in volume:
            return render_object(volume["configMap"], "configmap", namespace, self._configmaps, DEFAULT_MODE)
        if "secret" in volume:
            return render_object(volume["secret"], "secret", namespace, self._secrets, DEFAULT_MODE)
        if "downwardAPI" in volume:
            mode = volume["downwardAPI"].get("defaultMode", DEFAULT_MODE)
            return render_downward_api(volume["downwardAPI"].get("items", []), self.pod, mode)
        if "projected" in volume:
            return self._render_projected(volume["name"], volume["projected"], namespace)
        raise VolumeNotReady(f"volume {volume['name']!r}: this volume type is not supported by the sandbox")

    def _render_projected(self, name: str, projected: dict, namespace: str) -> Files:
        mode = projected.get("defaultMode", DEFAULT_MODE)
        files: Files = {}
        for source in projected.get("sources", []):
            if "configMap" in source:
                files.update(render_object(source["configMap"], "configmap", namespace, self._configmaps, mode))
            elif "secret" in source:
                files.update(render_object(source["secret"], "secret", namespace, self._secrets, mode))
            elif "downwardAPI" in source:
                files.update(render_downward_api(source["downwardAPI"].get("items", []), self.pod, mode))
            elif "serviceAccountToken" in source:
                token_source = source["serviceAccountToken"]
                files[token_source["path"]] = (self._token(f"{name}/{token_source['path']}", token_source), mode)
        return files

    def _token(self, key: str, source: dict) -> bytes:
        """A bound service account token, requested again once 80% of its lifetime has passed (as kubelets do)."""
        token, issued, expires = self._tokens.get(key, ("", 0.0, 0.0))
        if time.time() > issued + 0.8 * (expires - issued):
            token, expires = self._request_token(self.pod, source)
            issued = time.time()
            self._tokens[key] = (token, issued, expires)
        return token.encode()

    def mounts(self, container: dict) -> list[Mount]:
        result = []
        for mount in container.get("volumeMounts", []):
            if mount["name"] not in self._paths:
                raise VolumeNotReady(f"volume {mount['name']!r} of mount {mount['mountPath']} is not defined")
            source = self._paths[mount["name"]]
            sub_path = mount.get("subPath") or ""
            if sub_path:
                if ".." in Path(sub_path).parts or sub_path.startswith("/"):
                    raise VolumeNotReady(f"subPath {sub_path!r} must be a relative path without '..'")
                source = os.path.join(source, sub_path)
                if not os.path.exists(source):
                    os.makedirs(source)  # Kubernetes creates a missing subPath as a directory
            result.append(Mount(source, mount["mountPath"], bool(mount.get("readOnly"))))
        return result
