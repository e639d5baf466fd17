"""The bundle directory as operator-sdk lays it out (manifests/, metadata/annotations.yaml), with its
bundle.Dockerfile inside it, since the whole directory is generated (`docker build -f bundle/bundle.Dockerfile
bundle/`)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import yaml

from olm_bundle import BundleError

# Pre-release builds go to OLM's candidate channel (its channel naming convention, which the good-practices validator
# checks); a release would add stable.
CHANNEL = "candidate"
GENERATED = {"manifests", "metadata", "bundle.Dockerfile"}


def annotations(package: str) -> dict[str, str]:
    """metadata/annotations.yaml's annotations, which bundle.Dockerfile repeats as the image's labels."""
    return {
        "operators.operatorframework.io.bundle.mediatype.v1": "registry+v1",
        "operators.operatorframework.io.bundle.manifests.v1": "manifests/",
        "operators.operatorframework.io.bundle.metadata.v1": "metadata/",
        "operators.operatorframework.io.bundle.package.v1": package,
        "operators.operatorframework.io.bundle.channels.v1": CHANNEL,
        "operators.operatorframework.io.bundle.channel.default.v1": CHANNEL,
    }


def dockerfile(labels: dict[str, str]) -> str:
    lines = ["FROM scratch", *(f"LABEL {key}={value}" for key, value in labels.items())]
    return "\n".join([*lines, "COPY manifests /manifests/", "COPY metadata /metadata/", ""])


class _Dumper(yaml.SafeDumper):
    """Multi-line strings (the CSV's description, alm-examples) as literal blocks, readable as they are written."""


_Dumper.add_representer(
    str,
    lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None),
)


def dump(item: dict) -> str:
    return yaml.dump(item, Dumper=_Dumper, sort_keys=False, width=120)


def write(output: Path, package: str, manifests: dict[str, dict]) -> None:
    """Writes the bundle to `output`, replacing a bundle there; refuses a directory that holds anything else."""
    if output.exists() and (strangers := sorted({path.name for path in output.iterdir()} - GENERATED)):
        raise BundleError(f"{output} holds {', '.join(strangers)}, which is not a bundle's: choose another --output")
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}-", dir=output.parent))
    (staging / "manifests").mkdir()
    (staging / "metadata").mkdir()
    for name, item in manifests.items():
        (staging / "manifests" / name).write_text(dump(item))
    labels = annotations(package)
    (staging / "metadata" / "annotations.yaml").write_text(dump({"annotations": labels}))
    (staging / "bundle.Dockerfile").write_text(dockerfile(labels))
    staging.chmod(0o755)
    shutil.rmtree(output, ignore_errors=True)
    staging.rename(output)
