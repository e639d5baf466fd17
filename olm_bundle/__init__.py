"""The OLM bundle (`make bundle`): a registry+v1 bundle generated from config/, so that its ClusterServiceVersion
installs the Deployment, the permissions and the version that `kubectl apply -k config/default` installs, with the
scope taken from the OperatorGroup (docs/install.md, "OLM")."""


class BundleError(Exception):
    """config/ (or the base ClusterServiceVersion) says something the bundle cannot express; the message says what."""
