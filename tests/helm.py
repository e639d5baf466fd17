"""bin/helm (sandbox/tools/build.sh builds it) on the chart charts/redis-kun-operator, for the unit and e2e suites."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
HELM = REPO_ROOT / "bin" / "helm"
CHART = REPO_ROOT / "charts" / "redis-kun-operator"
# helm logs every link it follows, and the chart's files/ and crds/ are links into config/: never a finding.
_LINK_NOTICE = "found symbolic link in path"


def helm(*args: str, values: dict | None = None, kubeconfig: Path | None = None, timeout: float = 120):
    """Run helm; `values` go in as a values file on stdin. Returns the completed process, its stderr without the
    notices of followed links."""
    command = [str(HELM), *args]
    if values is not None:
        command += ["--values", "-"]
    if kubeconfig is not None:
        command += ["--kubeconfig", str(kubeconfig)]
    result = subprocess.run(
        command,
        input=json.dumps(values) if values is not None else None,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    result.stderr = "\n".join(line for line in result.stderr.splitlines() if _LINK_NOTICE not in line)
    return result


def template_text(values: dict, *args: str, release: str = "test", namespace: str = "test") -> str:
    """The manifests `helm install` would apply with these values (with --include-crds, the CRD first)."""
    result = helm("template", release, str(CHART), "--namespace", namespace, *args, values=values)
    assert result.returncode == 0, f"helm template failed: {result.stderr}"
    return result.stdout


def template(values: dict, *args: str, release: str = "test", namespace: str = "test") -> list[dict]:
    rendered = template_text(values, *args, release=release, namespace=namespace)
    return [item for item in yaml.safe_load_all(rendered) if item]


def refusal(values: dict | None, *args: str) -> str:
    """What helm says when it refuses to render the chart with these values (an AssertionError if it renders)."""
    result = helm("template", "test", str(CHART), *args, values=values)
    assert result.returncode != 0, f"helm rendered the chart with {values} {args}"
    return result.stderr
