"""ansible-test's pip bootstrap, from Python's own pip wheel instead of a download.

ansible-test creates each sanity test's virtual environment without pip, then runs a get-pip script it downloads
from its own file server (not a package registry, so unreachable here) and caches as
~/.ansible/test/cache/get_pip_<version>.py. Like get-pip, this script runs pip from a wheel on sys.path with
`install --upgrade --force-reinstall` and ansible-test's arguments (the pip version it pins), so pip itself comes from
the package index. The wheel is the one ensurepip ships with the interpreter. Written by hand: no package does this;
scripts/install-deps copies it into ansible-test's cache.
"""

from __future__ import annotations

import ensurepip
import sys
from pathlib import Path

wheels = sorted((Path(ensurepip.__file__).parent / "_bundled").glob("pip-*.whl"))
if not wheels:
    sys.exit(f"{sys.executable} ships no pip wheel with ensurepip; install python3-pip-whl or a full Python")
sys.path.insert(0, str(wheels[-1]))

from pip._internal.cli.main import main  # noqa: E402 - importable only once the wheel is on sys.path

# get-pip's own flags: it installs setuptools and wheel unless told not to; this script never does.
GET_PIP_FLAGS = {"--no-setuptools", "--no-wheel"}
sys.exit(main(["install", "--upgrade", "--force-reinstall", *(a for a in sys.argv[1:] if a not in GET_PIP_FLAGS)]))
