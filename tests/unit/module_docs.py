"""A module's documented options, its doc fragments included, in the shape its argument_spec has: the two must agree
option by option, so that `ansible-doc` tells users what the module really takes."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import yaml

PLUGINS = Path(__file__).resolve().parents[2] / "plugins"


def load_module(name: str) -> ModuleType:
    """plugins/modules/<name>.py, imported under its own name."""
    spec = importlib.util.spec_from_file_location(name, PLUGINS / "modules" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def documented_options(module: ModuleType) -> dict:
    documentation = yaml.safe_load(module.DOCUMENTATION)
    options = {}
    for fragment in documentation.get("extends_documentation_fragment", []):
        spec = importlib.util.spec_from_file_location(fragment, PLUGINS / "doc_fragments" / f"{fragment}.py")
        loaded = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(loaded)
        options |= yaml.safe_load(loaded.ModuleDocFragment.DOCUMENTATION)["options"]
    return options | documentation["options"]


def shape(options: dict) -> dict:
    """What must agree between the documentation (suboptions) and argument_spec (options), option by option."""
    return {
        name: {
            "type": option.get("type", "str"),
            "required": option.get("required", False),
            "default": option.get("default"),
            "choices": option.get("choices"),
            "elements": option.get("elements"),
            "options": shape(nested) if (nested := option.get("suboptions", option.get("options"))) else None,
        }
        for name, option in options.items()
    }
