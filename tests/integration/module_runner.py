"""Runs a kun.redis module, or its action, in this process: the collection's own runner (its
tests/unit/plugins/runners.py), so that the integration tests and the collection's unit tests run them alike."""

from __future__ import annotations

from ansible_collections.kun.redis.tests.unit.plugins.runners import run_action, run_module

__all__ = ["run_action", "run_module"]
