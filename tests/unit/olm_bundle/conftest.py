"""One OLM bundle generated from config/ into a temporary directory for the whole session (`make bundle` writes the
same into bundle/), and bin/bundle-validate, the operator-framework/api validators (sandbox/tools/bundle-validate)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from olm_bundle import layout, sources
from olm_bundle.manifests import bundle_manifests

VALIDATOR = sources.REPO_ROOT / "bin" / "bundle-validate"


@pytest.fixture(scope="session")
def read_sources() -> sources.Sources:
    return sources.read()


@pytest.fixture(scope="session")
def bundle_dir(read_sources: sources.Sources, tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("olm") / "bundle"
    layout.write(directory, read_sources.package, bundle_manifests(read_sources))
    return directory


@pytest.fixture(scope="session")
def csv(bundle_dir: Path, read_sources: sources.Sources) -> dict:
    """The ClusterServiceVersion as the bundle holds it (read back from its file)."""
    path = bundle_dir / "manifests" / f"{read_sources.package}.clusterserviceversion.yaml"
    return yaml.safe_load(path.read_text())


@pytest.fixture(scope="session")
def validate() -> Callable[[Path], subprocess.CompletedProcess]:
    assert VALIDATOR.is_file(), f"{VALIDATOR} is missing: sandbox/tools/build.sh bundle-validate builds it (make deps)"

    def run(directory: Path) -> subprocess.CompletedProcess:
        return subprocess.run([str(VALIDATOR), str(directory)], capture_output=True, text=True, timeout=60, check=False)

    return run
