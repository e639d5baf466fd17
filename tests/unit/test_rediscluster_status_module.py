"""rediscluster_status documents exactly the options it takes (what ansible-test's validate-modules checks)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.unit

MODULE = Path(__file__).resolve().parents[2] / "plugins" / "modules" / "rediscluster_status.py"


def load_module():
    spec = importlib.util.spec_from_file_location("rediscluster_status", MODULE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def shape(options: dict) -> dict:
    """What must agree between DOCUMENTATION and argument_spec, option by option."""
    return {
        name: {
            "type": option.get("type", "str"),
            "required": option.get("required", False),
            "default": option.get("default"),
            "choices": option.get("choices"),
            "elements": option.get("elements"),
            "options": shape(option["options"]) if "options" in option else None,
        }
        for name, option in options.items()
    }


def test_documentation_and_argument_spec_agree():
    module = load_module()
    documented = yaml.safe_load(module.DOCUMENTATION)["options"]
    assert shape(documented) == shape(module.argument_spec())


def test_examples_and_return_are_valid_yaml():
    module = load_module()
    assert all(task["rediscluster_status"]["condition"]["type"] for task in yaml.safe_load(module.EXAMPLES))
    assert set(yaml.safe_load(module.RETURN)) == {"status", "written", "events"}
