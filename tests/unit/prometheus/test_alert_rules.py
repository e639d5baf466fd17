"""The alert rules of config/prometheus/prometheusrule.yaml, checked and unit-tested by promtool (bin/promtool, built by
sandbox/tools/build.sh): the rules file Prometheus would load is valid, and alerts.test.yaml's cases, each alert
firing and not firing, pass."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from sandbox import config
from sandbox.prometheus import write_rules

pytestmark = pytest.mark.unit

PROMTOOL = config.BIN_DIR / "promtool"
CASES = Path(__file__).with_name("alerts.test.yaml")


def promtool(*arguments: str, cwd: Path) -> str:
    if not PROMTOOL.exists():
        pytest.fail(f"{PROMTOOL} is missing: `make deps` builds it")
    done = subprocess.run([str(PROMTOOL), *arguments], cwd=cwd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"promtool {' '.join(arguments)}:\n{done.stdout}{done.stderr}"
    return done.stdout


def test_the_rules_file_is_valid(tmp_path):
    rules = write_rules(tmp_path)
    assert "SUCCESS: 7 rules found" in promtool("check", "rules", rules.name, cwd=tmp_path)


def test_every_alert_fires_when_it_should_and_only_then(tmp_path):
    write_rules(tmp_path)
    shutil.copy(CASES, tmp_path)
    assert "SUCCESS" in promtool("test", "rules", CASES.name, cwd=tmp_path)
