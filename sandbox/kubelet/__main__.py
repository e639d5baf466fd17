"""`python -m sandbox.kubelet --state-dir DIR --kubeconfig FILE --nodes N`: run the sandbox kubelet until SIGTERM,
which stops every pod's processes (pods stay in the API) and removes their network namespaces."""

import argparse
import logging
import signal
from pathlib import Path

from .kubelet import Kubelet


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox.kubelet", description=__doc__)
    parser.add_argument("--state-dir", type=Path, required=True)
    parser.add_argument("--kubeconfig", required=True)
    parser.add_argument("--nodes", type=int, default=3)
    parser.add_argument("--verbose", action="store_true")
    options = parser.parse_args()
    logging.basicConfig(
        level=logging.DEBUG if options.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("urllib3").setLevel(logging.WARNING)  # its debug lines would show request URLs and bodies
    kubelet = Kubelet(options.state_dir.absolute(), options.kubeconfig, options.nodes)
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: kubelet.stopping.set())
    kubelet.run()


main()
