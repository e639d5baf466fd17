"""`make bundle`: python -m olm_bundle [--output bundle] [--no-validate]. Writes the OLM bundle generated from
config/, then checks it with bin/bundle-validate (sandbox/tools/bundle-validate); exits non-zero when it fails."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from olm_bundle import BundleError, layout, sources
from olm_bundle.manifests import bundle_manifests

VALIDATOR = sources.REPO_ROOT / "bin" / "bundle-validate"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m olm_bundle", description=__doc__)
    parser.add_argument("--output", type=Path, default=sources.REPO_ROOT / "bundle", help="default: bundle/")
    parser.add_argument("--no-validate", action="store_true", help="write the bundle without checking it")
    options = parser.parse_args()
    try:
        read = sources.read()
        layout.write(options.output, read.package, bundle_manifests(read))
    except BundleError as error:
        print(f"bundle: {error}", file=sys.stderr)
        return 1
    print(f"bundle: wrote {options.output}")
    if options.no_validate:
        return 0
    return subprocess.run([str(VALIDATOR), str(options.output)], check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
