#!/usr/bin/env bash
# Builds the sandbox's pinned Go binaries into bin/ from the Go module proxy, and ansible-operator, the operator's
# runtime, at the version of the Dockerfile's base image.
#
# Each binary is built once per version into a cache outside the work tree, so a fresh clone (CI) reuses what an
# earlier run built and only copies it; delete the cache folder to force a rebuild.
#
#   build.sh                          every binary
#   build.sh ansible-operator kubectl only those named (what `make run` needs on a cluster of your own)
set -euo pipefail
wanted=("$@")
wants() { [ ${#wanted[@]} -eq 0 ] || [[ " ${wanted[*]} " == *" $1 "* ]]; }

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin="$top/bin"
cache="${SANDBOX_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/redis-kun-sandbox}"

kubernetes_version=$(awk '$1 == "require" && $2 == "k8s.io/kubernetes" {print $3}' "$here/kubernetes/go.mod")
etcd_version=$(awk '$1 == "go.etcd.io/etcd/server/v3" {print $2}' "$here/etcd/go.mod")
redis_exporter_version=$(awk '$1 == "github.com/oliver006/redis_exporter" {print $2}' "$here/redis_exporter/go.mod")
prometheus_version=$(awk '$1 == "github.com/prometheus/prometheus" {print $2}' "$here/prometheus/go.mod")

command -v go >/dev/null || { echo "sandbox: Go is not installed; install Go >= 1.26 and retry" >&2; exit 1; }

# build NAME VERSION MODULE_DIR PACKAGE [LDFLAGS [TAGS]]
build() {
  local name=$1 version=$2 dir=$3 package=$4 ldflags=${5:-} tags=${6:-}
  local cached="$cache/$name-$version"
  if [ ! -x "$cached" ]; then
    echo "sandbox: building $name $version (first time only; cached in $cache)"
    mkdir -p "$cache"
    (cd "$dir" && CGO_ENABLED=0 go build -trimpath -tags "$tags" -ldflags "-s -w $ldflags" -o "$cached.tmp" "$package")
    mv "$cached.tmp" "$cached"
  fi
  mkdir -p "$bin"
  if ! cmp -s "$cached" "$bin/$name"; then
    ln -f "$cached" "$bin/$name" 2>/dev/null || cp "$cached" "$bin/$name"
  fi
}

minor=${kubernetes_version#v1.}; minor=${minor%%.*}
k8s_ldflags="-X k8s.io/component-base/version.gitVersion=$kubernetes_version \
  -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor \
  -X k8s.io/component-base/version.gitTreeState=clean"

wants etcd && build etcd "$etcd_version" "$here/etcd" go.etcd.io/etcd/server/v3
# Not part of the control plane: the kubelet runs it for pods with the oliver006/redis_exporter image.
wants redis_exporter && build redis_exporter "$redis_exporter_version" "$here/redis_exporter" \
  github.com/oliver006/redis_exporter "-X main.BuildVersion=$redis_exporter_version"
# Not part of the control plane either: the e2e suite's Prometheus, and promtool for the alert rules' unit tests.
# remove_all_sd leaves out every service discovery but file, http and static, and the clouds' SDKs with them (a sixth
# of the packages); enable_kubernetes_sd keeps the one the tests use (docs/observability.md).
# Its Go module's v0.MMP.P is Prometheus M.MP.P (v0.316.0: 3.16.0), the version it reports.
prometheus_release=${prometheus_version#v0.}
prometheus_minor=${prometheus_release%%.*}
prometheus_stamp="-X github.com/prometheus/common/version.Version=$((prometheus_minor / 100)).$((prometheus_minor % 100)).${prometheus_release#*.}"
for cmd in prometheus promtool; do
  wants "$cmd" && build "$cmd" "$prometheus_version" "$here/prometheus" "github.com/prometheus/prometheus/cmd/$cmd" \
    "$prometheus_stamp" remove_all_sd,enable_kubernetes_sd
done
for cmd in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
  wants "$cmd" && build "$cmd" "$kubernetes_version" "$here/kubernetes" "k8s.io/kubernetes/cmd/$cmd" "$k8s_ldflags"
done
# Not a sandbox binary: the chart's client (charts/redis-kun-operator), stamped as helm's release Makefile does.
helm_version=$(awk '$1 == "helm.sh/helm/v4" {print $2}' "$here/helm/go.mod")
wants helm && build helm "$helm_version" "$here/helm" helm.sh/helm/v4/cmd/helm \
  "-X helm.sh/helm/v4/internal/version.version=$helm_version -X helm.sh/helm/v4/internal/version.gitTreeState=clean"
# Not a sandbox binary: `make bundle` and the bundle's tests check the OLM bundle with it. Its version is the
# operator-framework/api it is built on plus a hash of its own sources, so an edit of main.go builds it again.
bundle_validate=$here/bundle-validate
bundle_validate_version=$(awk '$1 == "github.com/operator-framework/api" {print $2}' "$bundle_validate/go.mod")
bundle_validate_version+=-$(cat "$bundle_validate/main.go" "$bundle_validate/go.mod" "$bundle_validate/go.sum" | sha256sum | cut -c1-12)
wants bundle-validate && build bundle-validate "$bundle_validate_version" "$bundle_validate" .
wants ansible-operator || exit 0

# ansible-operator: `go install` where the Go module proxy serves operator-framework's modules; where it refuses them,
# from the upstream source tarballs of $ANSIBLE_OPERATOR_SOURCES (default ../shared/third_party/ansible-operator-V
# beside the repository, checked against its SHA256SUMS), with operator-lib and operator-registry replaced by their
# unpacked tarballs. Either way the plugin that sends ansible-runner's events to ansible-operator
# (images/ansible-operator/ansible_runner_http; without it every reconcile ends in "did not receive
# playbook_on_stats event") is kept beside the binary and installed into the project's virtualenv.
ansible_operator_version=$(sed -n 's|^FROM .*/ansible-operator:\(v[0-9][0-9.]*\)$|\1|p' "$top/Dockerfile")
[ -n "$ansible_operator_version" ] || { echo "sandbox: the Dockerfile names no ansible-operator base image version" >&2; exit 1; }
ansible_operator_module=github.com/operator-framework/ansible-operator-plugins
ansible_operator=$cache/ansible-operator-$ansible_operator_version
runner_http=$cache/ansible-runner-http-$ansible_operator_version

go_install_ansible_operator() {  # the way upstream documents; prints why it failed, returns non-zero
  local ldflags=$1 gobin
  gobin=$(mktemp -d)
  if GOBIN=$gobin CGO_ENABLED=0 GOFLAGS=-mod=mod go install -trimpath -ldflags "$ldflags" \
      "$ansible_operator_module/cmd/ansible-operator@$ansible_operator_version" 2>"$gobin/log"; then
    local source
    source=$(go mod download -json "$ansible_operator_module@$ansible_operator_version" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
    cp -r "$source/images/ansible-operator/ansible_runner_http" "$runner_http.tmp"
    mv "$gobin/ansible-operator" "$ansible_operator.tmp"
    rm -rf "$gobin"
    return 0
  fi
  tail -1 "$gobin/log" >&2
  rm -rf "$gobin"
  return 1
}

build_ansible_operator_from_tarballs() {
  local ldflags=$1 sources=$2 work
  [ -f "$sources/SHA256SUMS" ] || { echo "sandbox: $sources has no SHA256SUMS" >&2; return 1; }
  (cd "$sources" && sha256sum --quiet -c SHA256SUMS) >&2 || {
    echo "sandbox: the tarballs in $sources do not match its SHA256SUMS" >&2
    return 1
  }
  work=$(mktemp -d)
  for tarball in "$sources"/*.tar.gz; do tar -xzf "$tarball" -C "$work"; done
  local plugins=("$work"/ansible-operator-plugins-*) lib=("$work"/operator-lib-*) registry=("$work"/operator-registry-*)
  (
    cd "${plugins[0]}"
    go mod edit -replace="github.com/operator-framework/operator-lib=${lib[0]}" \
      -replace="github.com/operator-framework/operator-registry=${registry[0]}"
    CGO_ENABLED=0 go build -mod=readonly -trimpath -ldflags "$ldflags" -o "$ansible_operator.tmp" ./cmd/ansible-operator
  ) || { rm -rf "$work"; return 1; }
  cp -r "${plugins[0]}/images/ansible-operator/ansible_runner_http" "$runner_http.tmp"
  rm -rf "$work"
}

if [ ! -x "$ansible_operator" ] || [ ! -d "$runner_http" ]; then
  echo "sandbox: building ansible-operator $ansible_operator_version (first time only; cached in $cache)"
  mkdir -p "$cache"
  rm -rf "$ansible_operator.tmp" "$runner_http.tmp"
  # The stamps upstream's Makefile sets; `ansible-operator version` prints them.
  commit=292a56a4877c8093037c0533f3ef3c7a6bbd78e2  # the tag's commit, as the tarballs' README records it
  stamp="$ansible_operator_module/internal/version"
  ldflags="-s -w -X $stamp.Version=$ansible_operator_version -X $stamp.GitVersion=$ansible_operator_version \
    -X $stamp.GitCommit=$commit -X $stamp.KubernetesVersion=v1.32.0 -X $stamp.ImageVersion=$ansible_operator_version"
  sources=${ANSIBLE_OPERATOR_SOURCES:-$top/../shared/third_party/ansible-operator-$ansible_operator_version}
  if ! go_install_ansible_operator "$ldflags"; then
    echo "sandbox: the Go module proxy does not serve $ansible_operator_module@$ansible_operator_version; building from the sources in $sources"
    if [ ! -d "$sources" ]; then
      echo "sandbox: cannot build ansible-operator $ansible_operator_version: the Go module proxy refuses it and $sources does not exist;" \
        "set ANSIBLE_OPERATOR_SOURCES to a directory with its source tarballs and SHA256SUMS" >&2
      exit 1
    fi
    build_ansible_operator_from_tarballs "$ldflags" "$sources" || {
      echo "sandbox: cannot build ansible-operator $ansible_operator_version from $sources (see above)" >&2
      exit 1
    }
  fi
  mv "$runner_http.tmp" "$runner_http"
  mv "$ansible_operator.tmp" "$ansible_operator"
fi
mkdir -p "$bin"
cmp -s "$ansible_operator" "$bin/ansible-operator" || ln -f "$ansible_operator" "$bin/ansible-operator" 2>/dev/null \
  || cp "$ansible_operator" "$bin/ansible-operator"
# ansible-runner loads the plugin by its entry point from the environment that runs it: the project's virtualenv.
venv_python=$top/.venv/bin/python
if [ -x "$venv_python" ] && ! "$venv_python" -c 'import ansible_runner_http' 2>/dev/null; then
  "$venv_python" -m pip install -q --disable-pip-version-check --no-deps "$runner_http"
fi
