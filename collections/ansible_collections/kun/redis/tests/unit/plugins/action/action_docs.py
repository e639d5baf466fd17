"""An action plugin's documented options (its doc-only module file, doc fragments included) in the shape of its
ARGUMENT_SPEC. ansible-test's validate-modules checks modules' documentation against their argument_spec, but an
action plugin's spec lives in the action, where validate-modules does not look; these two must agree too."""

from __future__ import annotations

import importlib

import yaml

COLLECTION = "ansible_collections.kun.redis.plugins"


def documented_options(name: str) -> dict:
    documentation = yaml.safe_load(importlib.import_module(f"{COLLECTION}.modules.{name}").DOCUMENTATION)
    options = {}
    for fragment in documentation.get("extends_documentation_fragment", []):
        loaded = importlib.import_module(f"{COLLECTION}.doc_fragments.{fragment.removeprefix('kun.redis.')}")
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
