"""The operator's web console: a Starlette server (app.py) that makes every Kubernetes call as the signed-in user,
and a page built from console/web. Generic: the custom resources it serves come from kinds.yaml."""
