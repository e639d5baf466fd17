#!/usr/bin/env bash
# Builds the sandbox's pinned Go binaries into bin/ from the Go module proxy.
#
# Each binary is built once per version into a cache outside the work tree, so a fresh clone (CI) reuses what an
# earlier run built and only copies it; delete the cache folder to force a rebuild.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin="$top/bin"
cache="${SANDBOX_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/redis-kun-sandbox}"

kubernetes_version=$(awk '$1 == "require" && $2 == "k8s.io/kubernetes" {print $3}' "$here/kubernetes/go.mod")
etcd_version=$(awk '$1 == "go.etcd.io/etcd/server/v3" {print $2}' "$here/etcd/go.mod")
redis_exporter_version=$(awk '$1 == "github.com/oliver006/redis_exporter" {print $2}' "$here/redis_exporter/go.mod")

command -v go >/dev/null || { echo "sandbox: Go is not installed; install Go >= 1.26 and retry" >&2; exit 1; }

# build NAME VERSION MODULE_DIR PACKAGE [LDFLAGS]
build() {
  local name=$1 version=$2 dir=$3 package=$4 ldflags=${5:-}
  local cached="$cache/$name-$version"
  if [ ! -x "$cached" ]; then
    echo "sandbox: building $name $version (first time only; cached in $cache)"
    mkdir -p "$cache"
    (cd "$dir" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w $ldflags" -o "$cached.tmp" "$package")
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

build etcd "$etcd_version" "$here/etcd" go.etcd.io/etcd/server/v3
# Not part of the control plane: the kubelet runs it for pods with the oliver006/redis_exporter image.
build redis_exporter "$redis_exporter_version" "$here/redis_exporter" github.com/oliver006/redis_exporter \
  "-X main.BuildVersion=$redis_exporter_version"
for cmd in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
  build "$cmd" "$kubernetes_version" "$here/kubernetes" "k8s.io/kubernetes/cmd/$cmd" "$k8s_ldflags"
done
