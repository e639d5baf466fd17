"""The sandbox's process kubelet: runs the pods bound to the sandbox nodes as local processes.

Each pod gets its own network namespace with an address on the sandbox bridge, and each container runs in a private
mount and UTS namespace on the host's root filesystem, with its volumes bind-mounted at their mount paths. Images are
not pulled: see `images.py` for how a container's image and command become a host command line.
Start it with `python -m sandbox.kubelet` (the control plane does; see `__main__.py`).
"""
