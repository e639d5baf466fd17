"""Which host command line a container runs: images are never pulled, so a container states its command, or uses an
image on the short list below that maps to binaries installed on the host.

Mapped images (any tag or digest):
  redis, library/redis, docker.io/library/redis, bitnami/redis  -> `redis-server` (the image's entrypoint behaviour:
      args that start with an executable name, e.g. `redis-sentinel /etc/sentinel.conf`, run that executable instead).
      The official image's binaries are built with protected mode off by default; the host's are not, so
      redis-server and redis-sentinel from a redis image get `--protected-mode no` (before the user's options).
  oliver006/redis_exporter, docker.io/ or quay.io/ prefixed  -> bin/redis_exporter (built by sandbox/tools/build.sh),
      with the container's args. Like the image, it reads REDIS_ADDR, REDIS_PASSWORD and so on from the environment
      and serves metrics on :9121.
  redis-kun-operator (any registry)  -> the operator's image (the Dockerfile's last stage), built from this checkout:
      bin/ansible-operator with the image's entrypoint (`run --watches-file=./watches.yaml`), WORKDIR this repository
      (watches.yaml, roles/, collections/), the image's ENV (ANSIBLE_CONFIG, ANSIBLE_PYTHON_INTERPRETER) pointing at
      the project's virtualenv, `ansible-python` (the event relay's command) as that interpreter, and USER 1001.
  redis-kun-console (any registry)  -> the console's image (the Dockerfile's `console` stage): `python -m console`
      from this repository, USER 65532.
An image's USER is the container's user unless runAsUser says otherwise; a mapped image's files are this checkout,
the virtualenv and the Python installation it was made from (Image.files), which runc.py keeps reachable for a
non-root user even when an ancestor directory (say /root) is private.
Any other image runs only when the container gives `command`; `command[0]` (or the mapped executable) is looked up on
the host PATH, so busybox- or debian-like containers can use `sh`, `sleep`, `redis-cli` and so on.
"""

from __future__ import annotations

import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from sandbox.config import BIN_DIR, REPO_ROOT

_TAG_OR_DIGEST = r"(?::[\w.-]+)?(?:@sha256:[0-9a-f]{64})?$"
REDIS_IMAGE = re.compile(r"^(?:docker\.io/)?(?:(?:library/)?redis|bitnami/redis)" + _TAG_OR_DIGEST)
EXPORTER_IMAGE = re.compile(r"^(?:docker\.io/|quay\.io/)?oliver006/redis_exporter" + _TAG_OR_DIGEST)
EXPORTER_BINARY = BIN_DIR / "redis_exporter"
_ANY_REGISTRY = r"^(?:[\w.-]+(?::\d+)?/)*"
OPERATOR_IMAGE = re.compile(_ANY_REGISTRY + r"redis-kun-operator" + _TAG_OR_DIGEST)
CONSOLE_IMAGE = re.compile(_ANY_REGISTRY + r"redis-kun-console" + _TAG_OR_DIGEST)

MAPPED_IMAGES_HELP = (
    "the sandbox runs host binaries instead of pulling images: give the container a `command`, "
    "or use a redis image (redis:<tag>, docker.io/library/redis:<tag>, bitnami/redis:<tag>), which runs redis-server, "
    "or oliver006/redis_exporter:<tag>, "
    "or the project's own images redis-kun-operator:<tag> and redis-kun-console:<tag>"
)


@dataclass(frozen=True)
class Image:
    """What an image's config gives a container: ENTRYPOINT (None: the container must state its command), ENV,
    WORKDIR and USER (None: root), the programs its PATH provides that the host has under another name, and the host
    directories that hold its files."""

    entrypoint: tuple[str, ...] | None = None
    env: dict[str, str] = field(default_factory=dict)
    workdir: str | None = None
    user: int | None = None
    programs: dict[str, str] = field(default_factory=dict)
    files: tuple[str, ...] = ()


def _project_image(entrypoint: tuple[str, ...], env: dict[str, str], user: int) -> Image:
    """An image built from this repository by the Dockerfile: its files are the checkout, the virtualenv (whose
    interpreter runs the kubelet too; .venv may be a link into a cache) and the Python installation the virtualenv
    was made from."""
    python = sys.executable
    return Image(
        entrypoint=entrypoint,
        env={"PATH": f"{Path(python).parent}:{BIN_DIR}:/usr/local/bin:/usr/bin:/bin", **env},
        workdir=str(REPO_ROOT),
        user=user,
        programs={"ansible-python": python},
        files=tuple(sorted({str(path.resolve()) for path in (REPO_ROOT, Path(sys.prefix), Path(sys.base_prefix))})),
    )


def image_of(name: str) -> Image:
    """The config of a mapped image; an empty Image (no entrypoint, root) for any other."""
    if OPERATOR_IMAGE.match(name or ""):
        return _project_image(
            (str(BIN_DIR / "ansible-operator"), "run", "--watches-file=./watches.yaml"),
            {"ANSIBLE_CONFIG": str(REPO_ROOT / "ansible.cfg"), "ANSIBLE_PYTHON_INTERPRETER": sys.executable},
            user=1001,  # the ansible-operator base image's USER_UID
        )
    if CONSOLE_IMAGE.match(name or ""):
        return _project_image((sys.executable, "-m", "console"), {}, user=65532)
    return Image()


class NotRunnable(Exception):
    """A container the sandbox cannot run; `reason` becomes the container's waiting reason."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


def container_argv(image: str, command: list[str] | None, args: list[str] | None) -> list[str]:
    """The argv a container runs, from its image, command and args (Kubernetes' command/args over ENTRYPOINT/CMD)."""
    args = list(args or [])
    redis_image = bool(REDIS_IMAGE.match(image or ""))
    if command:
        argv = list(command) + args
    elif redis_image:
        # The redis image's entrypoint runs its first argument when that is a program, else redis-server with it.
        argv = (
            args if args and not args[0].startswith("-") and not args[0].endswith(".conf") else ["redis-server", *args]
        )
    elif EXPORTER_IMAGE.match(image or ""):
        argv = [str(EXPORTER_BINARY), *args]  # the image's entrypoint is the exporter itself
    elif (entrypoint := image_of(image).entrypoint) is not None:
        argv = [*entrypoint, *args]
    else:
        raise NotRunnable("ImageNotInSandbox", f"image {image!r} is not mapped to host binaries; {MAPPED_IMAGES_HELP}")
    if redis_image and argv[0].rsplit("/", 1)[-1] in ("redis-server", "redis-sentinel"):
        # After the config file (which must come first) and before the user's options, so those still win.
        position = 2 if len(argv) > 1 and not argv[1].startswith("-") else 1
        argv[position:position] = ["--protected-mode", "no"]
    return argv


def resolve_executable(argv0: str, path: str, programs: dict[str, str] | None = None) -> str:
    """The host path of argv0 (a program of the image, absolute, or searched on `path`); NotRunnable when the host has
    no such program."""
    found = (programs or {}).get(argv0) or shutil.which(argv0, path=path)
    if found is None:
        raise NotRunnable("CommandNotInSandbox", f"{argv0!r} is not installed on the sandbox host (PATH={path})")
    return found
