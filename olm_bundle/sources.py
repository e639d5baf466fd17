"""What the bundle is made of, read from the repository: the installs of config/ as kustomize renders them, the base
ClusterServiceVersion, the samples, the README and the role's templates. Everything else in olm_bundle is pure."""

from __future__ import annotations

import re
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
KUBECTL = REPO_ROOT / "bin" / "kubectl"
MANIFESTS = REPO_ROOT / "config" / "manifests"
SAMPLES = REPO_ROOT / "config" / "samples"
TEMPLATES = REPO_ROOT / "roles" / "rediscluster" / "templates"


@dataclass(frozen=True)
class Sources:
    namespaced: list[dict]  # `kubectl kustomize config/default`
    cluster_scoped: list[dict]  # `kubectl kustomize config/cluster-scoped`
    base: dict  # config/manifests/bases/<package>.clusterserviceversion.yaml
    icon_svg: bytes
    samples: list[dict]
    package: str  # pyproject.toml's project name
    summary: str  # pyproject.toml's project description
    readme: str
    made_kinds: list[tuple[str, str]]  # (apiVersion, kind) of each object the role's templates make


def render(install: str) -> list[dict]:
    """The objects `kubectl apply -k config/<install>` applies."""
    rendered = subprocess.run(
        [str(KUBECTL), "kustomize", str(REPO_ROOT / "config" / install)], capture_output=True, text=True, check=True
    ).stdout
    return [item for item in yaml.safe_load_all(rendered) if item]


def made_kinds() -> list[tuple[str, str]]:
    """The apiVersion and kind each template of the role starts with (templates/<kind>/<name>.yaml.j2), in order."""
    found = []
    for template in sorted(TEMPLATES.glob("*/*.yaml.j2")):
        text = template.read_text()
        api_version, kind = (re.search(rf"^{key}: (\S+)$", text, re.MULTILINE) for key in ("apiVersion", "kind"))
        if api_version and kind and (api_version[1], kind[1]) not in found:
            found.append((api_version[1], kind[1]))
    return found


def read() -> Sources:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    package = project["name"]
    base = yaml.safe_load((MANIFESTS / "bases" / f"{package}.clusterserviceversion.yaml").read_text())
    samples = [
        yaml.safe_load(path.read_text()) for path in sorted(SAMPLES.glob("*.yaml")) if path.name != "kustomization.yaml"
    ]
    return Sources(
        namespaced=render("default"),
        cluster_scoped=render("cluster-scoped"),
        base=base,
        icon_svg=(MANIFESTS / "icon.svg").read_bytes(),
        samples=samples,
        package=package,
        summary=project["description"],
        readme=(REPO_ROOT / "README.md").read_text(),
        made_kinds=made_kinds(),
    )
