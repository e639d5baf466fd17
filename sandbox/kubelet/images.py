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
Any other image runs only when the container gives `command`; `command[0]` (or the mapped executable) is looked up on
the host PATH, so busybox- or debian-like containers can use `sh`, `sleep`, `redis-cli` and so on.
"""

from __future__ import annotations

import re
import shutil

from sandbox.config import BIN_DIR

_TAG_OR_DIGEST = r"(?::[\w.-]+)?(?:@sha256:[0-9a-f]{64})?$"
REDIS_IMAGE = re.compile(r"^(?:docker\.io/)?(?:(?:library/)?redis|bitnami/redis)" + _TAG_OR_DIGEST)
EXPORTER_IMAGE = re.compile(r"^(?:docker\.io/|quay\.io/)?oliver006/redis_exporter" + _TAG_OR_DIGEST)
EXPORTER_BINARY = BIN_DIR / "redis_exporter"

MAPPED_IMAGES_HELP = (
    "the sandbox runs host binaries instead of pulling images: give the container a `command`, "
    "or use a redis image (redis:<tag>, docker.io/library/redis:<tag>, bitnami/redis:<tag>), which runs redis-server, "
    "or oliver006/redis_exporter:<tag>"
)


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
    else:
        raise NotRunnable("ImageNotInSandbox", f"image {image!r} is not mapped to host binaries; {MAPPED_IMAGES_HELP}")
    if redis_image and argv[0].rsplit("/", 1)[-1] in ("redis-server", "redis-sentinel"):
        # After the config file (which must come first) and before the user's options, so those still win.
        position = 2 if len(argv) > 1 and not argv[1].startswith("-") else 1
        argv[position:position] = ["--protected-mode", "no"]
    return argv


def resolve_executable(argv0: str, path: str) -> str:
    """The host path of argv0 (absolute, or searched on `path`); NotRunnable when the host has no such program."""
    found = shutil.which(argv0, path=path)
    if found is None:
        raise NotRunnable("CommandNotInSandbox", f"{argv0!r} is not installed on the sandbox host (PATH={path})")
    return found
