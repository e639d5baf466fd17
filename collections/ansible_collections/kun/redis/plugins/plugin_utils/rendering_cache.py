# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Renderings kept on disk by a key of everything they were rendered from, for the cached_template lookup.

Each rendering is one file named by its key, written whole (a temporary file renamed over it), so that concurrent
reconciles never read half of one. The least recently used go once there are more than max_entries: a hit touches
its file. A file that cannot be read or written is a miss, never an error: the template is then rendered as usual.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

SUFFIX = ".rendering"


class NotSerialisable(TypeError):
    """A variable's value has no canonical JSON form, so it cannot be part of a key."""


def rendering_key(inputs: Mapping[str, Any]) -> str:
    """The SHA-256 of the canonical JSON of inputs (sources, files, variable values, versions)."""

    def refuse(value: object) -> object:
        raise NotSerialisable(f"{type(value).__name__} has no JSON form")

    canonical = json.dumps(inputs, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=refuse)
    return hashlib.sha256(canonical.encode()).hexdigest()


class RenderingCache:
    def __init__(self, directory: Path, max_entries: int):
        self.directory, self.max_entries = directory, max_entries

    def get(self, key: str) -> str | None:
        path = self._path(key)
        try:
            text = path.read_text(encoding="utf-8")
            os.utime(path)  # recently used
        except OSError:
            return None
        return text

    def put(self, key: str, text: str) -> None:
        with contextlib.suppress(OSError):
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            descriptor, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            try:
                with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                    file.write(text)
                os.replace(temporary, self._path(key))
            except OSError:
                os.unlink(temporary)
                raise
            self._prune()

    def _prune(self) -> None:
        entries = []
        for entry in os.scandir(self.directory):
            if entry.name.endswith(SUFFIX):
                with contextlib.suppress(OSError):  # removed meanwhile by another reconcile
                    entries.append((entry.stat().st_mtime, entry.path))
        entries.sort()
        for _mtime, path in entries[: max(0, len(entries) - self.max_entries)]:
            with contextlib.suppress(OSError):
                os.unlink(path)

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}{SUFFIX}"
