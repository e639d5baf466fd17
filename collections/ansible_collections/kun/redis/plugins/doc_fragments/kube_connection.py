# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How this repository's Kubernetes modules find the API server: documented once, used by every such module."""


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  kubeconfig:
    description:
      - Path of a kubeconfig file; also from C(K8S_AUTH_KUBECONFIG). Without one, C($KUBECONFIG), then the pod's
        service account, then C(~/.kube/config).
    type: path
  context:
    description: Context of the kubeconfig to use; also from C(K8S_AUTH_CONTEXT).
    type: str
requirements:
  - kubernetes (the Python client), only for a kubeconfig user with an exec plugin or an auth provider
"""
