"""bin/ansible-operator is the runtime of the operator image: the version its Dockerfile's base image names, built
with upstream's version stamps (a binary built without them says "unknown")."""

import re
import subprocess

import pytest

from sandbox import config

pytestmark = pytest.mark.sandbox


def test_the_binary_is_the_version_of_the_image_base():
    dockerfile = (config.REPO_ROOT / "Dockerfile").read_text()
    [version] = re.findall(r"^FROM \S+/ansible-operator:(v[\d.]+)$", dockerfile, re.MULTILINE)
    printed = subprocess.run(
        [str(config.BIN_DIR / "ansible-operator"), "version"], capture_output=True, text=True, check=True
    ).stdout
    assert f'ansible-operator version: "{version}"' in printed
